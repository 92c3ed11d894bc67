"""Reading a cell never depends on the caller's decimal context.

``notation.read_cell`` scales percentages, ‰, 元 and 亿元 by powers of ten.  It used to divide in
whatever context the embedder had set, so ``96.75%`` read under ``prec=3`` was 0.968: a form
scored differently depending on the caller.  Now every cell reads the same, digit for digit,
under any caller context.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from perfrules.notation import read_cell

UNITS = ["%", "％", "百分比", "‰", "元", "万元", "亿元", "千元/人", "万人", "百万元/公里", "个", ""]


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False,
                   allow_infinity=False),
       st.sampled_from(UNITS), st.sampled_from(["", "≥", "≤", "="]), st.integers(1, 8))
def test_a_cell_reads_the_same_under_any_caller_precision(number: Decimal, unit: str, relation: str,
                                                           prec: int) -> None:
    text = f"{relation}{number:f}{unit}"
    wide = read_cell(text)
    with localcontext() as caller:
        caller.prec = prec
        narrow = read_cell(text)
    assert (wide is None) == (narrow is None)
    if wide is not None and narrow is not None:
        assert str(wide.value) == str(narrow.value) and wide.unit == narrow.unit


def test_the_published_example() -> None:
    with localcontext() as caller:
        caller.prec = 3
        q = read_cell("96.75%")
    assert q is not None and q.value == Decimal("0.9675")
