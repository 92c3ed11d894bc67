"""Interval arithmetic over exact decimals, for the checker's bound proofs.

An :class:`Interval` is a closed range ``[lo, hi]`` of ``Decimal`` with
``±Infinity`` allowed, plus a ``nonzero`` flag for ranges such as
``(0, ∞)`` (a budget, a divisor the form guarantees is positive).  Every
operation returns a range that contains every value the operation can take on
inputs from its argument ranges — a sound over-approximation — and division
reports whether its divisor may be zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

# Ends are rounded outwards (the low end down, the high end up), so a bound stays sound when an
# end has more digits than the precision; the precision and exponent range are perfrules' own.
_DOWN = Context(prec=34, rounding=ROUND_FLOOR, Emax=999_999, Emin=-999_999, traps=[])
_UP = Context(prec=34, rounding=ROUND_CEILING, Emax=999_999, Emin=-999_999, traps=[])

INF = Decimal("Infinity")
NEG_INF = Decimal("-Infinity")
ZERO = Decimal(0)
ONE = Decimal(1)


def _mul(a: Decimal, b: Decimal, ctx: Context) -> Decimal:
    # 0 × ∞ is taken as 0: a bound of 0 times anything finite-or-not stays 0.
    if a == 0 or b == 0:
        return ZERO
    return ctx.multiply(a, b)


@dataclass(frozen=True, slots=True)
class Interval:
    lo: Decimal
    hi: Decimal
    nonzero: bool = False

    @staticmethod
    def point(x: Decimal) -> Interval:
        return Interval(x, x, x != 0)

    @staticmethod
    def everything() -> Interval:
        return Interval(NEG_INF, INF)

    @staticmethod
    def non_negative() -> Interval:
        return Interval(ZERO, INF)

    @staticmethod
    def positive() -> Interval:
        return Interval(ZERO, INF, nonzero=True)

    def contains_zero(self) -> bool:
        return self.lo <= 0 <= self.hi and not self.nonzero

    def within(self, lo: Decimal, hi: Decimal) -> bool:
        return self.lo >= lo and self.hi <= hi

    def __add__(self, other: Interval) -> Interval:
        return Interval(_DOWN.add(self.lo, other.lo), _UP.add(self.hi, other.hi))

    def __sub__(self, other: Interval) -> Interval:
        return Interval(_DOWN.subtract(self.lo, other.hi), _UP.subtract(self.hi, other.lo))

    def __neg__(self) -> Interval:
        return Interval(self.hi.copy_negate(), self.lo.copy_negate(), self.nonzero)  # exact

    def __mul__(self, other: Interval) -> Interval:
        pairs = [(self.lo, other.lo), (self.lo, other.hi), (self.hi, other.lo), (self.hi, other.hi)]
        lo = min(_mul(a, b, _DOWN) for a, b in pairs)
        hi = max(_mul(a, b, _UP) for a, b in pairs)
        return Interval(lo, hi, self.nonzero and other.nonzero)

    def reciprocal(self) -> Interval:
        """1 / self, for a divisor known not to be zero."""
        if self.lo > 0 or (self.lo == 0 and self.nonzero):
            lo = ZERO if self.hi == INF else _DOWN.divide(ONE, self.hi)
            hi = INF if self.lo == 0 else _UP.divide(ONE, self.lo)
            return Interval(lo, hi, True)
        if self.hi < 0 or (self.hi == 0 and self.nonzero):
            hi = ZERO if self.lo == NEG_INF else _UP.divide(ONE, self.lo)
            lo = NEG_INF if self.hi == 0 else _DOWN.divide(ONE, self.hi)
            return Interval(lo, hi, True)
        return Interval(NEG_INF, INF, True)

    def __truediv__(self, other: Interval) -> Interval:
        if other.lo == 0 and other.hi == 0:
            return Interval.everything()
        return self * other.reciprocal()

    def min(self, other: Interval) -> Interval:
        return Interval(min(self.lo, other.lo), min(self.hi, other.hi))

    def max(self, other: Interval) -> Interval:
        return Interval(max(self.lo, other.lo), max(self.hi, other.hi))

    def clamp(self, lo: Decimal, hi: Decimal) -> Interval:
        return Interval(min(max(self.lo, lo), hi), min(max(self.hi, lo), hi))

    def abs(self) -> Interval:
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return Interval(ZERO, max(self.lo.copy_negate(), self.hi))

    def union(self, other: Interval) -> Interval:
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi), self.nonzero and other.nonzero)

    def intersect(self, lo: Decimal, hi: Decimal, *, open_lo: bool = False) -> Interval | None:
        """Narrow to ``[lo, hi]`` (``(lo, hi]`` with open_lo); ``None`` if empty."""
        nlo, nhi = max(self.lo, lo), min(self.hi, hi)
        if nlo > nhi or (open_lo and nlo == nhi == lo):
            return None
        nonzero = self.nonzero or (open_lo and lo == 0 and nlo == 0) or nlo > 0 or nhi < 0
        return Interval(nlo, nhi, nonzero)

    def __str__(self) -> str:
        def fmt(x: Decimal) -> str:
            if x == INF:
                return "+∞"
            if x == NEG_INF:
                return "-∞"
            return format(x.normalize() if x == x.to_integral_value() else x, "f")

        left = "(" if self.nonzero and self.lo == 0 else "["
        right = ")" if self.hi == INF else "]"
        if self.lo == NEG_INF:
            left = "("
        return f"{left}{fmt(self.lo)}, {fmt(self.hi)}{right}"
