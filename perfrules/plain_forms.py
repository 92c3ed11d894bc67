"""Reading forms, the fast test: is a form *plain*, so that it needs nothing from the general reader?

A form is plain when every value already has the exact type its field asks for (``str``, ``int``,
``Decimal``, ``bool``, ``None``, ``dict``, ``list`` — no float, no tuple, no subclass, no numeric
string), every number is within the bounds of :mod:`perfrules.numbers`, every string and list
within the schema's lengths, every number within its field's range, and no field is unknown.  A
plain form is then exactly what the general reader would make of it:
:func:`perfrules.numbers.normalize` returns it unchanged with no issue, and the schema accepts it —
so :func:`perfrules.forms.read_form` converts it at once, without walking it twice more.

Anything else answers False, never an error: the general reader (bounding, the schema's validators
and their messages) reads it as before.  The test is one pass over the form in plain Python, many
times faster than the compiled schema.  Lengths and ranges are read from the schema itself; a
field or keyword the schema gains that this module does not know fails ``tests/test_plain_forms.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .numbers import MAX_MAGNITUDE, number_problem

#: How a field's value is tested: the kinds of :class:`FieldSpec`.
STRING, NUMBER, INTEGER, BOOLEAN, CELL = "string", "number", "integer", "boolean", "cell"


class FieldSpec(NamedTuple):
    """The test of one scalar field: its kind, its range (a string's: its length), whether null is allowed."""

    kind: str
    low: Any
    high: Any
    nullable: bool


#: A field no plain form holds (the schema says something of it this module does not know).
NEVER = FieldSpec("never", None, None, False)
#: The keywords a scalar field may carry for its test to be known here.
_KNOWN = frozenset({"type", "minLength", "maxLength", "minimum", "maximum", "description", "default", "$ref"})


def _spec(node: dict[str, Any], defs: dict[str, Any], pattern: bool = False) -> FieldSpec:
    """The test of one scalar field of the schema (a ``$ref`` followed once); NEVER if unknown."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        node = {**defs[ref.split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    if not node.keys() <= (_KNOWN | {"pattern"} if pattern else _KNOWN):
        return NEVER
    kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
    nullable = "null" in kinds
    kinds = [k for k in kinds if k != "null"]
    if kinds == ["string", "number"]:
        return FieldSpec(CELL, None, None, nullable)
    if kinds == [STRING]:
        return FieldSpec(STRING, node.get("minLength", 0), node.get("maxLength", None), nullable)
    if kinds in ([NUMBER], [INTEGER]):
        return FieldSpec(kinds[0], node.get("minimum"), node.get("maximum"), nullable)
    if kinds == [BOOLEAN]:
        return FieldSpec(BOOLEAN, None, None, nullable)
    return NEVER


#: The parts of a form tested on their own (not scalar fields).
PARTS = ("facts", "budget", "aggregated_from", "indicators")
#: The parts of the budget tested on their own.
BUDGET_PARTS = ("sources", "breakdowns")


@dataclass(frozen=True)
class FormShape:
    """What a plain form may hold, read from the form schema once."""

    top: dict[str, FieldSpec]
    required: frozenset[str]
    jurisdiction: re.Pattern[str]
    budget: dict[str, FieldSpec]
    sources: frozenset[str]
    source: dict[str, FieldSpec]
    row: dict[str, FieldSpec]
    row_required: frozenset[str]
    rows_max: int
    facts_max: int
    fact_list_max: int
    from_max: int
    from_length: int

    @classmethod
    def of(cls, schema: dict[str, Any]) -> FormShape:
        """The shape of plain forms under `schema` (the form schema)."""
        defs = schema["$defs"]
        top = schema["properties"]
        budget = defs["budget"]["properties"]
        return cls(
            top={k: _spec(v, defs, pattern=k == "jurisdiction") for k, v in top.items() if k not in PARTS},
            required=frozenset(schema["required"]),
            jurisdiction=re.compile(top["jurisdiction"]["pattern"]),
            budget={k: _spec(v, defs) for k, v in budget.items() if k not in BUDGET_PARTS},
            sources=frozenset(budget["sources"]["properties"]),
            source={k: _spec(v, defs) for k, v in defs["source"]["properties"].items()},
            row={k: _spec(v, defs) for k, v in defs["indicator"]["properties"].items()},
            row_required=frozenset(defs["indicator"]["required"]),
            rows_max=top["indicators"]["maxItems"],
            facts_max=top["facts"]["maxProperties"],
            fact_list_max=top["facts"]["additionalProperties"]["anyOf"][1]["maxItems"],
            from_max=top["aggregated_from"]["maxItems"],
            from_length=top["aggregated_from"]["items"]["maxLength"],
        )


def _fields_ok(mapping: dict[Any, Any], specs: dict[str, FieldSpec]) -> bool:
    """Every field of `mapping` known to `specs` and plain (see the module's docstring)."""
    for key, value in mapping.items():
        spec = specs.get(key) if type(key) is str else None
        if spec is None:
            return False
        kind, low, high, nullable = spec
        t = type(value)
        if t is str:
            if kind == STRING:
                if len(value) < low or (high is not None and len(value) > high):
                    return False
            elif kind != CELL:
                return False
        elif t is int:
            if kind != NUMBER and kind != INTEGER and kind != CELL or not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
                return False
            if (low is not None and value < low) or (high is not None and value > high):
                return False
        elif t is Decimal:
            if kind != NUMBER and kind != CELL or number_problem(value) is not None:
                return False
            if (low is not None and value < low) or (high is not None and value > high):
                return False
        elif value is None:
            if not nullable:
                return False
        elif t is bool:
            if kind != BOOLEAN:
                return False
        else:
            return False
    return True


def _plain_number(value: Any) -> bool:
    t = type(value)
    if t is int:
        return bool(-MAX_MAGNITUDE <= value <= MAX_MAGNITUDE)
    return t is Decimal and number_problem(value) is None


def _facts_ok(facts: Any, shape: FormShape) -> bool:
    if type(facts) is not dict or len(facts) > shape.facts_max:
        return False
    for key, value in facts.items():
        t = type(value)
        if type(key) is not str:
            return False
        if t is str or t is bool:
            continue
        if t is list:
            if len(value) > shape.fact_list_max:
                return False
            if not all(type(x) is str or _plain_number(x) for x in value):
                return False
        elif not _plain_number(value):
            return False
    return True


def _budget_ok(budget: Any, shape: FormShape) -> bool:
    if type(budget) is not dict:
        return False
    sources = budget.get("sources", budget)  # (the budget itself: no sources)
    if sources is not budget:
        if type(sources) is not dict or not sources.keys() <= shape.sources:
            return False
        if not all(type(s) is dict and _fields_ok(s, shape.source) for s in sources.values()):
            return False
        budget = {k: v for k, v in budget.items() if k != "sources"}
    return _fields_ok(budget, shape.budget)


def _rows_ok(rows: Any, shape: FormShape) -> bool:
    if type(rows) is not list or len(rows) > shape.rows_max:
        return False
    fields, required = shape.row, shape.row_required
    return all(type(r) is dict and required <= r.keys() and _fields_ok(r, fields) for r in rows)


def _from_ok(sources: Any, shape: FormShape) -> bool:
    if type(sources) is not list or len(sources) > shape.from_max:
        return False
    longest = shape.from_length
    return all(type(s) is str and len(s) <= longest for s in sources)


_PARTS: dict[str, Callable[[Any, FormShape], bool]] = {
    "facts": _facts_ok, "budget": _budget_ok, "indicators": _rows_ok, "aggregated_from": _from_ok,
}


def is_plain_form(data: Any, shape: FormShape) -> bool:
    """Whether `data` is a plain form: valid as it stands, with nothing to convert or bound.

    True implies ``normalize(data, …, everywhere=True)`` returns `data` itself without issues and
    the form schema accepts `data`; False says nothing (the general reader decides).
    """
    if type(data) is not dict:
        return False
    if not shape.required <= data.keys():
        return False
    top: dict[str, Any] = {}
    for key, value in data.items():
        part = _PARTS.get(key) if type(key) is str else None
        if part is None:
            top[key] = value
        elif not part(value, shape):
            return False
    return _fields_ok(top, shape.top) and shape.jurisdiction.search(data["jurisdiction"]) is not None
