"""Reading forms, stage 2: a :class:`RawForm` → a validated, typed :class:`Form`.

Stage 1, text → RawForm with the line of every value, is :mod:`perfrules.reading`; its
names are re-exported here for the callers that read both ways.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from ._resources import data_dir
from .breakdowns import Breakdown, compare_breakdowns, read_breakdowns
from .budget_sources import BudgetSources, read_sources, reconcile
from .cells import Note, blank_scores, one_is_bare, read_pair, read_rate
from .errors import Diagnostic, FormError
from .findings import Finding
from .notation import Quantity, read_cell
from .numbers import FieldTree, NumberIssue, all_bounded, field_tree, normalize, numeric_fields
from .places import place_of
from .plain_forms import FormShape, plain_form
from .plain_rows import RowKit, RowReader, RowsRead
from .reading import (  # stage 1, re-exported (forms.load_documents and friends)
    MAX_DEPTH,
    MAX_FORM_BYTES,
    MAX_NODES,
    Lines,
    LinesOnDemand,
    RawForm,
    _err,
    _path_key,
    iter_forms,
    json_lines,
    load_documents,
    parse_documents,
)

__all__ = [
    "MAX_DEPTH", "MAX_FORM_BYTES", "MAX_NODES", "Budget", "Form", "Lines", "LinesOnDemand", "RawForm", "Row",
    "form_schema", "is_valid_form", "iter_forms", "json_lines", "load_documents", "parse_documents", "read_form",
]


@dataclass(frozen=True)
class Budget:
    """The budget-execution block; amounts in 万元, None where blank (see :mod:`perfrules.budget_sources`)."""

    initial: Decimal | None
    adjusted: Decimal | None  # the rate's base: > 0, or None (blank, 0, and no 其中 rows to take it from)
    executed: Decimal | None
    declared_rate: Decimal | None  # a fraction
    declared_rate_text: str | None
    declared_rate_places: int  # decimals of the percentage as written
    declared_score: Decimal | None
    sources: BudgetSources | None = None
    breakdowns: tuple[Breakdown, ...] = ()  # the same money split other ways (breakdowns.py)


@dataclass(frozen=True)
class Row:
    """One indicator row (三级指标)."""

    index: int
    goal: int
    level1: str
    level2: str
    name: str
    weight: Decimal
    target_text: str
    actual_text: str
    target: Quantity | None
    actual: Quantity | None
    tier: str | None
    declared: Decimal | None
    reason: str = ""  # 偏差原因分析及改进措施; "" when absent or written 无
    applicable: bool = True  # False: 不适用

    @property
    def path(self) -> str:
        return _row_path(self.index)

    @property
    def unit(self) -> str:
        """The canonical unit of the row's values (``万元``, ``%``, ``人`` …), or ""."""
        for q in (self.actual, self.target):
            if q is not None and q.unit:
                return q.unit
        return ""

    @property
    def actual_blank(self) -> bool:
        """实际完成值 left blank (null or only spaces): a missing value."""
        return not self.actual_text.strip()

    @property
    def target_blank(self) -> bool:
        """年度指标值 left blank."""
        return not self.target_text.strip()

    @property
    def quantitative(self) -> bool:
        t, a = self.target, self.actual
        return t is not None and a is not None and not t.is_date and not a.is_date


_ROW_PATHS = [f"$.indicators[{i}]" for i in range(500)]


@dataclass
class Form:
    """A validated form."""

    source: str
    kind: str
    jurisdiction: tuple[str, ...]
    year: int
    ruleset: str | None = None
    unit: str | None = None
    title: str | None = None
    declared_total: Decimal | None = None
    declared_grade: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    budget: Budget | None = None
    rows: tuple[Row, ...] = ()
    notices: list[Finding] = field(default_factory=list)
    lines: Lines = field(default_factory=dict)
    unfilled: bool = False  # rows, and every 实际完成值 and 得分 blank: said once (unfilled-table)
    aggregated_from: tuple[str, ...] = ()  # the fund tables `perfrules aggregate` combined into this form
    places: dict[str, str] = field(default_factory=dict)  # path → cell, for forms read from tables


