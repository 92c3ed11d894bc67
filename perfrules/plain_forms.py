"""Reading forms, the fast way: a *plain* form needs nothing more from the general reader.

A form is plain when every value already has the type its field asks for (``str``, ``int``,
``Decimal``, ``bool``, ``None``, ``dict``, ``list`` — no tuple, no subclass), or is a finite float
in a field of numbers or a cell (read by its shortest text, as :func:`perfrules.numbers.from_float`
reads it), or, in a field of numbers, a numeral the general reader reads as one (``"960"``,
``"407.90"``); every number is within the bounds of :mod:`perfrules.numbers`, every string and
list within the schema's lengths, every number within its field's range, and no field is unknown.
:func:`plain_form` then gives exactly what the general reader would make of it —
:func:`perfrules.numbers.normalize` gives the same data with no issue, and the schema accepts it —
in one pass, so :func:`perfrules.forms.read_form` converts it at once.

Anything else gives None, never an error: the general reader (bounding, the schema's validators
and their messages) reads it as before.  The test is plain Python, many times faster than the
compiled schema.  Lengths and ranges are read from the schema itself; a field or keyword the schema
gains that this module does not know fails ``tests/test_plain_forms.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import MAX_MAGNITUDE, from_float, number_problem, read_numeral

#: A test of one value: the value to keep (a numeral read as a number), or :data:`NOT_PLAIN`.
Check = Callable[[Any], Any]


class _NotPlain:
    def __repr__(self) -> str:
        return "NOT_PLAIN"


#: What a test gives for a value that is not plain.
NOT_PLAIN: Any = _NotPlain()

_NO_LIMIT = 1 << 62


def never(value: Any) -> Any:
    """The test of a field the schema says something of that this module does not know: never plain."""
    return NOT_PLAIN


def _string(low: int, high: int | None, nullable: bool) -> Check:
    top = _NO_LIMIT if high is None else high

    def check(value: Any) -> Any:
        if (type(value) is str and low <= len(value) <= top) or (value is None and nullable):
            return value
        return NOT_PLAIN

    return check


def _number(integer: bool, low: Any, high: Any, nullable: bool, floats: bool) -> Check:
    """An int (or, unless `integer`, a Decimal) within the form bounds and [low, high]; a numeral
    read as :func:`perfrules.numbers.normalize` reads one in a field of numbers."""
    bottom = -MAX_MAGNITUDE if low is None else max(low, -MAX_MAGNITUDE)
    top = MAX_MAGNITUDE if high is None else min(high, MAX_MAGNITUDE)

    def check(value: Any) -> Any:
        t = type(value)
        if t is str:
            value = read_numeral(value.strip(), integer=integer)
            if value is None:  # text: the schema refuses it
                return NOT_PLAIN
            t = type(value)
        elif t is float and floats:
            value = _decimal(value)
            t = type(value)
        if t is int:
            return value if bottom <= value <= top else NOT_PLAIN
        if t is Decimal and not integer:
            return value if number_problem(value) is None and bottom <= value <= top else NOT_PLAIN
        return value if value is None and nullable else NOT_PLAIN

    return check


def _cell(nullable: bool, floats: bool) -> Check:
    """A cell as written: any string, a number within the form bounds, or (if `nullable`) blank."""

    def check(value: Any) -> Any:
        t = type(value)
        if t is str:
            return value
        if t is int:
            return value if -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE else NOT_PLAIN
        if t is float and floats:
            value = _decimal(value)
            t = type(value)
        if t is Decimal:
            return value if number_problem(value) is None else NOT_PLAIN
        return value if value is None and nullable else NOT_PLAIN

    return check


def _decimal(value: float) -> Any:
    """A finite float as :func:`perfrules.numbers.normalize` reads it (its shortest text); else NOT_PLAIN."""
    return from_float(value) if math.isfinite(value) else NOT_PLAIN


def _boolean(value: Any) -> Any:
    return value if type(value) is bool else NOT_PLAIN


#: The keywords a scalar field may carry for its test to be known here.
_KNOWN = frozenset({"type", "minLength", "maxLength", "minimum", "maximum", "description", "default", "$ref"})


def _check(node: dict[str, Any], defs: dict[str, Any], floats: bool, pattern: bool = False) -> Check:
    """The test of one scalar field of the schema (a ``$ref`` followed once); :func:`never` if unknown."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        node = {**defs[ref.split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if not node.keys() <= (_KNOWN | {"pattern"} if pattern else _KNOWN):
        return never
    kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
    nullable = "null" in kinds
    kinds = [k for k in kinds if k != "null"]
    if kinds == ["string", "number"]:
        return _cell(nullable, floats)
    if kinds == ["string"]:
        return _string(node.get("minLength", 0), node.get("maxLength"), nullable)
    if kinds in (["number"], ["integer"]):
        return _number(kinds == ["integer"], node.get("minimum"), node.get("maximum"), nullable, floats)
    if kinds == ["boolean"] and not nullable:
        return _boolean
    return never


