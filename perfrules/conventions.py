"""Rows as people fill them: blank cells, words for numbers, tiers written as the actual.

:func:`perfrules.scoring.plan_row` scores a plain row itself (two numbers, or a
qualitative row with its tier).  It asks :func:`judge_cells` first; the answer
is ``None`` for a plain row, or a :class:`TierChoice` for a row that real
tables fill in their own way:

* a blank 实际完成值 is a missing value: the row scores 0, "未填写"
  (``blank-actual``; an unfilled table is said once, see ``Form.unfilled``);
* a blank 年度指标值 is an error (``blank-target``); the row is judged like a
  qualitative row if anything gives it a tier;
* a quantitative target answered in words (``完成``, ``显著提升``) is judged like
  a qualitative row, with a ``word-actual`` warning;
* on a qualitative row, an actual that names a tier (``达成预期指标``) is that
  tier; failing that, the tier whose band holds the declared score
  (``tier-from-score``, info).  A declared score no band holds takes the
  nearest band, and the scorer reports the existing ``band-violation``.

Before all that, a row selected by a ``when`` class whose formula reads no target
(:func:`class_reading`) is scored by that formula whatever its target says (``—``, blank, a
sentence): only the cells the formula reads must be numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .cells import Note
from .model import BandSpec, Policy
from .names import EQUAL
from .notation import Quantity, same_text
from .values import ZERO, fmt_number


class Row(Protocol):
    """What is read of an indicator row (:class:`perfrules.forms.Row`)."""

    @property
    def name(self) -> str: ...
    @property
    def weight(self) -> Decimal: ...
    @property
    def target_text(self) -> str: ...
    @property
    def actual_text(self) -> str: ...
    @property
    def target(self) -> Quantity | None: ...
    @property
    def actual(self) -> Quantity | None: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def declared(self) -> Decimal | None: ...
    @property
    def actual_blank(self) -> bool: ...
    @property
    def target_blank(self) -> bool: ...


#: How the scorer finds the band a tier word names (``达成``, an alias, ``部分完成`` …).
BandFinder = Callable[[Policy, str], "BandSpec | None"]


@dataclass(frozen=True, slots=True)
class TierChoice:
    """A row judged by a tier: its band (None: it cannot be judged), why, and what to report."""

    band: BandSpec | None
    why: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    problem: Note | None = None


def judge_cells(policy: Policy, row: Row, find: BandFinder) -> TierChoice | None:
    """How a row filled by real tables' conventions is judged; None for a plain row."""
    t, a = row.target, row.actual
    if t is not None and a is not None and not t.is_date and not a.is_date:
        return None  # two numbers: the scorer's quantitative rule
    if row.actual_blank:
        declared = f"（填报得分 {fmt_number(row.declared)} 不核对）" if row.declared is not None else ""
        return TierChoice(None, ("blank",), problem=Note("error", "blank-actual",
                                             f"{row.name}: 实际完成值未填写，记 0 分{declared}"))
    if not policy.bands or (row.tier is not None and find(policy, row.tier) is None):
        return None  # the scorer reports no-bands or unknown-tier
    if row.target_blank:
        choice = _tier_of(policy, row, find)
        if choice.band is None:
            return TierChoice(None, problem=Note("error", "blank-target",
                                                 f"{row.name}: 年度指标值未填写，也没有评价等次或填报得分，无法评价，记 0 分"))
        note = Note("error", "blank-target", f"{row.name}: 年度指标值未填写；{_how(choice)}")
        return TierChoice(choice.band, choice.why, (note,))
    if t is not None and not t.is_date and a is None:
        choice = _tier_of(policy, row, find)
        if choice.band is None:
            return TierChoice(None, problem=Note(
                "error", "missing-tier", f"{row.name}: 定量指标（目标 {row.target_text}）的实际完成值写成了文字 "
                f"{row.actual_text!r}，没有评价等次也没有填报得分，无法评价；请写明完成的数值或评价等次 tier"))
        note = Note("warning", "word-actual", f"{row.name}: 定量指标（目标 {row.target_text}）的实际完成值写成了文字 "
                                              f"{row.actual_text!r}，按定性指标评价：{_how(choice)}")
        return TierChoice(choice.band, ("words", *choice.why), (note,))
    if row.tier is not None or (t is not None and a is not None) or row.actual_text == row.target_text:
        return None  # a given tier, two dates, or the actual repeats the target: the scorer's rule
    named = find(policy, row.actual_text.strip())
    if (named is None and row.declared is None) or same_text(row.target_text, row.actual_text):
        return None  # the scorer's rule: the same text (达成), else missing-tier
    if named is not None:
        return TierChoice(named, ("actual-tier",))
    assert row.declared is not None
    choice = _by_score(policy, row.weight, row.declared)
    note = Note("info", "tier-from-score", f"{row.name}: 实际完成值 {row.actual_text!r} 与目标值 {row.target_text!r} "
                                           f"不同，没有写评价等次；{_how(choice)}")
    return TierChoice(choice.band, choice.why, (note,))


