"""The meaning of every operation of the rule language, defined once.

Each arithmetic operation and built-in function is an :class:`Operation`:
its value on numbers (``apply``, used by both runners and the checker's
counterexample search) beside its interval counterpart (``bound``, used by the
checker's proof).  Comparisons are :class:`Comparison` with the set of truth
values they can take over two intervals.  A property test holds the two halves
of every entry together: ``x ∈ A, y ∈ B ⇒ apply(x, y) ∈ bound(A, B)``.

Values are made finite-or-error: every number an operation produces is checked
by :func:`finite`, so NaN or Infinity can never become a score; a non-finite
result raises :class:`NonFiniteValue`, which the scoring layer reports as an
engine error at the ruleset line (never as a score).

This module imports nothing of the runtime: only :mod:`decimal` and
:mod:`perfrules.intervals`.
"""

from __future__ import annotations

import decimal
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    localcontext,
)
from typing import Any, TypeVar, cast

from .intervals import Interval

#: Significant digits of every computation (loading, proving, evaluating, rendering).
PRECISION = 34

#: Decimal places a ruleset may round to (``rounding half_up 0..6``).
MAX_PLACES = 6

#: Arithmetic context for every evaluation: fixed, so the caller's thread context never leaks in.
CONTEXT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[])

#: The same arithmetic, trapping the only three ways finite operands can give a non-finite
#: result (Overflow, InvalidOperation, DivisionByZero).  The compiled program computes with its
#: bound C methods (:attr:`Operation.fast`): no check in Python per operation, and the trap is
#: turned into :class:`NonFiniteValue` where scoring knows the ruleset line (:func:`non_finite`).
STRICT = Context(prec=PRECISION, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999,
                 traps=[decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero])

#: The decimal signals STRICT raises.
TRAPPED: tuple[type[ArithmeticError], ...] = (decimal.Overflow, decimal.InvalidOperation, decimal.DivisionByZero)

ZERO = Decimal(0)
ONE = Decimal(1)

_F = TypeVar("_F", bound=Callable[..., Any])


def in_engine_context(fn: _F) -> _F:
    """Run `fn` under perfrules' own decimal context, whatever the caller's thread context is."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with localcontext(CONTEXT):
            return fn(*args, **kwargs)

    return cast(_F, wrapper)


class EvalError(Exception):
    """A value could not be computed for one form (becomes a finding, not a crash)."""

    code = "eval-error"

    def __init__(self, message: str, name: str | None = None):
        super().__init__(message)
        self.message = message
        self.name = name


class MissingValue(EvalError):
    code = "missing-value"

    @classmethod
    def of(cls, name: str) -> MissingValue:
        """The form lacks the value `name` (what every reader of a form value raises)."""
        return cls(f"表单缺少 {name}", name)


class DivisionByZero(EvalError):
    code = "division-by-zero"


class NonFiniteValue(Exception):
    """An operation would produce NaN or Infinity: an engine error, never a score."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _fmt(x: Decimal) -> str:
    return format(x.normalize(), "f") if x.is_finite() else str(x)


#: What a non-finite result raises: NonFiniteValue (checked operations) or a trapped signal (fast ones).
NON_FINITE: tuple[type[Exception], ...] = (NonFiniteValue, *TRAPPED)


def non_finite(err: Exception) -> NonFiniteValue:
    """`err` — a :class:`NonFiniteValue` or a signal trapped by :data:`STRICT` — as a NonFiniteValue."""
    if isinstance(err, NonFiniteValue):
        return err
    return NonFiniteValue(f"计算结果不是有限的数（{type(err).__name__}），超出了 perfrules 的精度（{PRECISION} 位有效数字）")


def finite(x: Decimal, what: str = "计算结果") -> Decimal:
    """`x` itself if it is a finite number; otherwise :class:`NonFiniteValue`."""
    if x.is_finite():
        return x
    raise NonFiniteValue(f"{what}不是有限的数（{x}），超出了 perfrules 的精度（{PRECISION} 位有效数字）")


# ---------------------------------------------------------------- values


# Each operation computes in CONTEXT explicitly: the caller's decimal context changes nothing.
# (CONTEXT traps nothing, so its flags are the only thing written, and nothing reads them.)


def add(a: Decimal, b: Decimal) -> Decimal:
    r = CONTEXT.add(a, b)
    return r if r.is_finite() else finite(r)  # the common case without a call


def subtract(a: Decimal, b: Decimal) -> Decimal:
    r = CONTEXT.subtract(a, b)
    return r if r.is_finite() else finite(r)  # the common case without a call


def multiply(a: Decimal, b: Decimal) -> Decimal:
    r = CONTEXT.multiply(a, b)
    return r if r.is_finite() else finite(r)  # the common case without a call