# ---------------------------------------------------------------- YAML reading



# ---------------------------------------------------------------- validation


@cache
def form_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) every form follows."""
    data: dict[str, Any] = json.loads((data_dir("schemas") / "form.schema.json").read_text(encoding="utf-8"))
    return data


@cache
def _validator() -> Any:
    """The Draft 2020-12 validator: the authority, and the source of every error message."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(form_schema())


@cache
def _fast_check() -> Any:
    """The same schema compiled to Python by fastjsonschema: ~20× faster on the valid forms of a batch.

    The schema uses only keywords that mean the same in drafts 7 and 2020-12
    (type, required, properties, additionalProperties, minimum,
    exclusiveMinimum, maximum, lengths, items, $ref into $defs); a property
    test asserts the two validators agree on every document.
    """
    import copy

    import fastjsonschema

    schema = copy.deepcopy(form_schema())  # fastjsonschema rewrites the $refs of what it is given
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    # use_default=False: the check must not write the schema's defaults into the caller's data
    return fastjsonschema.compile(schema, use_default=False)


def prepare_reading() -> None:
    """Build the fast validator and the table of numeric fields now (a batch's parent calls this
    before starting its workers, so each inherits them instead of building its own)."""
    _fast_check()
    _numeric_tree()
    _row_reader(True)
    _row_reader(False)


def is_valid_form(data: Any) -> bool:
    """Whether `data` follows the form schema (fast path); a value no schema can compare (a NaN) is
    not valid."""
    import fastjsonschema

    try:
        _fast_check()(data)
    except (fastjsonschema.JsonSchemaException, ArithmeticError, TypeError):
        return False
    return True


