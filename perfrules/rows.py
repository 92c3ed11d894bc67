"""Indicator rows planned: quantitative or qualitative, direction or tier, band — and why, in words.

Everything here depends only on the ruleset's policy and the row itself, never on
other rows or on how expressions are evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .conventions import (
    class_reading,
    copies_target,
    equal_as_unsigned_message,
    judge_cells,
    no_formula_message,
    reason_of,
    unread_cells,
)
from .forms import Row
from .model import BandSpec, Policy, RowClass
from .names import EQUAL, ROW_FIELDS
from .notation import Quantity, direction_of, same_text
from .references import class_words, field_words
from .values import ZERO, Value

#: Tier names a form may use for a qualitative row, besides a band's own label and aliases.
TIER_ALIASES = {
    "achieved": 0, "达成": 0, "达成预期指标": 0, "完成": 0, "已完成": 0, "已达成": 0, "全部完成": 0,
    "partial": 1, "部分达成": 1, "部分达成预期指标并具有一定效果": 1, "部分完成": 1,
    "failed": 2, "未达成": 2, "未达成预期指标且效果较差": 2, "未完成": 2,
}



#: A target's comparator → its direction (a plain row's, decided without the policy).
RELATION_DIRECTION = {r: d for r in (">=", ">", "<=", "<") if (d := direction_of(r))} | {"=": EQUAL}
_RELATION_WHY = {r: ("relation", r) for r in RELATION_DIRECTION}  # plan.why, shared by every such row
_COPIED = {r: ("relation", r, "copy") for r in RELATION_DIRECTION}


class RowPlan(NamedTuple):
    """How one indicator row is to be scored (a tuple: built once per row, cheaply)."""

    kind: str  # "quant" | "qual" | "bad"
    direction: str = ""
    why: tuple[str, ...] = ()  # what decided the direction or tier; worded by `reason`
    actual: Decimal = ZERO
    target: Decimal = ZERO
    band: BandSpec | None = None
    tier: str = ""
    problem: tuple[str, str, str] | None = None  # severity, code, message
    notes: tuple[tuple[str, str, str], ...] = ()


def row_fields(row: Row) -> dict[str, Value]:
    """What a ``rows where`` selector reads of one row: the fields of :data:`names.ROW_FIELDS`."""
    out: dict[str, Value] = {name: getattr(row, name) for name in ROW_FIELDS}
    out["goal"] = Decimal(row.goal)
    return out


def _find_band(policy: Policy, tier: str) -> BandSpec | None:
    for b in policy.bands:
        if tier == b.label or tier in b.aliases:
            return b
    idx = TIER_ALIASES.get(tier)
    if idx is not None and idx < len(policy.bands):
        ordered = sorted(policy.bands, key=lambda s: -s.hi)
        return ordered[idx]
    return None


def _unsigned(policy: Policy, row: Row) -> tuple[str, tuple[str, ...]]:
    """The direction of a target written without ≥ / ≤: by the policy's field, else its default."""
    field_value = getattr(row, policy.unsigned_field) if policy.unsigned_field else None
    direction = policy.unsigned_cases.get(field_value or "", policy.unsigned_default or "positive")
    if policy.unsigned_field and field_value in policy.unsigned_cases:
        return direction, ("field", policy.unsigned_field, field_value or "")
    return direction, _DEFAULT_WHY


_DEFAULT_WHY = ("default",)


def _stated_direction(policy: Policy, row: Row, t: Quantity, a: Quantity) -> tuple[str, tuple[str, ...]]:
    """The direction a row of two numbers states: its target's ≥ / ≤ / = (an actual repeating the
    target, comparator included, is met: ``copy``), else the policy's ``unsigned`` rule."""
    direction = RELATION_DIRECTION.get(t.relation)
    if direction is None:
        return _unsigned(policy, row)
    if a.relation == t.relation and a.value == t.value and copies_target(row):
        return direction, _COPIED[t.relation]
    return direction, _RELATION_WHY[t.relation]


