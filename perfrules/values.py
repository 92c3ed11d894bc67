"""Run-time values and how they are shown.

Values are ``Decimal`` (numbers, percentages as fractions, dates as day
ordinals), ``str`` (text and enum values) and ``bool``.  The meaning of the
built-in functions, division and rounding is defined once in
:mod:`perfrules.operations` (shared with the checker's proof) and re-exported
here under the names the runners have always used.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from .operations import (  # re-exported: the meaning of each operation lives there
    CONTEXT,
    FUNCTIONS,
    ONE,
    ROUNDING_MODES,
    ZERO,
    DivisionByZero,
    EvalError,
    MissingValue,
    NonFiniteValue,
    clamp,
    count,
    divide,
    quantizer,
    ratio,
    round_to,
    total,
)

__all__ = [
    "BUILTINS", "BUILTIN_DOCS", "CONTEXT", "LIST_FUNCTIONS", "ONE", "ROUNDING_MODES", "ZERO", "DivisionByZero",
    "EvalError", "MissingValue", "NonFiniteValue", "Value", "clamp", "count", "divide", "fmt_number", "fmt_score",
    "quantizer", "ratio", "round_to", "total",
]

Value = Decimal | str | bool | tuple[Decimal, ...]

#: name → (min arity, max arity or None, implementation), from :data:`perfrules.operations.FUNCTIONS`.
BUILTINS: dict[str, tuple[int, int | None, Callable[..., Decimal]]] = {
    name: (op.min_args, op.max_args, op.apply) for name, op in FUNCTIONS.items()
}

#: Functions whose argument is a list fact.
LIST_FUNCTIONS = tuple(name for name, op in FUNCTIONS.items() if op.takes_list)

BUILTIN_DOCS = {name: op.doc for name, op in FUNCTIONS.items()}


def fmt_number(x: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros."""
    if x:
        text = str(x)  # the common number (no exponent, few digits) is its own text, less trailing zeros
        if len(text) <= _SHORT and "E" not in text and text[-1] != "N" and text[-1] != "y":
            return text.rstrip("0").rstrip(".") if "." in text else text
        return format(x.normalize(CONTEXT), "f") if x.is_finite() else str(x)
    return "0"


def fmt_score(x: Decimal, places: int) -> str:
    """A score at the ruleset's precision, trailing zeros dropped: 18.14, 13.5, 20."""
    text = str(x)  # a score already at most `places` decimals needs no rounding: its text, trimmed
    if x and len(text) <= _SHORT and 0 <= places <= _SHORT and "E" not in text and text[-1] != "N" \
            and text[-1] != "y":
        point = text.find(".")
        if point < 0:
            return text
        if len(text) - point - 1 <= places:
            return text.rstrip("0").rstrip(".")
    return fmt_number(x.quantize(quantizer(places), context=CONTEXT)) if x.is_finite() else str(x)


#: Texts at most this long take the fast paths above: far within the context's precision.
_SHORT = 20