#: The parts of a form tested on their own (not scalar fields).
PARTS = ("facts", "budget", "aggregated_from", "indicators")
#: The parts of the budget tested on their own.
BUDGET_PARTS = ("sources", "breakdowns")


@dataclass(frozen=True)
class FormShape:
    """What a plain form may hold, read from the form schema once."""

    top: dict[str, Check]
    required: frozenset[str]
    jurisdiction: re.Pattern[str]
    budget: dict[str, Check]
    sources: frozenset[str]
    source: dict[str, Check]
    row: dict[str, Check]
    row_required: frozenset[str]
    rows_max: int
    facts_max: int
    fact_list_max: int
    from_max: int
    from_length: int
    floats: bool

    @classmethod
    def of(cls, schema: dict[str, Any], floats: bool = True) -> FormShape:
        """The shape of plain forms under `schema` (the form schema).

        `floats`: whether a float is read as a number (a dict from Python, which the general reader
        walks whole); a file's reader never gives one, and the general reader reads only the fields
        of numbers of a file's form, so there a float is left to it.
        """
        defs = schema["$defs"]
        top = schema["properties"]
        budget = defs["budget"]["properties"]
        return cls(
            top={k: _check(v, defs, floats, pattern=k == "jurisdiction") for k, v in top.items() if k not in PARTS},
            required=frozenset(schema["required"]),
            jurisdiction=re.compile(top["jurisdiction"]["pattern"]),
            budget={k: _check(v, defs, floats) for k, v in budget.items() if k not in BUDGET_PARTS},
            sources=frozenset(budget["sources"]["properties"]),
            source={k: _check(v, defs, floats) for k, v in defs["source"]["properties"].items()},
            row={k: _check(v, defs, floats) for k, v in defs["indicator"]["properties"].items()},
            row_required=frozenset(defs["indicator"]["required"]),
            rows_max=top["indicators"]["maxItems"],
            facts_max=top["facts"]["maxProperties"],
            fact_list_max=top["facts"]["additionalProperties"]["anyOf"][1]["maxItems"],
            from_max=top["aggregated_from"]["maxItems"],
            from_length=top["aggregated_from"]["items"]["maxLength"],
            floats=floats,
        )


def _fields(mapping: dict[Any, Any], checks: dict[str, Check]) -> dict[Any, Any] | None:
    """`mapping` (a copy if a numeral was read) when every field is known to `checks` and plain."""
    out = None
    for key, value in mapping.items():
        check = checks.get(key) if type(key) is str else None
        if check is None:
            return None
        kept = check(value)
        if kept is not value:
            if kept is NOT_PLAIN:
                return None
            if out is None:
                out = dict(mapping)
            out[key] = kept
    return mapping if out is None else out


def _plain_number(value: Any) -> bool:
    t = type(value)
    if t is int:
        return bool(-MAX_MAGNITUDE <= value <= MAX_MAGNITUDE)
    return t is Decimal and number_problem(value) is None