def plan_row(policy: Policy, row: Row, row_class: RowClass | None = None) -> RowPlan:
    """Classify a row (quantitative or qualitative), find its direction or tier.

    `row_class` is the first ``when`` class the row belongs to: its formula wins over ≥ / ≤.
    """
    if row_class is not None and "target" not in row_class.cells:  # a class formula that reads no target
        read = class_reading(row, row_class.cells)
        if read is not None:
            return RowPlan("quant", row_class.formula, ("class", class_words(row_class), *read.why), read.actual,
                           notes=tuple(n.triple for n in read.notes))
    t, a = row.target, row.actual
    if t is not None and a is not None and not t.is_date and not a.is_date:  # two numbers
        # the common row, quickly (the summary path's generated loop, codegen._ROWS, makes the same
        # test and finds the same direction; tests/test_summary.py holds the two paths equal)
        if t.unit == a.unit and t.value > 0 and a.value >= 0 and row_class is None:
            direction, why = _stated_direction(policy, row, t, a)
            if direction in policy.formulas:
                return RowPlan("quant", direction, why, a.value, t.value)
        notes: list[tuple[str, str, str]] = []  # rare: only for suspicious cells
        if t.unit != a.unit:
            if t.unit and a.unit:
                return RowPlan("bad", problem=("error", "unit-mismatch",
                               f"{row.name}: 目标值单位“{t.unit}”与实际值单位“{a.unit}”不一致，无法计算完成比例"))
            notes.append(("warning", "unit-missing",
                          f"{row.name}: 目标值 {row.target_text!r} 与实际值 {row.actual_text!r} 只有一方写了单位，按同一单位计算"))
        if t.value < 0:
            return RowPlan("bad", problem=("error", "invalid-target", f"{row.name}: 目标值 {row.target_text} 为负数"))
        if t.value == 0 and t.relation != "=":  # =0件 is a plain equality target, not a ratio's base
            notes.append(("warning", "zero-target",
                          f"{row.name}: 目标值为 0，无法按完成比例计分，按规则公式对 0 的处理计分"))
        actual = a.value
        if actual < 0:
            notes.append(("info", "negative-actual", f"{row.name}: 实际值 {row.actual_text} 为负数，按 0 计"))
            actual = ZERO
        if row_class is not None:
            direction, why = row_class.formula, ("class", class_words(row_class))
        else:
            direction, why = _stated_direction(policy, row, t, a)
        if direction == EQUAL and EQUAL not in policy.formulas:  # 等值 without an equal formula: said, then unsigned
            direction, why = _unsigned(policy, row)
            notes.append(("warning", "equal-as-unsigned", equal_as_unsigned_message(row.name, row.target_text,
                                                                                   direction)))
        if direction not in policy.formulas:
            return RowPlan("bad", problem=("error", "no-formula",
                                           no_formula_message(row.name, row.target_text, direction)))
        return RowPlan("quant", direction, why, actual, t.value, notes=tuple(notes) if notes else ())
    judged = judge_cells(policy, row, _find_band)  # blank cells, words, tiers written as the actual
    if judged is not None:
        if judged.band is None:
            return RowPlan("bad", why=judged.why, problem=judged.problem.triple if judged.problem else None)
        return RowPlan("qual", why=judged.why, band=judged.band, tier=judged.band.label,
                       notes=tuple(n.triple for n in judged.notes))
    # qualitative
    if not policy.bands:
        return RowPlan("bad", problem=("error", "no-bands", f"{row.name}: 定性指标，但规则没有定义 qualitative 分档"))
    tier = row.tier
    why = ("given",)
    notes = []
    if tier is None:
        if t is not None and a is not None and t.is_date and a.is_date:
            on_time = a.value <= t.value
            tier = _top_band(policy).label if on_time else _bottom_band(policy).label
            why = ("date", "未晚于" if on_time else "晚于")
        elif same_text(row.target_text, row.actual_text):
            tier = _top_band(policy).label
            why = ("same",)
        else:
            return RowPlan("bad", problem=("error", "missing-tier",
                           f"{row.name}: 定性指标的实际值 {row.actual_text!r} 与目标值 {row.target_text!r} 不同，"
                           f"表单需要写明评价等次 tier（{'/'.join(b.label for b in policy.bands)}）"))
    band = _find_band(policy, tier)
    if band is None:
        return RowPlan("bad", problem=("error", "unknown-tier",
                       f"{row.name}: 未知的评价等次 {tier!r}，可选: {'、'.join(b.label for b in policy.bands)}"))
    return RowPlan("qual", why=why, band=band, tier=band.label, notes=tuple(notes))


