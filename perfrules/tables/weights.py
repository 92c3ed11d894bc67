"""Row weights (分值) for tables printed without a 分值 column (the 黄石 layout of seed 003).

The 黄石 table states the budget's points (``预算执行情况 (20分)``) and the first
goal's (``年度绩效目标1 (70分)``); a goal without a stated number takes what is
left of 100.  Within a goal the weights are the *smallest* ones consistent with
the table:

- a weight is a multiple of 5 points (every weight in the published tables is);
- it is at least the declared score (得分 never exceeds 分值);
- it is *more* than the declared score when the row visibly fell short of its
  target (a number below a ≥ target, or above a ≤ or 成本指标 target), since such
  a row cannot have scored full marks.

The weights are accepted only when these smallest weights add up *exactly* to
the goal's points — then no other choice fits, and the result is unique.
Otherwise the reader refuses and asks for a 分值 column.  (Seed 003, table 1:
参保人数 declared 15 and fell short → 20; five rows declared 10 or 9 → 10 each;
20 + 50 = 70 = 年度绩效目标1.  The bundled examples' comments work the same way.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from ..notation import direction_of, read_cell
from ..values import fmt_number

STEP = Decimal(5)
FULL = Decimal(100)


@dataclass(frozen=True)
class WeightRow:
    """What the derivation needs of one row."""

    index: int
    goal: int
    level2: str
    target: str
    actual: str
    declared: Decimal | None
    place: str


@dataclass
class Derived:
    weights: list[Decimal] = field(default_factory=list)
    explanation: str = ""
    problem: str = ""
    goal: int | None = None


def fell_short(row: WeightRow) -> bool:
    """Whether the actual visibly misses a numeric target (positive: below; reverse/成本指标: above)."""
    t, a = read_cell(row.target), read_cell(row.actual)
    if t is None or a is None or t.is_date or a.is_date or (a.unit and t.unit and a.unit != t.unit):
        return False
    direction = direction_of(t.relation) or ("reverse" if row.level2 == "成本指标" else "positive")
    return a.value < t.value if direction == "positive" else a.value > t.value


def smallest_weight(row: WeightRow) -> Decimal:
    declared = row.declared if row.declared is not None else Decimal(0)
    w = (declared / STEP).to_integral_value(rounding=ROUND_CEILING) * STEP
    if fell_short(row) and w <= declared:
        w += STEP
    return max(w, STEP)


def derive_weights(rows: list[WeightRow], stated: dict[int, Decimal | None],
                   budget_points: Decimal | None) -> Derived:
    """Each row's weight, or a problem saying why the table does not determine them."""
    goals = sorted({r.goal for r in rows})
    points = {g: stated.get(g) for g in goals}
    missing = [g for g in goals if points[g] is None]
    if len(missing) > 1:
        return Derived(problem=f"表中没有分值列，且年度绩效目标 {'、'.join(map(str, missing))} 都没有写明分数，"
                               "无法推出各行分值", goal=missing[0])
    if missing:
        known = sum((p for p in points.values() if p is not None), Decimal(0)) + (budget_points or 0)
        points[missing[0]] = FULL - known
    for r in rows:
        if r.declared is None:
            return Derived(problem=f"表中没有分值列，{r.place} 这一行也没有得分，无法推出分值", goal=r.goal)
    weights = [smallest_weight(r) for r in rows]
    parts = []
    for g in goals:
        total = sum((w for r, w in zip(rows, weights) if r.goal == g), Decimal(0))
        target = points[g]
        assert target is not None
        if total != target:
            return Derived(problem=f"表中没有分值列；按填报得分推出的年度绩效目标{g}各行分值合计 {fmt_number(total)} 分，"
                                   f"与该目标的 {fmt_number(target)} 分不符，无法唯一确定各行分值", goal=g)
        parts.append(f"目标{g}（{fmt_number(target)} 分）: "
                     + "、".join(fmt_number(w) for r, w in zip(rows, weights) if r.goal == g))
    return Derived(weights=weights, explanation="表中没有分值列，各行分值按填报得分推出（5 分的整数倍、不低于得分、"
                                                "未达目标的行高于得分，合计恰为该目标分数）: " + "；".join(parts))