def _facts(facts: Any, shape: FormShape) -> Any:
    if type(facts) is not dict or len(facts) > shape.facts_max:
        return NOT_PLAIN
    for key, value in facts.items():
        t = type(value)
        if type(key) is not str:
            return NOT_PLAIN
        if t is str or t is bool:
            continue
        if t is list:
            if len(value) > shape.fact_list_max or not all(type(x) is str or _plain_number(x) for x in value):
                return NOT_PLAIN
        elif not _plain_number(value):
            return NOT_PLAIN
    return facts


def _budget(budget: Any, shape: FormShape) -> Any:
    if type(budget) is not dict:
        return NOT_PLAIN
    sources = budget.get("sources", budget)  # (the budget itself: no sources)
    if sources is budget:
        kept = _fields(budget, shape.budget)
        return NOT_PLAIN if kept is None else kept
    if type(sources) is not dict or not sources.keys() <= shape.sources:
        return NOT_PLAIN
    read = {}
    for name, source in sources.items():
        kept = _fields(source, shape.source) if type(source) is dict else None
        if kept is None:
            return NOT_PLAIN
        read[name] = kept
    rest = _fields({k: v for k, v in budget.items() if k != "sources"}, shape.budget)
    if rest is None:
        return NOT_PLAIN
    if all(read[k] is v for k, v in sources.items()) and all(v is budget[k] for k, v in rest.items()):
        return budget
    return {k: read if k == "sources" else rest[k] for k in budget}


def _rows(rows: Any, shape: FormShape) -> Any:
    if type(rows) is not list or len(rows) > shape.rows_max:
        return NOT_PLAIN
    fields, required = shape.row, shape.row_required
    kept = [_fields(row, fields) if type(row) is dict and required <= row.keys() else None for row in rows]
    if any(row is None for row in kept):
        return NOT_PLAIN
    return rows if all(k is row for k, row in zip(kept, rows)) else kept


def _from(sources: Any, shape: FormShape) -> Any:
    if type(sources) is not list or len(sources) > shape.from_max:
        return NOT_PLAIN
    longest = shape.from_length
    return sources if all(type(s) is str and len(s) <= longest for s in sources) else NOT_PLAIN


_PARTS: dict[str, Callable[[Any, FormShape], Any]] = {
    "facts": _facts, "budget": _budget, "indicators": _rows, "aggregated_from": _from,
}
_PARTS_BUT_ROWS = {**_PARTS, "indicators": lambda rows, shape: rows}


def plain_form(data: Any, shape: FormShape, rows: bool = True) -> dict[str, Any] | None:
    """`data` as the general reader would read it, if it is a plain form; else None.

    The result is what the general reader's :func:`perfrules.numbers.normalize` gives (without
    issues): `data` itself, or a copy where a numeral in a field of numbers (or, if
    ``shape.floats``, a float) was read; the form schema accepts it.  `data` is never changed.  None says nothing (the general reader decides).
    Without `rows`, the rows (``indicators``) are left as they are: the caller tests them
    (:mod:`perfrules.plain_rows`).
    """
    if type(data) is not dict or not shape.required <= data.keys():
        return None
    top: dict[str, Any] = {}
    parts: dict[str, Any] = {}
    tests = _PARTS if rows else _PARTS_BUT_ROWS
    for key, value in data.items():
        part = tests.get(key) if type(key) is str else None
        if part is None:
            top[key] = value
            continue
        kept = part(value, shape)
        if kept is NOT_PLAIN:
            return None
        if kept is not value:
            parts[key] = kept
    fields = _fields(top, shape.top)
    if fields is None or shape.jurisdiction.search(fields["jurisdiction"]) is None:
        return None
    if not parts and all(fields[k] is v for k, v in top.items()):
        return data
    return {k: parts[k] if k in parts else fields.get(k, v) for k, v in data.items()}
