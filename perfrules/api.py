"""The embedding API: load a ruleset once, score many forms.

>>> import perfrules
>>> rs = perfrules.load_ruleset("hubei/huangshi/project-2022")    # an id, or a path
>>> result = rs.evaluate({"kind": "project", ...})                 # a dict, or a perfrules.Form
>>> result.total, result.grade, result.to_dict(), result.explain()

A :class:`Ruleset` is immutable after loading, safe to share between threads,
and picklable (it is rebuilt from its source text in the receiving process).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ast
from .checker import check_chain
from .compiler import Program
from .errors import Diagnostic, FormError, PerfrulesError, RulesetError
from .forms import Form, RawForm, read_form
from .interpreter import interpret
from .model import Model
from .parser import parse_text
from .parts_search import add_rulesets_tried
from .registry import Registry
from .result import Result


class Ruleset:
    """A parsed, checked and compiled ruleset."""

    def __init__(self, chain: list[ast.RulesetFile], *, prove: bool = True):
        model, diags = check_chain(chain, prove=prove)
        errors = [d for d in diags if d.severity == "error"]
        if errors or model is None:
            raise RulesetError(errors or diags)
        self.model: Model = model
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diags)
        self._chain = chain
        self._prove = prove
        self.program = Program(model)

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

    def evaluate(self, form: Form | RawForm | Mapping[str, Any]) -> Result:
        """Score a form (a dict as in the form contract, or a :class:`Form`) with the compiled program.

        Raises :class:`~perfrules.errors.FormError` if the form cannot be read;
        everything else it finds is in ``result.findings``.
        """
        return self.program.run(self._form(form))

    def interpret(self, form: Form | RawForm | Mapping[str, Any]) -> Result:
        """Score a form with the plain tree-walking interpreter (same result as :meth:`evaluate`)."""
        return interpret(self.model, self._form(form))

    # -- pickling: rebuild from source in the receiving process
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, ([(f.path, f.text) for f in self._chain], self._prove))


def _rebuild(sources: list[tuple[str, str]], prove: bool) -> Ruleset:
    return Ruleset([parse_text(text, path) for path, text in sources], prove=prove)


def load_ruleset(path_or_id: str | Path, *, paths: Iterable[str | Path] = (), prove: bool = True) -> Ruleset:
    """Load a ruleset from a ``.rules`` file or by its id (bundled, or under `paths`).

    ``prove=False`` skips the bound proofs (for testing what the run-time guards
    and ``perfrules fuzz`` catch); never use it for real scoring.
    """
    registry = Registry(paths)
    p = Path(path_or_id)
    path = str(p) if p.is_file() else registry.path_of(str(path_or_id))
    return Ruleset(registry.chain(path), prove=prove)


def ruleset_from_text(text: str, path: str = "<text>", *, paths: Iterable[str | Path] = (),
                      prove: bool = True) -> Ruleset:
    """Build a ruleset from source text (its ``extends`` parent, if any, is looked up by id)."""
    f = parse_text(text, path)
    chain = [f]
    parent = next((d.value for d in f.decls if isinstance(d, ast.Setting) and d.key == "extends"), None)
    if parent:
        registry = Registry(paths)
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

    def __init__(self, ruleset: Ruleset | None = None, paths: Iterable[str | Path] = ()):
        self.ruleset = ruleset
        self.registry = Registry(paths)
        self._cache: dict[str, Ruleset] = {}

    def ruleset_for(self, form: Form) -> Ruleset:
        if self.ruleset is not None:
            return self.ruleset
        if form.ruleset:
            p = Path(form.ruleset)
            if not p.is_file() and not p.is_absolute():
                p = Path(form.source).parent / form.ruleset
            path = str(p) if p.is_file() else self.registry.path_of(form.ruleset)
        else:
            path = self.registry.find(form.kind, form.jurisdiction, form.year).path
        return self._load(path)

    def _load(self, path: str) -> Ruleset:
        if path not in self._cache:
            self._cache[path] = Ruleset(self.registry.chain(path))
        return self._cache[path]

    def score(self, raw: RawForm | Mapping[str, Any], source: str = "<form>") -> Result:
        form = read_form(raw) if isinstance(raw, RawForm) else read_form(dict(raw), source)
        result = self.ruleset_for(form).evaluate(form)
        if self.ruleset is None and not form.ruleset:  # found by look-up: say what else was tried
            add_rulesets_tried(result, form, self.registry, self._load)
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
