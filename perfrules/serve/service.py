"""What each endpoint does, as plain functions over bytes and JSON (no HTTP here).

Every function either returns what the client gets or raises :class:`Problem`.
Scored forms are ``Result.to_dict()`` and ``perfrules.output`` puts them
together exactly as ``perfrules score --format json`` does.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..api import Ruleset
from ..authoring import new_year_text
from ..batch import jsonl_forms, reading_defaults
from ..diff import GROUP_TITLES, diff_models, total_change
from ..errors import Diagnostic, FormError, PerfrulesError, RulesetError, RuleSyntaxError
from ..formatter import format_text
from ..forms import Form, RawForm, read_form
from ..output import dumps, dumps_line, error_entry, score_document
from ..result import Result
from ..schema import ruleset_schema
from .bodies import guess_type, is_table, read_forms, text_of
from .catalog import Catalog
from .config import ServeConfig
from .problems import Problem, diagnostic_json
from .rubric import describe

MIN_YEAR, MAX_YEAR = 1990, 2200


@dataclass(frozen=True)
class FormText:
    """A form sent inside a JSON request (the workbench's dropped files): its file name and its bytes
    (a YAML/JSON text as UTF-8, or a workbook or Word document sent as base64)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class TableOptions:
    """``?jurisdiction=&year=&kind=`` of an uploaded workbook: what its tables do not say."""

    jurisdiction: str | None = None
    year: int | None = None
    kind: str | None = None

    def given(self) -> bool:
        return any(x is not None for x in (self.jurisdiction, self.year, self.kind))


@dataclass(frozen=True)
class FormOutcome:
    """A form text scored by one ruleset: the form and its result, or the diagnostics that stopped it."""

    name: str
    form: Form | None
    result: Result | None
    errors: tuple[Diagnostic, ...]


def _bad_request(message: str, hint: str, status: int = 422) -> Problem:
    return Problem(status, "request", message, [Diagnostic("error", "request", message, "<request>", hint=hint)])


def parse_json(data: bytes) -> Any:
    """A JSON request envelope (texts and ids, never amounts); 400 if it is not JSON."""
    text = text_of(data, "<request>")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise Problem(400, "json", f"请求不是有效的 JSON: {e.msg}",
                      [Diagnostic("error", "json", f"请求不是有效的 JSON: {e.msg}", "<request>", e.lineno, e.colno,
                                  hint="检查括号、引号和逗号", source=text)]) from None
    except RecursionError:
        raise _bad_request("请求的 JSON 嵌套过深", "请求只需几层嵌套", 400) from None


def _string(obj: Any, key: str, hint: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, str):
        raise _bad_request(f"请求缺少文字字段 {key}", hint)
    return value


def _form_bytes(f: dict[str, Any], name: str) -> bytes:
    """One form entry's bytes: ``text`` (YAML or JSON) or ``base64`` (a workbook), exactly one of them."""
    if "text" in f and "base64" in f:
        raise _bad_request(f"表单 {name} 同时给了 text 和 base64，只能给一个",
                           "YAML/JSON 表单用 text，Excel/Word 表格用 base64")
    if "base64" not in f:
        return _string(f, "text", "每个表单写成 {name, text} 或 {name, base64}").encode("utf-8")
    encoded = _string(f, "base64", "Excel/Word 表格写成 {name, base64}")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad_request(f"表单 {name} 的 base64 内容无法解码", "把文件的字节按标准 base64（RFC 4648）编码") from None


def _form_texts(obj: dict[str, Any], limit: int) -> list[FormText]:
    raw = obj.get("forms", [])
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        raise _bad_request("forms 应为列表，每项为 {\"name\": 文件名, \"text\": YAML 或 JSON 文本}"
                           "或 {\"name\": 文件名, \"base64\": Excel/Word 表格}",
                           '例如 "forms": [{"name": "a.yaml", "text": "kind: project\\n…"}]')
    if len(raw) > limit:
        raise Problem(413, "too-many-forms", f"一次最多 {limit} 个表单，这里有 {len(raw)} 个",
                      [Diagnostic("error", "too-many-forms", f"表单数 {len(raw)} 超过上限 {limit}", "<request>",
                                  hint="分几次提交")])
    out = []
    for i, f in enumerate(raw):
        name = str(f.get("name") or f"表单{i + 1}")
        out.append(FormText(name, _form_bytes(f, name)))
    return out


class Service:
    """The operations of the HTTP API over one catalog of rulesets."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.catalog = Catalog(config.paths)

    def public(self, d: Diagnostic) -> Diagnostic:
        """The diagnostic with a server path replaced by the path inside its ruleset folder."""
        shown = self.catalog.public_path(d.file)
        return d if shown == d.file else dataclasses.replace(d, file=shown)

    def _diagnostics(self, diags: tuple[Diagnostic, ...] | list[Diagnostic]) -> list[dict[str, Any]]:
        return [diagnostic_json(self.public(d)) for d in diags]

    # -- rulesets
    def rulesets(self) -> list[dict[str, Any]]:
        return [self.catalog.entry_json(e) for e in self.catalog.entries()]

    def ruleset(self, rid: str) -> dict[str, Any]:
        rs = self.catalog.by_id(rid)
        return {**describe(rs, self.catalog.public_path), "path": self.catalog.public_path(rs.path),
                "source": self.catalog.source_of(rs)}

    def schema(self, rid: str) -> dict[str, Any]:
        return ruleset_schema(self.catalog.by_id(rid).model)

    # -- scoring
    def _score_raw(self, raw: RawForm, rid: str | None) -> dict[str, Any]:
        """A form scored as ``perfrules score`` scores it: with ``--ruleset``'s ruleset when the request
        names one, else the one the form names (by id only) or the one in force, fallbacks noted."""
        try:
            if rid:
                return self.catalog.by_id(rid).evaluate(read_form(raw), detail=True).to_dict()
            form = read_form(raw)
            if form.ruleset:
                self.catalog.registry.path_of(form.ruleset)  # a form names a ruleset by id, never a file
            return self.catalog.scorer.score(raw, detail=True).to_dict()
        except (RulesetError, RuleSyntaxError) as e:
            raise Problem(422, "ruleset", "该表单适用的规则未通过检查，不能使用", e.diagnostics) from None
        except PerfrulesError as e:  # unreadable form, no or unknown ruleset, a value beyond precision
            raise Problem.of(422, e) from None

    def score(self, data: bytes, media_type: str, name: str, rid: str | None,
              table: TableOptions | None = None) -> str:
        """The body of ``POST /score``: what ``perfrules score --format json`` prints for that file.

        `table`: what a workbook's table does not say (``--jurisdiction``, ``--year``, ``--kind``);
        refused for a YAML or JSON form, which says it all itself.
        """
        defaults = None
        if table is not None and table.given():
            if not is_table(media_type, data, name):
                raise _bad_request("jurisdiction、year、kind 参数只用于 Excel/Word 表格", "YAML/JSON 表单请在表单中写明", 400)
            defaults = reading_defaults(self.catalog.by_id(rid) if rid else None, table.jurisdiction, table.year,
                                        table.kind)
        elif rid and is_table(media_type, data, name):
            defaults = reading_defaults(self.catalog.by_id(rid))
        docs = read_forms(data, media_type, name, defaults)
        if len(docs) == 1:
            if isinstance(docs[0], FormError):
                raise Problem.of(422, docs[0])
            return dumps(score_document([self._score_raw(docs[0], rid)], 1)) + "\n"
        entries = []
        for i, doc in enumerate(docs):
            source = f"{name}#{i + 1}"
            try:
                if isinstance(doc, FormError):
                    raise Problem.of(422, doc)
                entries.append(self._score_raw(RawForm(doc.data, source, doc.lines, doc.text), rid))
            except Problem as p:
                entries.append(error_entry(source, [self.public(d) for d in p.diagnostics]))
        return dumps(score_document(entries, 1)) + "\n"

    def batch_lines(self, data: bytes, name: str) -> list[tuple[str, RawForm | PerfrulesError]]:
        """The forms of a JSON Lines body, read as ``perfrules score`` reads a ``.jsonl`` file (each
        named ``name:N`` for its line N, or the error in its place); 413 over the limit."""
        forms = list(jsonl_forms(data, name))
        limit = self.config.limits.max_batch_forms
        if len(forms) > limit:
            raise Problem(413, "too-many-forms", f"一批最多 {limit} 个表单，这里有 {len(forms)} 个",
                          [Diagnostic("error", "too-many-forms", f"表单数 {len(forms)} 超过上限 {limit}", name,
                                      hint="分成几批提交，或请管理员调高 --max-batch")])
        return forms

    def score_line(self, source: str, form: RawForm | PerfrulesError, rid: str | None) -> str:
        """One line of ``POST /score/batch`` output: the scored form, or the error in its place."""
        try:
            if isinstance(form, PerfrulesError):
                raise Problem.of(422, form)
            return dumps_line(self._score_raw(form, rid))
        except Problem as p:
            return dumps_line(error_entry(source, [self.public(d) for d in p.diagnostics]))

    # -- authoring
    def _bounded(self, text: str, name: str) -> str:
        limit = self.config.limits.max_ruleset_bytes
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise Problem(413, "too-large", f"规则文本有 {size} 字节，超过上限 {limit} 字节",
                          [Diagnostic("error", "too-large", f"规则文本超过 {limit} 字节", name,
                                      hint="规则文件应当短小；拆分或删除多余内容")])
        return text

    def _checked(self, text: str, name: str) -> tuple[dict[str, Any], Ruleset | None]:
        self._bounded(text, name)
        try:
            rs = self.catalog.from_text(text, name)
        except PerfrulesError as e:
            return {"ok": False, "diagnostics": self._diagnostics(list(e.diagnostics))}, None
        return {"ok": True, "diagnostics": self._diagnostics(list(rs.diagnostics)), "ruleset": describe(rs, self.catalog.public_path)}, rs

    def check(self, text: str, name: str) -> dict[str, Any]:
        """``POST /check``: every diagnostic, and the checked ruleset's tree and proofs when it has no error."""
        return self._checked(text, name)[0]

    def _scored_texts(self, rs: Ruleset, forms: list[FormText]) -> Iterator[FormOutcome]:
        """Each form scored by `rs`: a workbook gives one outcome per table (``book.xlsx#2``), read
        with what `rs` says of its area, as ``POST /score?ruleset=`` reads it."""
        for f in forms:
            kind = guess_type(f.data, f.name)
            defaults = reading_defaults(rs) if is_table(kind, f.data, f.name) else None
            try:
                docs = read_forms(f.data, kind, f.name, defaults)
            except Problem as p:
                yield FormOutcome(f.name, None, None, tuple(self.public(d) for d in p.diagnostics))
                continue
            for doc in docs:
                if isinstance(doc, FormError):
                    name = doc.diagnostics[0].file if doc.diagnostics else f.name
                    yield FormOutcome(name, None, None, tuple(self.public(d) for d in doc.diagnostics))
                    continue
                try:
                    form = read_form(doc)
                    yield FormOutcome(doc.source, form, rs.evaluate(form, detail=True), ())
                except PerfrulesError as e:
                    yield FormOutcome(doc.source, None, None, tuple(self.public(d) for d in e.diagnostics))

    def draft(self, data: bytes) -> dict[str, Any]:
        """``POST /score/draft``: check a ruleset text and score the given forms with it (the workbench)."""
        obj = parse_json(data)
        text = _string(obj, "text", '写成 {"text": 规则文本, "name": 文件名, "forms": [...]}')
        name = obj.get("name") if isinstance(obj.get("name"), str) else "draft.rules"
        forms = _form_texts(obj, self.config.limits.max_draft_forms)
        out, rs = self._checked(text, name)
        if rs is None:
            return out
        out["results"] = [o.result.to_dict() if o.result else error_entry(o.name, o.errors)
                          for o in self._scored_texts(rs, forms)]
        return out

    def _ruleset_ref(self, obj: Any, which: str) -> Ruleset:
        if not isinstance(obj, dict):
            raise _bad_request(f"{which} 应为 {{\"id\": 规则编号}} 或 {{\"text\": 规则文本}}",
                               f'例如 "{which}": {{"id": "hubei/huangshi/project-2022"}}')
        if isinstance(obj.get("id"), str):
            return self.catalog.by_id(obj["id"])
        text = _string(obj, "text", f'{which} 写成 {{"id": …}} 或 {{"text": …, "name": …}}')
        name = str(obj.get("name") or f"{which}.rules")
        try:
            return self.catalog.from_text(self._bounded(text, name), name)
        except PerfrulesError as e:
            raise Problem(422, "ruleset", f"{which} 规则未通过检查", [self.public(d) for d in e.diagnostics]) from None

    def diff(self, data: bytes) -> dict[str, Any]:
        """``POST /diff``: the Chinese change list between two rulesets and each form's total under both."""
        obj = parse_json(data)
        if not isinstance(obj, dict):
            raise _bad_request("请求应为 JSON 对象", '例如 {"old": {"id": …}, "new": {"text": …}}')
        old, new = self._ruleset_ref(obj.get("old"), "old"), self._ruleset_ref(obj.get("new"), "new")
        forms = _form_texts(obj, self.config.limits.max_draft_forms)
        changes = diff_models(old.model, new.model)
        order = list(GROUP_TITLES)
        changes.sort(key=lambda c: order.index(c.kind) if c.kind in order else len(order))
        rows: list[dict[str, Any]] = []
        for o in self._scored_texts(old, forms):
            if o.form is None or o.result is None:
                rows.append(error_entry(o.name, o.errors))
                continue
            try:
                after = new.evaluate(o.form, detail=True)
            except PerfrulesError as e:
                rows.append(error_entry(o.name, [self.public(d) for d in e.diagnostics]))
                continue
            rows.append({"form": o.name, **dataclasses.asdict(total_change(o.result, after))})
        return {"old": {"id": old.id, "version": old.version}, "new": {"id": new.id, "version": new.version},
                "changes": [{"kind": c.kind, "group": GROUP_TITLES.get(c.kind, c.kind), "text": c.text}
                            for c in changes],
                "forms": rows}

    def format(self, text: str, name: str) -> str:
        """``POST /format``: the text as ``perfrules fmt`` writes it; 422 with diagnostics if it does not parse."""
        try:
            return format_text(self._bounded(text, name), name)
        except PerfrulesError as e:
            raise Problem.of(422, e) from None

    def new_year(self, data: bytes) -> dict[str, Any]:
        """``POST /new-year``: next year's ruleset text, an ``extends`` of the given one (nothing written)."""
        obj = parse_json(data)
        rid = _string(obj, "ruleset", '写成 {"ruleset": 规则编号, "year": 年度}')
        year = obj.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
            raise _bad_request(f"year 应为 {MIN_YEAR} 到 {MAX_YEAR} 之间的整数", '例如 "year": 2023')
        new_id, text = new_year_text(self.catalog.by_id(rid), year)
        return {"id": new_id, "extends": rid, "year": year, "text": text}