_TYPE_NAMES = {"string": "文字", "number": "数字", "integer": "整数", "object": "映射（键: 值）", "array": "列表",
               "boolean": "真/假", "null": "空（未填写）"}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"真/假值 {str(value).lower()}"
    if isinstance(value, (int, Decimal)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字 {value!r}"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射"
    return "空值" if value is None else type(value).__name__


def _schema_messages(err: Any) -> tuple[str, str | None]:
    v = err.validator
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"缺少必填字段 {missing}", f"在此处加上 {missing}: …"
    if v == "type":
        want = err.validator_value
        want_l = want if isinstance(want, list) else [want]
        names = "或".join(_TYPE_NAMES.get(str(w), str(w)) for w in want_l)
        hint = None
        if isinstance(err.instance, str) and "number" in want_l:
            hint = "这里要写数字，不要加单位或文字（金额以万元计）"
        return f"应为{names}，这里是{_describe(err.instance)}", hint
    if v in ("minimum", "exclusiveMinimum"):
        word = "不能小于" if v == "minimum" else "必须大于"
        return f"{word} {err.validator_value}，这里是 {err.instance}", None
    if v in ("maximum", "exclusiveMaximum"):
        return f"不能大于 {err.validator_value}，这里是 {err.instance}", None
    if v == "minLength":
        return "不能为空", None
    if v == "maxLength":
        return f"过长（最多 {err.validator_value} 个字符）", None
    if v in ("maxItems", "maxProperties"):
        return f"条目过多（最多 {err.validator_value} 个）", None
    if v == "anyOf":
        return f"应为文字、数字、真/假，或由数字和文字组成的列表，这里是{_describe(err.instance)}", None
    if v == "pattern":
        return f"格式不对：{err.instance!r}", "地区写成从大到小、用 / 分隔的正式名称，如 湖北省/黄石市/铁山区"
    return err.message, None


def read_form(raw: RawForm | dict[str, Any], source: str = "<form>") -> Form:
    """Validate a form against the schema and convert it; raise :class:`FormError` if it cannot be read."""
    places: dict[str, str] = {}
    if isinstance(raw, RawForm):
        data, lines, text, source, places = raw.data, raw.lines, raw.text, raw.source, raw.places
    else:
        data, lines, text = raw, {}, None
    if not isinstance(data, dict):
        raise _err(source, f"表单应为映射（键: 值），这里是{_describe(data)}", 1, 1, text,
                   "表单以 kind: project 这样的字段开头")
    # A file's numbers were bounded by its reader, so a valid one needs no more; a dict from
    # Python may hold floats and unbounded numbers anywhere, so it is always walked.
    bounded = raw.bounded if isinstance(raw, RawForm) else False
    fast = _plain_read(data, bounded is False)  # a plain form (plain_forms.py) is read in one pass
    if fast is None and bounded is None:  # (a JSON Lines form read without hooks: no floats but NaN)
        bounded = all_bounded(data)
    from_file = bool(bounded)
    if fast is not None:
        (data, read), valid = fast, True
    else:
        read, valid = None, from_file and is_valid_form(data)
    if not valid:
        data, issues = normalize(data, _numeric_fields(), not from_file, _numeric_tree())
        if issues:
            raise FormError([_number_diagnostic(i, source, lines, text) for i in issues])
    notices: list[Finding] = []
    if not valid and not is_valid_form(data):
        validator = _validator()
        diags: list[Diagnostic] = []
        for err in sorted(validator.iter_errors(data), key=lambda e: [str(x) for x in e.absolute_path]):
            path = "$"
            for part in err.absolute_path:
                path = _path_key(path, part)
            if err.validator == "additionalProperties":
                allowed = list(err.schema.get("properties", {}))
                for extra in sorted(set(err.instance) - set(allowed), key=str):  # (an embedder's keys may be ints)
                    p = _path_key(path, extra)
                    close = difflib.get_close_matches(str(extra), allowed, n=1, cutoff=0.6)
                    hint = f"；是不是 {close[0]}？" if close else f"；可用字段: {'、'.join(allowed)}"
                    notices.append(Finding("warning", "unknown-field", p, f"未知字段 {extra}，已忽略{hint}",
                                           lines.get(p, (None,))[0], place_of(places, p)))
                continue
            message, why = _schema_messages(err)
            line, col = lines.get(path, (0, 0))
            cell = place_of(places, path)
            where = f"{source}:{cell}" if cell else source
            diags.append(Diagnostic("error", "schema", f"{path}: {message}", where, line, col, hint=why, source=text))
        if diags:
            raise FormError(diags)
    form = _convert(data, source, lines, notices, read)
    if isinstance(raw, RawForm):  # a table's form: its places, and what its reader found
        form.places, form.notices[:0] = places, raw.notices
        for notice in form.notices if places else ():  # what reading the cells found points at the cell
            notice.place = notice.place or place_of(places, notice.path)
    return form


@cache
def _plain_shape(floats: bool = True) -> FormShape:
    return FormShape.of(form_schema(), floats)


def _plain(data: Any, floats: bool = True) -> dict[str, Any] | None:
    """`data` read the fast way (plain_forms.py), or None: `floats` as the general reader walks a
    dict (every value) rather than a file's form (only its fields of numbers)."""
    return plain_form(data, _plain_shape(floats))


def _plain_read(data: Any, floats: bool = True) -> tuple[dict[str, Any], RowsRead] | None:
    """:func:`_plain` with the rows read at once (plain_rows.py), or None."""
    if type(data) is not dict:
        return None
    read = _row_reader(floats).read(data["indicators"]) if "indicators" in data else _NO_ROWS
    plain = None if read is None else plain_form(data, _plain_shape(floats), rows=False)
    return None if plain is None or read is None else (plain, read)


_NO_ROWS = RowsRead((), ())


@cache
def _row_reader(floats: bool = True) -> RowReader:
    kit = RowKit(Row, _cell_text, reason_text, frozenset(INAPPLICABLE_MARKS), _row_path)
    return RowReader(_plain_shape(floats), kit)


@cache
def _numeric_fields() -> dict[tuple[str, ...], str]:
    return numeric_fields(form_schema())


@cache
def _numeric_tree() -> FieldTree:
    return field_tree(_numeric_fields())


def _number_diagnostic(issue: NumberIssue, source: str, lines: Lines,
                       text: str | None) -> Diagnostic:
    path = "$"
    for part in issue.parts:
        path = _path_key(path, part)
    line, col = lines.get(path, (0, 0))
    return Diagnostic("error", "number", f"{path}: {issue.message}", source, line, col,
                      hint=issue.hint, source=text)


def _dec(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(x)


def _opt(mapping: dict[str, Any], key: str) -> Decimal | None:
    """An optional amount or score: None when absent or blank (null)."""
    x = mapping.get(key)
    return None if x is None else _dec(x)


def _cell_text(x: Any) -> str:
    if type(x) is str:
        return x
    if x is None:
        return ""  # a blank cell
    if isinstance(x, Decimal):
        return format(x, "f")
    return str(x)


#: What a 偏差原因 cell holds when it gives no reason.
NO_REASON = {"", "无", "/", "-", "—", "——", "空", "none", "n/a"}
#: How a cell says 不适用.
INAPPLICABLE_MARKS = {"不适用", "不适用指标", "n/a", "N/A", "NA", "not applicable"}


def reason_text(value: Any) -> str:
    """A row's 偏差原因分析及改进措施 as written; "" when absent or a placeholder such as 无."""
    text = str(value).strip() if value is not None else ""
    return "" if text.lower() in NO_REASON else text


def is_inapplicable_mark(value: Any) -> bool:
    """Whether a cell says 不适用."""
    return isinstance(value, str) and value.strip() in INAPPLICABLE_MARKS


def _notice(notices: list[Finding], lines: Lines, path: str, note: Note) -> None:
    notices.append(Finding(note.severity, note.code, path, note.message, lines.get(path, (None,))[0]))


def _convert_budget(b: dict[str, Any], source: str, lines: Lines, notices: list[Finding]) -> Budget:
    rate_text = None
    rate = None
    places = 0
    if b.get("declared_rate") is not None:
        rate_text = _cell_text(b["declared_rate"])
        reading = read_rate(rate_text)
        if reading is None:
            line = lines.get("$.budget.declared_rate", (0, 0))[0]
            raise _err(source, f"$.budget.declared_rate: 无法读作百分数: {rate_text!r}", line, 0,
                       hint='写成 "68%" 这样的百分数')
        rate, places = reading.value, reading.places
        if reading.note is not None:
            _notice(notices, lines, "$.budget.declared_rate", reading.note)
    sources = read_sources(b["sources"]) if b.get("sources") is not None else None
    amounts: dict[str, Decimal | None] = {}
    for column in ("initial", "adjusted", "executed"):
        amount = _opt(b, column)
        if sources is None and (amount is None or amount != 0):  # nothing to reconcile (reconcile's case)
            amounts[column] = amount
            continue
        amounts[column], found = reconcile(column, amount, sources)
        for f in found:
            _notice(notices, lines, f.path, f.note)
    breakdowns = read_breakdowns(b["breakdowns"]) if b.get("breakdowns") else ()
    if breakdowns:  # the same money split another way: each must add up (breakdowns.py)
        written = {column: _opt(b, column) for column in ("initial", "adjusted", "executed")}
        for f in compare_breakdowns(written, sources, breakdowns):
            _notice(notices, lines, f.path, f.note)
    budget = _ROW_NEW(Budget)  # Budget(...) without the frozen __init__, as _new_row builds a Row
    budget.__dict__.update(
        initial=amounts["initial"],
        adjusted=amounts["adjusted"],
        executed=amounts["executed"],
        declared_rate=rate,
        declared_rate_text=rate_text,
        declared_rate_places=places,
        declared_score=_opt(b, "declared_score"),
        sources=sources,
        breakdowns=breakdowns,
    )
    return budget


def _convert_row(i: int, r: dict[str, Any], lines: Lines, notices: list[Finding]) -> Row:
    t_text, a_text = _cell_text(r["target"]), _cell_text(r["actual"])
    name = str(r["name"])
    target, actual = read_cell(t_text), read_cell(a_text)
    if one_is_bare(target, actual):  # read beside each other (cells.py)
        pair = read_pair(name, target, actual)
        target, actual = pair.target, pair.actual
        for note in pair.notes:
            _notice(notices, lines, _row_path(i), note)
    tier = r.get("tier")
    return _new_row(
        index=i,
        goal=int(r.get("goal", 1)),
        level1=str(r.get("level1", "")),
        level2=str(r.get("level2", "")),
        name=name,
        weight=_dec(r["weight"]),
        target_text=t_text,
        actual_text=a_text,
        target=target,
        actual=actual,
        tier=tier,
        declared=_opt(r, "declared_score"),
        reason=reason_text(r.get("reason")),
        applicable=r.get("applicable", True) is not False and not (
            is_inapplicable_mark(t_text) or is_inapplicable_mark(a_text) or is_inapplicable_mark(tier)),
    )


def _row_path(i: int) -> str:
    return _ROW_PATHS[i] if i < len(_ROW_PATHS) else f"$.indicators[{i}]"


def _new_row(**fields: Any) -> Row:
    """``Row(**fields)`` without the frozen dataclass's ``__init__`` (14 guarded ``__setattr__``s, most
    of a row's reading): the same object, its ``__dict__`` filled at once.  Every field is given
    (tests/test_plain_forms.py checks this against ``Row``'s fields)."""
    row = _ROW_NEW(Row)
    row.__dict__.update(fields)
    return row


_ROW_NEW = object.__new__


def _convert(data: dict[str, Any], source: str, lines: Lines, notices: list[Finding],
             read: RowsRead | None = None) -> Form:
    jur = _jurisdiction(str(data["jurisdiction"]))
    b = data.get("budget")
    budget = _convert_budget(b, source, lines, notices) if b is not None else None
    if read is None:
        rows = tuple(_convert_row(i, r, lines, notices) for i, r in enumerate(data.get("indicators") or []))
    else:  # read with the plain test (plain_rows.py)
        rows = read.rows
        for path, note in read.notes:
            _notice(notices, lines, path, note)
    unfilled = bool(rows) and all(r.actual_blank and r.declared is None for r in rows)
    if unfilled:
        _notice(notices, lines, "$.indicators", Note(
            "error", "unfilled-table", f"自评表没有填写：{len(rows)} 个指标的实际完成值和得分都是空的，指标部分记 0 分"))
    for placed in blank_scores(data, unfilled):
        _notice(notices, lines, placed.path, placed.note)
    form = _ROW_NEW(Form)  # Form(...) without its __init__: every field given (tests/test_plain_rows.py)
    form.__dict__.update(
        source=source,
        kind=str(data["kind"]),
        jurisdiction=jur,
        year=int(data["year"]),
        ruleset=data.get("ruleset"),
        unit=data.get("unit"),
        title=data.get("title"),
        declared_total=_opt(data, "declared_total"),
        declared_grade=data.get("declared_grade"),
        facts=dict(data.get("facts") or {}),
        budget=budget,
        rows=rows,
        notices=notices,
        lines=lines,
        unfilled=unfilled,
        aggregated_from=tuple(str(x) for x in data.get("aggregated_from") or ()),
        places={},
    )
    return form


@lru_cache(maxsize=256)
def _jurisdiction(text: str) -> tuple[str, ...]:
    """The parts of a 地区 as written (湖北省/黄石市 → 湖北省, 黄石市); remembered (a batch repeats
    it; the schema bounds its length)."""
    return tuple(p.strip() for p in text.split("/") if p.strip())