@dataclass(frozen=True, slots=True)
class ClassReading:
    """A row whose target is not a number, scored by a ``when`` class formula that does not read it."""

    actual: Decimal  # the actual the formula reads (0 when it reads no cell)
    why: tuple[str, ...]
    notes: tuple[Note, ...] = ()


def class_reading(row: Row, cells: tuple[str, ...]) -> ClassReading | None:
    """How a ``when`` class whose formula reads no target scores a row; None when it cannot.

    The formula reads the cells in `cells` (``actual``, ``target``) as numbers, so it scores the
    row when exactly those are numbers: one that reads no target scores a row whose target is
    ``—`` or a sentence; one that reads neither (``ratio(budget.executed, budget.adjusted)``)
    scores the row whatever its cells say.
    """
    if "target" in cells:
        return None
    a = row.actual
    numeric = a is not None and not a.is_date
    if "actual" in cells and not numeric:
        return None
    target = f"年度指标值 {row.target_text!r}" if row.target_text.strip() else "年度指标值空白"
    if "actual" not in cells:
        return ClassReading(ZERO, ("no-cells", target))
    assert a is not None
    if a.value < 0:
        return ClassReading(ZERO, ("no-target", target), (Note(
            "info", "negative-actual", f"{row.name}: 实际值 {row.actual_text} 为负数，按 0 计"),))
    return ClassReading(a.value, ("no-target", target))


def unread_cells(why: tuple[str, ...]) -> str:
    """In words, the cells a class formula left unread (the tail of a :class:`ClassReading`'s why)."""
    if not why:
        return ""
    cells = "年度指标值" if why[0] == "no-target" else "表上的年度指标值和实际完成值"
    return f"（公式不读本行的{cells}，{why[1]} 不参与计分）"


def equal_as_unsigned_message(name: str, target: str, direction: str) -> str:
    """``equal-as-unsigned``: an equality target under a ruleset that has no ``equal`` formula."""
    words = {"positive": "正向", "reverse": "反向"}.get(direction, direction)
    return (f"{name}: 年度指标值 {target!r} 是等值目标（=），规则没有 equal 方向的计分公式，"
            f"按未写方向的目标计分（{words}）；如需按等值计分，请在规则的 indicators 中写 equal: 公式"
            "（见 language.zh.md 5 节）")


def no_formula_message(name: str, target: str, direction: str) -> str:
    """``no-formula``: the ruleset has no formula for the direction a row's target states."""
    if direction == EQUAL:
        return (f"{name}: 年度指标值 {target!r} 是等值目标（=），规则没有 equal 方向的计分公式，记 0 分；"
                "请在规则的 indicators 中写 equal: 公式（见 language.zh.md 5 节）")
    return f"{name}: 规则没有 {direction} 方向的计分公式"


def copies_target(row: Row) -> bool:
    """The actual repeats the target word for word, comparator included (``≥90%`` / ``≥90%``)."""
    t, a = row.target, row.actual
    return (t is not None and a is not None and a.relation == t.relation and a.value == t.value
            and (row.actual_text == row.target_text or same_text(row.target_text, row.actual_text)))


def _tier_of(policy: Policy, row: Row, find: BandFinder) -> TierChoice:
    """The tier a row gives: its tier column, an actual naming a tier, or the band of its declared score."""
    if row.tier is not None:
        return TierChoice(find(policy, row.tier), ("given",))
    named = find(policy, row.actual_text.strip()) if not row.actual_blank else None
    if named is not None:
        return TierChoice(named, ("actual-tier",))
    if row.declared is not None:
        return _by_score(policy, row.weight, row.declared)
    return TierChoice(None)


def _by_score(policy: Policy, weight: Decimal, declared: Decimal) -> TierChoice:
    """The highest band holding `declared` (boundaries go to the higher tier); else the nearest band."""
    ordered = sorted(policy.bands, key=lambda b: (-b.hi, -b.lo))
    for band in ordered:
        if band.lo * weight <= declared <= band.hi * weight:
            return TierChoice(band, ("score-band", fmt_number(declared)))

    def distance(band: BandSpec) -> Decimal:
        return min(abs(declared - band.lo * weight), abs(declared - band.hi * weight))

    return TierChoice(min(ordered, key=distance), ("score-band", fmt_number(declared)))


def _how(choice: TierChoice) -> str:
    assert choice.band is not None
    return reason_of(choice.why, choice.band) or f"评价等次 {choice.band.label}"


def reason_of(why: tuple[str, ...], band: BandSpec | None) -> str | None:
    """In words, how a row judged here got its tier; None for the scorer's own reasons."""
    if why and why[0] == "blank":
        return "实际完成值未填写，记 0 分"
    if band is None:
        return None
    if why and why[0] == "words":
        return f"定量指标的实际完成值是文字，按定性指标评价：{reason_of(why[1:], band)}"
    span = f"{fmt_number(band.lo * 100)}%–{fmt_number(band.hi * 100)}%"
    if why and why[0] == "actual-tier":
        return f"实际完成值即评价等次 {band.label}（{span}）"
    if why and why[0] == "score-band":
        return f"按填报得分 {why[1]} 所在的档次评为 {band.label}（分值的 {span}）"
    if why and why[0] == "given":
        return f"评价等次 tier 为 {band.label}（{span}）"
    return None
