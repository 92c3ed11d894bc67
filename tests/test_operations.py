"""Every operation's value lies in its interval counterpart: x ∈ A, y ∈ B ⇒ op(x, y) ∈ op(A, B)."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfrules.intervals import INF, NEG_INF, Interval
from perfrules.operations import (
    ARITHMETIC,
    COMPARISONS,
    FUNCTIONS,
    ROUNDING_MODES,
    DivisionByZero,
    NonFiniteValue,
    clamp,
    round_bound,
    round_to,
    rounder,
)

_NUMBERS = st.one_of(
    st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(0), Decimal(1), Decimal(-1), Decimal("0.5"), Decimal("1e27"), Decimal("-1e27"),
                     Decimal("123456789012345678901234567.891"), Decimal("1e-20")]),
)


@st.composite
def interval_and_point(draw: st.DrawFn) -> tuple[Interval, Decimal]:
    """An interval (ends possibly infinite) and a point inside it."""
    a, b, x = sorted([draw(_NUMBERS), draw(_NUMBERS), draw(_NUMBERS)])
    lo = NEG_INF if draw(st.booleans()) and draw(st.booleans()) else a
    hi = INF if draw(st.booleans()) and draw(st.booleans()) else b
    point = b if lo == NEG_INF and hi == INF else draw(st.sampled_from([a, b] if lo == a and hi == b else [b]))
    point = draw(st.sampled_from([point, x])) if lo <= x <= hi else point
    nonzero = point != 0 and draw(st.booleans()) and not (lo <= 0 <= hi)
    return Interval(lo, hi, nonzero), point


def _inside(x: Decimal, bound: Interval) -> bool:
    return bound.lo <= x <= bound.hi and not (bound.nonzero and x == 0)


_ALL = [*ARITHMETIC.values(), *FUNCTIONS.values()]


@pytest.mark.parametrize("operation", [o for o in _ALL if not o.takes_list], ids=lambda o: o.name)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_value_lies_in_interval_bound(operation: object, data: st.DataObject) -> None:
    from perfrules.operations import Operation

    assert isinstance(operation, Operation)
    n = operation.min_args if operation.max_args is not None else data.draw(st.integers(2, 4))
    drawn = [data.draw(interval_and_point()) for _ in range(n)]
    intervals = [i for i, _ in drawn]
    points = [p for _, p in drawn]
    with localcontext() as caller:  # the caller's context changes nothing (item 4)
        caller.prec = 3
        try:
            value = operation.apply(*points)
        except DivisionByZero:
            assert operation.divides and intervals[-1].contains_zero()
            return
        except NonFiniteValue:
            return  # an engine error, never a value: nothing to bound
        bound = operation.bound(*intervals)
    assert value.is_finite()
    assert _inside(value, bound), f"{operation.name}{tuple(points)} = {value} ∉ {bound}"


@pytest.mark.parametrize("operation", [o for o in _ALL if o.takes_list], ids=lambda o: o.name)
@given(st.lists(st.decimals(min_value=0, max_value=10**9, places=2), max_size=8))
def test_list_functions_lie_in_their_bound(operation: object, values: list[Decimal]) -> None:
    from perfrules.operations import Operation

    assert isinstance(operation, Operation)
    value = operation.apply(tuple(values))
    assert _inside(value, operation.bound(Interval.everything()))


@pytest.mark.parametrize("op", list(COMPARISONS))
@given(interval_and_point(), interval_and_point())
def test_comparison_truth_is_possible(op: str, a: tuple[Interval, Decimal], b: tuple[Interval, Decimal]) -> None:
    comparison = COMPARISONS[op]
    assert comparison.apply(a[1], b[1]) in comparison.possible(a[0], b[0])


@pytest.mark.parametrize("mode", sorted(ROUNDING_MODES))
@given(interval_and_point(), st.integers(0, 6))
def test_rounding_lies_in_its_bound(mode: str, a: tuple[Interval, Decimal], places: int) -> None:
    interval, x = a
    try:
        value = round_to(x, places, mode)
    except NonFiniteValue:
        return
    assert _inside(value, round_bound(interval, places, mode))


@pytest.mark.parametrize("mode", sorted(ROUNDING_MODES))
@given(st.decimals(allow_nan=False, allow_infinity=False), st.integers(0, 12))
def test_a_rounder_rounds_as_round_to(mode: str, x: Decimal, places: int) -> None:
    try:
        want: Decimal | str = round_to(x, places, mode)
    except NonFiniteValue as err:
        want = str(err)
    try:
        got: Decimal | str = rounder(places, mode)(x)
    except NonFiniteValue as err:
        got = str(err)
    assert got == want and (not isinstance(got, Decimal) or str(got) == str(want))


@given(st.decimals(-100, 100, places=2), st.decimals(-100, 100, places=2), st.decimals(-100, 100, places=2))
def test_clamp_is_min_of_max_in_every_argument_order(x: Decimal, lo: Decimal, hi: Decimal) -> None:
    assert clamp(x, lo, hi) == min(max(x, lo), hi)
    bound = FUNCTIONS["clamp"].bound(Interval.point(x), Interval.point(lo), Interval.point(hi))
    assert bound.lo == bound.hi == clamp(x, lo, hi)


def test_clamp_with_low_above_high_gives_high() -> None:
    # the published ruleset reading of issue 7: clamp(x, 50, 20) on a weight of 20 is 20, not 50
    assert clamp(Decimal(30), Decimal(50), Decimal(20)) == 20
    assert clamp(Decimal(30), Decimal("1e40"), Decimal(20)) == 20


def test_non_finite_results_are_errors_not_values() -> None:
    with pytest.raises(NonFiniteValue):
        ARITHMETIC["*"].apply(Decimal("1e999998"), Decimal("1e999998"))
    with pytest.raises(NonFiniteValue):
        round_to(Decimal("1e30"), 6, "half_up")
    with pytest.raises(NonFiniteValue):
        ARITHMETIC["+"].apply(Decimal("NaN"), Decimal(1))


def test_interval_ends_are_rounded_outwards() -> None:
    third = Interval.point(Decimal(1)) / Interval.point(Decimal(3))
    assert third.lo < third.hi  # 1/3 is not a 34-digit decimal: the bound must straddle it
    with localcontext() as exact:
        exact.prec = 100
        assert third.lo * 3 < 1 < third.hi * 3