def divide(a: Decimal, b: Decimal) -> Decimal:
    if b == 0:
        raise DivisionByZero(f"除数为 0（{_fmt(a)} ÷ 0）")
    return finite(CONTEXT.divide(a, b))


_STRICT_DIVIDE = STRICT.divide


def _fast_divide(a: Decimal, b: Decimal) -> Decimal:
    """`divide` for finite operands: a zero divisor is still a finding, the rest is trapped."""
    if b == 0:
        raise DivisionByZero(f"除数为 0（{_fmt(a)} ÷ 0）")
    return _STRICT_DIVIDE(a, b)


def negate(a: Decimal) -> Decimal:
    return finite(CONTEXT.minus(a))


def minimum(*xs: Decimal) -> Decimal:
    """``min(a, b, …)``."""
    return finite(min(xs))


def maximum(*xs: Decimal) -> Decimal:
    """``max(a, b, …)``."""
    return finite(max(xs))


def clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    """``clamp(x, lo, hi)`` is ``min(max(x, lo), hi)`` — for every argument order (lo > hi gives hi)."""
    return minimum(maximum(x, lo), hi)


def ratio(b: Decimal, a: Decimal) -> Decimal:
    """``ratio(B, A)``: B ÷ A held within [0, 1] — the capped execution/completion rate."""
    return clamp(divide(b, a), ZERO, ONE)


def _fast_ratio(b: Decimal, a: Decimal) -> Decimal:
    """`ratio` for finite operands (min and max of finite numbers are finite)."""
    return min(max(_fast_divide(b, a), ZERO), ONE)


def _fast_clamp(x: Decimal, lo: Decimal, hi: Decimal) -> Decimal:
    return min(max(x, lo), hi)


def absolute(x: Decimal) -> Decimal:
    return finite(CONTEXT.abs(x))


def total(values: tuple[Decimal, ...]) -> Decimal:
    """``sum(明细)``: the sum of a list fact."""
    out = ZERO
    for v in values:
        out = CONTEXT.add(out, v)
    return finite(out)


def count(values: tuple[Decimal, ...]) -> Decimal:
    """``count(明细)``: how many entries a list fact has."""
    return Decimal(len(values))


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
    """Round `x` to `places` decimals by the ruleset's `mode` (a key of ROUNDING_MODES).

    A value whose digits at that precision exceed :data:`PRECISION` cannot be
    rounded exactly: :class:`NonFiniteValue`, never NaN.
    """
    r = x.quantize(quantizer(places), rounding=ROUNDING_MODES[mode], context=CONTEXT)
    return r if r.is_finite() else finite(r, f"{_fmt(x)} 保留 {places} 位小数的结果")  # words only when needed


def rounder(places: int, mode: str) -> Callable[[Decimal], Decimal]:
    """:func:`round_to` with its `places` and `mode` decided once (a ruleset's rounding; the same
    steps, held equal by ``tests/test_operations.py``)."""
    step, rounding = quantizer(places), ROUNDING_MODES[mode]

    def round_it(x: Decimal) -> Decimal:
        r = x.quantize(step, rounding=rounding, context=CONTEXT)
        return r if r.is_finite() else finite(r, f"{_fmt(x)} 保留 {places} 位小数的结果")  # words only when needed

    return round_it


def fits(x: Decimal, places: int) -> bool:
    """Whether `x` rounded to `places` decimals fits the engine's precision."""
    return not x.is_finite() or x == 0 or x.adjusted() + 1 + places <= PRECISION


# ---------------------------------------------------------------- interval counterparts


def _min_bound(*xs: Interval) -> Interval:
    out = xs[0]
    for x in xs[1:]:
        out = out.min(x)
    return out


def _max_bound(*xs: Interval) -> Interval:
    out = xs[0]
    for x in xs[1:]:
        out = out.max(x)
    return out


def _clamp_bound(x: Interval, lo: Interval, hi: Interval) -> Interval:
    return x.max(lo).min(hi)


def _ratio_bound(b: Interval, a: Interval) -> Interval:
    return _clamp_bound(b / a, Interval.point(ZERO), Interval.point(ONE))


def _list_bound(_values: Interval) -> Interval:
    return Interval.non_negative()  # list facts hold non-negative numbers (amounts, counts)


