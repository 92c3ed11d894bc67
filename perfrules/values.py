"""Run-time values and the semantics both runners share.

Values are ``Decimal`` (numbers, percentages as fractions, dates as day
ordinals), ``str`` (text and enum values) and ``bool``.  The built-in
functions, division and rounding are defined here once, so the compiled
closures and the tree-walking interpreter cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
)
from typing import Union

Value = Union[Decimal, str, bool, tuple[Decimal, ...]]

ZERO = Decimal(0)
ONE = Decimal(1)

#: Arithmetic context for every evaluation: fixed, so the caller's thread context never leaks in.
CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[])


class EvalError(Exception):
    """A value could not be computed for one form (becomes a finding, not a crash)."""

    code = "eval-error"

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.message = message
        self.name = name


class MissingValue(EvalError):
    code = "missing-value"


class DivisionByZero(EvalError):
    code = "division-by-zero"


def divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise DivisionByZero(f"除数为 0（{_fmt(a)} ÷ 0）")
    return a / b


def _fmt(x: Decimal) -> str:
    return format(x.normalize(), "f") if not x.is_nan() else "NaN"


def ratio(b: Decimal, a: Decimal) -> Decimal:
    """``ratio(B, A)``: B ÷ A held within [0, 1] — the capped execution/completion rate."""
    r = divide(b, a)
    if r < 0:
        return ZERO
    if r > 1:
        return ONE
    return r


def clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return lo if x < lo else min(x, hi)


def total(values: tuple[Decimal, ...]) -> Decimal:
    """``sum(明细)``: the sum of a list fact."""
    return sum(values, ZERO)


def count(values: tuple[Decimal, ...]) -> Decimal:
    """``count(明细)``: how many entries a list fact has."""
    return Decimal(len(values))


#: name → (min arity, max arity or None, implementation)
BUILTINS: dict[str, tuple[int, int | None, Callable[..., Decimal]]] = {
    "min": (2, None, min),
    "max": (2, None, max),
    "ratio": (2, 2, ratio),
    "clamp": (3, 3, clamp),
    "abs": (1, 1, abs),
    "sum": (1, 1, total),
    "count": (1, 1, count),
}

#: Functions whose argument is a list fact.
LIST_FUNCTIONS = ("sum", "count")

BUILTIN_DOCS = {
    "min": "min(a, b, …) 取最小值",
    "max": "max(a, b, …) 取最大值",
    "ratio": "ratio(B, A) = B ÷ A，限定在 0 到 1 之间",
    "clamp": "clamp(x, 下限, 上限) 把 x 限定在区间内",
    "abs": "abs(x) 绝对值",
    "sum": "sum(列表) 列表各项之和",
    "count": "count(列表) 列表的项数",
}

ROUNDING_MODES = {
    "half_up": ROUND_HALF_UP,
    "四舍五入": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "银行家舍入": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "truncate": ROUND_DOWN,
    "截断": ROUND_DOWN,
    "up": ROUND_CEILING,
    "进一": ROUND_CEILING,
}


_QUANTIZERS = [Decimal(1).scaleb(-p) for p in range(13)]


def quantizer(places: int) -> Decimal:
    return _QUANTIZERS[places] if 0 <= places < len(_QUANTIZERS) else Decimal(1).scaleb(-places)


def round_to(x: Decimal, places: int, mode: str) -> Decimal:
    """Round `x` to `places` decimals by the ruleset's `mode` (a key of ROUNDING_MODES)."""
    return x.quantize(_QUANTIZERS[places], rounding=ROUNDING_MODES[mode], context=CONTEXT)


def fmt_number(x: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros."""
    if x:
        return format(x.normalize(), "f") if x.is_finite() else str(x)
    return "0"


def fmt_score(x: Decimal, places: int) -> str:
    """A score at the ruleset's precision, trailing zeros dropped: 18.14, 13.5, 20."""
    return fmt_number(x.quantize(quantizer(places))) if x.is_finite() else str(x)