def reason(row: Row, plan: RowPlan) -> str:
    """In words: why a row got its direction or tier."""
    why = plan.why
    if plan.kind == "quant":
        d = _dir_name(plan.direction)
        if why[0] == "relation":
            copy = "实际完成值照抄目标值，按达到目标值计；" if len(why) > 2 else ""
            return f"{copy}目标值带 {why[1]}，按{d}指标计分"
        if why[0] == "field":
            return f"目标值未写方向，{_field_name(why[1])}为 {why[2]}，按{d}指标计分"
        if why[0] == "class":
            return f"{why[1]}，按“{plan.direction}”公式计分{unread_cells(why[2:])}"
        return f"目标值未写方向，按{d}指标计分"
    if why and why[0] == "date":
        assert row.actual is not None and row.target is not None
        return f"时限指标：实际 {row.actual.display()} {why[1]}要求 {row.target.display()}，记为 {plan.tier}"
    if why and why[0] == "same":
        return f"定性指标：实际完成值与目标值相同，记为 {plan.tier}"
    return reason_of(why, plan.band) or "定性指标，按评价等次计分"


def _top_band(policy: Policy) -> BandSpec:
    return max(policy.bands, key=lambda b: b.hi)


def _bottom_band(policy: Policy) -> BandSpec:
    return min(policy.bands, key=lambda b: b.lo)


_DIRECTION_NAMES = {"positive": "正向", "reverse": "反向", EQUAL: "等值"}


def _dir_name(direction: str) -> str:
    return _DIRECTION_NAMES.get(direction, direction)


def _field_name(f: str) -> str:
    return field_words(f)


def qualitative_score(band: BandSpec, weight: Decimal, declared: Decimal | None) -> tuple[Decimal, bool, Decimal, Decimal]:
    """Score of a qualitative row: the declared score if inside its band, else clamped; absent → the top.

    Returns (score, violated, band low, band high) in points.
    """
    lo, hi = band.lo * weight, band.hi * weight
    if declared is None:
        return hi, False, lo, hi
    if declared < lo:
        return lo, True, lo, hi
    if declared > hi:
        return hi, True, lo, hi
    return declared, False, lo, hi

def row_detail(row: Row, plan: RowPlan) -> dict[str, str]:
    d = {"target": row.target_text, "actual": row.actual_text}  # shown by `perfrules explain`
    if row.level1:
        d["level1"] = row.level1
    if row.level2:
        d["level2"] = row.level2
    if plan.kind == "quant":
        d["direction"] = plan.direction
    elif plan.kind == "qual":
        d["tier"] = plan.tier
    d["reason"] = reason(row, plan)
    return d

def check_row_values(row: Row) -> dict[str, Any]:
    """What a ``check … for rows`` reads of one (quantitative) row."""
    assert row.actual is not None and row.target is not None
    out: dict[str, Any] = row_fields(row)
    out["actual"], out["target"] = max(row.actual.value, ZERO), row.target.value  # names.ROW_NAMES
    return out


@dataclass(slots=True)  # not frozen: one per scored row (a frozen __init__ costs 2.5×)
class RowSource:
    """An indicator row as scored: the row and how it was planned (worded by :func:`row_detail`)."""

    row: Row
    plan: RowPlan