def round_bound(x: Interval, places: int, mode: str) -> Interval:
    """Rounding is monotone: the rounded ends bound every rounded value."""

    def end(v: Decimal) -> Decimal:
        if not v.is_finite():
            return v
        r = v.quantize(quantizer(places), rounding=ROUNDING_MODES[mode], context=CONTEXT)
        return r if r.is_finite() else v
    lo, hi = end(x.lo), end(x.hi)
    return Interval(lo, hi, lo > 0 or hi < 0)


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: its value on numbers and the interval holding every such value."""

    name: str
    min_args: int
    max_args: int | None  # None: any number from min_args up
    apply: Callable[..., Decimal]
    bound: Callable[..., Interval]
    doc: str = ""
    divides: bool = False  # the last argument is a divisor (the checker reports a possible 0)
    takes_list: bool = False  # the argument is a list fact
    #: `apply` for finite operands as a bound C method of :data:`STRICT` (traps instead of checks).
    fast: Callable[..., Decimal] | None = None
    #: `fast` as a Python operator over the operands ``{0}``, ``{1}``, with :data:`STRICT` as the
    #: thread's context: the same value, and an exception where `fast` raises one (the summary
    #: path's generated formulas, :mod:`perfrules.codegen`; held equal by ``tests/test_codegen.py``).
    inline: str | None = None

    @property
    def compiled(self) -> Callable[..., Decimal]:
        """What the compiled program calls: :attr:`fast` where there is one, else `apply`."""
        return self.fast or self.apply


#: The arithmetic operators, by their symbol (``-x`` is ``neg``).
ARITHMETIC: dict[str, Operation] = {
    "+": Operation("+", 2, 2, add, operator.add, fast=STRICT.add, inline="({0} + {1})"),
    "-": Operation("-", 2, 2, subtract, operator.sub, fast=STRICT.subtract, inline="({0} - {1})"),
    "*": Operation("*", 2, 2, multiply, operator.mul, fast=STRICT.multiply, inline="({0} * {1})"),
    "/": Operation("/", 2, 2, divide, operator.truediv, divides=True, fast=_fast_divide, inline="({0} / {1})"),
    "neg": Operation("neg", 1, 1, negate, operator.neg, fast=STRICT.minus, inline="(-{0})"),
}

#: The built-in functions, by name.
FUNCTIONS: dict[str, Operation] = {
    "min": Operation("min", 2, None, minimum, _min_bound, "min(a, b, …) 取最小值", fast=min),
    "max": Operation("max", 2, None, maximum, _max_bound, "max(a, b, …) 取最大值", fast=max),
    "ratio": Operation("ratio", 2, 2, ratio, _ratio_bound, "ratio(B, A) = B ÷ A，限定在 0 到 1 之间",
                       divides=True, fast=_fast_ratio),
    "clamp": Operation("clamp", 3, 3, clamp, _clamp_bound,
                       "clamp(x, 下限, 上限) = min(max(x, 下限), 上限)；下限大于上限时结果为上限",
                       fast=_fast_clamp),
    "abs": Operation("abs", 1, 1, absolute, Interval.abs, "abs(x) 绝对值", fast=STRICT.abs),
    "sum": Operation("sum", 1, 1, total, _list_bound, "sum(列表) 列表各项之和", takes_list=True),
    "count": Operation("count", 1, 1, count, _list_bound, "count(列表) 列表的项数", takes_list=True),
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison: its truth on values and the truths it can take over two intervals."""

    op: str
    apply: Callable[[Any, Any], bool]
    possible: Callable[[Interval, Interval], frozenset[bool]]
    inline: str = ""  # `apply` as a Python operator over ``{0}``, ``{1}`` (see Operation.inline)


def _truths(can_true: bool, can_false: bool) -> frozenset[bool]:
    return frozenset(t for t, ok in ((True, can_true), (False, can_false)) if ok)


def _same_point(a: Interval, b: Interval) -> bool:
    return a.lo == a.hi == b.lo == b.hi


COMPARISONS: dict[str, Comparison] = {
    ">": Comparison(">", operator.gt, lambda a, b: _truths(a.hi > b.lo, a.lo <= b.hi), "({0} > {1})"),
    ">=": Comparison(">=", operator.ge, lambda a, b: _truths(a.hi >= b.lo, a.lo < b.hi), "({0} >= {1})"),
    "<": Comparison("<", operator.lt, lambda a, b: _truths(a.lo < b.hi, a.hi >= b.lo), "({0} < {1})"),
    "<=": Comparison("<=", operator.le, lambda a, b: _truths(a.lo <= b.hi, a.hi > b.lo), "({0} <= {1})"),
    "==": Comparison("==", operator.eq, lambda a, b: _truths(a.lo <= b.hi and b.lo <= a.hi,
                                                              not _same_point(a, b)), "({0} == {1})"),
    "!=": Comparison("!=", operator.ne, lambda a, b: _truths(not _same_point(a, b),
                                                              a.lo <= b.hi and b.lo <= a.hi), "({0} != {1})"),
}
