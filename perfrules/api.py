"""The embedding API: load a ruleset once, score many forms.

>>> import perfrules
>>> rs = perfrules.load_ruleset("hubei/huangshi/project-2022")    # an id, or a path
>>> result = rs.evaluate({"kind": "project", ...})                 # a dict, or a perfrules.Form
>>> result.total, result.grade, result.to_dict(), result.explain()

A :class:`Ruleset` is immutable after loading, safe to share between threads,
and picklable (it is rebuilt from its source text in the receiving process).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import nodes
from .aggregate import Aggregated, aggregate_forms
from .areas import is_province
from .check import check_chain
from .compiler import Program
from .errors import Diagnostic, EngineError, FormError, LookupFailure, PerfrulesError, RulesetError
from .fallback import nearest_later, notice
from .forms import Form, RawForm, read_form
from .formweights import adapt, mark_reached, weights_key
from .header import NATIONAL
from .interpreter import Interpreter, interpret
from .model import Model
from .parser import parse_text
from .parts_search import add_rulesets_tried
from .places import place_of
from .registry import Entry, Registry
from .result import Finding, Result


class Ruleset:
    """A parsed, checked and compiled ruleset."""

    def __init__(self, chain: list[nodes.RulesetFile], *, prove: bool = True):
        model, diags = check_chain(chain, prove=prove)
        errors = [d for d in diags if d.severity == "error"]
        if errors or model is None:
            raise RulesetError(errors or diags)
        self.model: Model = model
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diags)
        self._chain = chain
        self._prove = prove
        self.program = Program(model)
        self._adapted: dict[tuple[tuple[str, Any], ...], Program] = {}
        self._interpreter: Interpreter | None = None  # the reference runner, made when first asked

    # -- identity
    @property
    def id(self) -> str:
        return self.model.id

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def sha256(self) -> str:
        return self.model.sha256

    @property
    def path(self) -> str:
        return self.model.path

    def __repr__(self) -> str:
        return f"<Ruleset {self.id} v{self.version} {self.model.kind} {'/'.join(self.model.jurisdiction) or '全国'} {self.model.years_text()}>"

    # -- scoring
    def _form(self, form: Form | RawForm | Mapping[str, Any]) -> Form:
        if isinstance(form, Form):
            return form
        if isinstance(form, RawForm):
            return read_form(form)
        return read_form(dict(form))

    def evaluate(self, form: Form | RawForm | Mapping[str, Any], *, coverage: bool = False,
                 detail: bool = False) -> Result:
        """Score a form (a dict as in the form contract, or a :class:`Form`) with the compiled program.

        Raises :class:`~perfrules.errors.FormError` if the form cannot be read;
        everything else it finds is in ``result.findings``.  With `coverage`,
        ``result.reached`` holds the rubric cells the form exercised.  The total, grade and
        findings are worked out at once; ``result.items`` and ``result.sections`` the first time
        they are read, or at once with `detail` (for a caller that reads them all, such as a
        writer of the form contract's JSON).
        """
        read = self._form(form)
        try:
            return _noting(self._score(read, coverage, detail), mismatches(self.model, read))
        except EngineError as err:
            raise self._excerpted(err) from None

    def _score(self, read: Form, coverage: bool = False, detail: bool = False) -> Result:
        """Score an already-read form (the form's own weights where the ruleset admits them)."""
        model, ready = adapt(self.model, read)
        program = self._program(model)
        if coverage:
            return mark_reached(program.run(ready, coverage))
        return program.run(ready) if detail else program.summarize(ready)

    def _program(self, model: Model) -> Program:
        """The compiled program for `model`: this ruleset's, or one with a form's own weights (cached)."""
        if model is self.model:
            return self.program
        key = weights_key(model)
        program = self._adapted.get(key)
        if program is None:
            if len(self._adapted) >= 256:
                self._adapted.clear()
            program = self._adapted[key] = Program(model)
        return program

    def aggregate(self, forms: Iterable[Form | RawForm | Mapping[str, Any]]) -> Aggregated:
        """Combine several funds' tables of one project into one form by this ruleset's 汇总原则.

        ``evaluate(aggregated.data)`` scores it; raises :class:`~perfrules.aggregate.AggregationError`
        naming both places of a row that cannot be matched or whose units disagree.  The funds'
        ``budget.sources`` and ``budget.breakdowns`` are summed part by part.
        """
        return aggregate_forms([self._form(f) for f in forms], self.model, self.evaluate)

    def interpret(self, form: Form | RawForm | Mapping[str, Any], *, coverage: bool = False,
                  detail: bool = False) -> Result:
        """Score a form with the plain tree-walking interpreter (same result as :meth:`evaluate`,
        items and sections likewise worked out when first read unless `detail`)."""
        read = self._form(form)
        try:
            model, ready = adapt(self.model, read)
            if coverage or detail:
                result = interpret(model, ready, coverage=coverage)
            elif model is self.model:  # this ruleset's own weights: its interpreter, made once
                self._interpreter = self._interpreter or Interpreter(model)
                result = self._interpreter.summarize(ready)
            else:
                result = Interpreter(model).summarize(ready)
        except EngineError as err:
            raise self._excerpted(err) from None
        return _noting(mark_reached(result) if coverage else result, mismatches(self.model, read))

    def _excerpted(self, err: EngineError) -> EngineError:
        """`err` with the ruleset text of each located line, so it renders with a caret excerpt."""
        texts = {f.path: f.text for f in self._chain}
        return EngineError([dataclasses.replace(d, source=texts.get(d.file)) if d.source is None and d.line else d
                            for d in err.diagnostics])

    # -- pickling: rebuild from source in the receiving process
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, ([(f.path, f.text) for f in self._chain], self._prove))


def mismatches(model: Model, form: Form) -> list[Finding]:
    """``ruleset-mismatch`` warnings: the form's kind, year or area is not the ruleset's."""
    out: list[Finding] = []
    rid = model.id
    if form.kind != model.kind:
        out.append(_warn(form, "$.kind",
                         f"表单类别为 {form.kind}，而规则 {rid} 用于 {model.kind} 表单"))
    if not model.in_force(form.year):
        out.append(_warn(form, "$.year",
                         f"表单年度为 {form.year}，而规则 {rid} 适用于 {model.years_text()} 年"))
    if form.jurisdiction[:len(model.jurisdiction)] != model.jurisdiction:
        where = "/".join(model.jurisdiction) or "全国"
        out.append(_warn(form, "$.jurisdiction",
                         f"表单地区为 {'/'.join(form.jurisdiction)}，而规则 {rid} 是 {where} 的规则"))
    return out


def _warn(form: Form, path: str, message: str) -> Finding:
    return Finding("warning", "ruleset-mismatch", path, message, _line(form, path), place_of(form.places, path))


def _line(form: Form, path: str) -> int | None:
    where = form.lines.get(path)
    return where[0] if where else None


def _noting(result: Result, extra: list[Finding]) -> Result:
    """`result` with `extra` findings among its own, errors first (the order ``assemble`` keeps)."""
    if extra:
        rank = {"error": 0, "warning": 1, "info": 2}
        result.findings = sorted([*result.findings, *extra], key=lambda f: rank.get(f.severity, 3))
    return result


def _fallback(form: Form, entry: Entry, registry: Registry) -> Finding:
    """The ``ruleset-fallback`` finding: no ruleset of the form's own area, a wider area's is used.

    A warning when neither a ruleset nor the list of provinces knows the form's top-level area
    (``火星``: probably a typo), information otherwise (``湖北省/黄石市/铁山区`` scored by 黄石市's
    rules, ``安徽省/池州市`` by the national ones, as intended).
    """
    top = form.jurisdiction[:1]
    known = any(e.jurisdiction[:1] == top for e in registry.entries()) or (bool(top) and is_province(top[0]))
    asked = "/".join(form.jurisdiction)
    used = entry.jurisdiction_text()
    rule = f"{entry.id}（{entry.years_text()}）"
    message = (f"没有 {asked} 的 {form.kind} 规则；按上级地区 {used} 的规则 {rule}计分" if known
               else f"没有任何规则属于地区 {asked}；按 {used} 的规则 {rule}计分。"
                    "请核对 jurisdiction 的写法")
    return Finding("info" if known else "warning", "ruleset-fallback", "$.jurisdiction", message,
                   _line(form, "$.jurisdiction"), place_of(form.places, "$.jurisdiction"))


def _rebuild(sources: list[tuple[str, str]], prove: bool) -> Ruleset:
    return Ruleset([parse_text(text, path) for path, text in sources], prove=prove)


def load_ruleset(path_or_id: str | Path, *, paths: Iterable[str | Path] = (), prove: bool = True) -> Ruleset:
    """Load a ruleset from a ``.rules`` file or by its id (bundled, or under `paths`).

    ``prove=False`` skips the bound proofs (for testing what the run-time guards
    and ``perfrules fuzz`` catch); never use it for real scoring.
    """
    registry = Registry(paths)
    p = Path(path_or_id)
    # the caller's own choice of file; a path that is not a regular file gets the reader's message
    path = str(p) if p.exists() else registry.path_of(str(path_or_id))
    return Ruleset(registry.chain(path), prove=prove)


def ruleset_from_text(text: str, path: str = "<text>", *, paths: Iterable[str | Path] = (),
                      prove: bool = True, registry: Registry | None = None) -> Ruleset:
    """Build a ruleset from source text (its ``extends`` parent, if any, is looked up by id).

    A long-lived caller passes its `registry` so the folders are not searched again.
    """
    f = parse_text(text, path)
    chain = [f]
    parent = next((d.value for d in f.decls if isinstance(d, nodes.Setting) and d.key == "extends"), None)
    if parent:
        registry = registry or Registry(paths)
        chain = registry.chain(registry.path_of(parent)) + [f]
    return Ruleset(chain, prove=prove)


@dataclass
class Scored:
    """One form of a batch: its result, or the error that kept it from being scored."""

    source: str
    result: Result | None
    error: PerfrulesError | None


class Scorer:
    """Scores forms, choosing each form's ruleset (cached) unless one is given."""

    def __init__(self, ruleset: Ruleset | None = None, paths: Iterable[str | Path] = (),
                 cache: dict[str, Ruleset] | None = None):
        self.ruleset = ruleset
        self.registry = Registry(paths)
        self._cache: dict[str, Ruleset] = cache if cache is not None else {}  # by path; may be shared

    def ruleset_for(self, form: Form) -> Ruleset:
        """The ruleset for `form`: the given one, the one the form names, or the one in force."""
        return self._choose(form)[0]

    def _choose(self, form: Form) -> tuple[Ruleset, list[Finding]]:
        """The ruleset for `form`, and the findings that say how it was found (any fallback)."""
        if self.ruleset is not None:
            return self.ruleset, []
        notes: list[Finding] = []
        if form.ruleset:
            path = self.registry.named(form.ruleset)
        else:
            entry = self._lookup(form)
            path = entry.path
            national = not entry.jurisdiction and len(form.jurisdiction) == 1 and form.jurisdiction[0] in NATIONAL
            if entry.jurisdiction != form.jurisdiction and not national:  # 全国 asked, 全国 found: no fallback
                notes.append(_fallback(form, entry, self.registry))
            if not entry.in_force(form.year):
                notes.append(notice(form, entry))
        return self._load(path), notes

    def _load(self, path: str) -> Ruleset:
        """The ruleset at `path`, loaded once per scorer."""
        if path not in self._cache:
            self._cache[path] = Ruleset(self.registry.chain(path))
        return self._cache[path]

    def _lookup(self, form: Form) -> Entry:
        """The registry's ruleset for the form, or (visibly) the nearest later year's."""
        try:
            return self.registry.find(form.kind, form.jurisdiction, form.year)
        except LookupFailure as failure:
            if failure.diagnostics[0].code != "no-ruleset":
                raise
            entry = nearest_later(self.registry, form.kind, form.jurisdiction, form.year)
            if entry is None:
                raise
            return entry

    def score(self, raw: RawForm | Mapping[str, Any], source: str = "<form>", *, detail: bool = False) -> Result:
        """Score one form with its ruleset; a fallback to a wider area's ruleset is a finding.

        `detail`: build the items and sections now (as :meth:`Ruleset.evaluate`)."""
        form = read_form(raw) if isinstance(raw, RawForm) else read_form(dict(raw), source)
        ruleset, notes = self._choose(form)
        if self.ruleset is not None or form.ruleset:  # a ruleset chosen by hand: say where it does not fit
            return _noting(ruleset.evaluate(form, detail=detail), notes)
        result = _noting(ruleset._score(form, detail=detail), notes)  # found by the look-up: it fits but for the notes
        add_rulesets_tried(result, form, self.registry, self._load)  # a table it does not know: what else fits
        return result

    def score_files(self, paths: Iterable[str]) -> list[Scored]:
        """Every form in `paths`; a bad one is reported and the others still scored."""
        from .forms import iter_forms

        out = []
        for source, item in iter_forms(list(paths)):
            if isinstance(item, FormError):
                out.append(Scored(source, None, item))
                continue
            try:
                out.append(Scored(source, self.score(item), None))
            except PerfrulesError as e:
                out.append(Scored(source, None, e))
        return out
