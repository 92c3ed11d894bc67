"""Cells as people fill them: a number read beside the cell it is compared with.

A cell on its own is read by :mod:`perfrules.notation`.  Some cells only mean
something beside their pair, and real tables are full of them:

* a bare actual number takes the target's unit (``≥90%`` / ``95`` is 95%,
  ``≤500元`` / ``480`` is 480 元) — a ``unit-from-target`` info says so; a bare
  target beside an actual with a unit is read in that unit, with a
  ``unit-missing`` warning (a target should say its unit);
* beside a percentage, a bare number not above 1.5 is a fraction
  (``执行率 1`` is 100%, ``0.97`` is 97%) — a ``rate-as-fraction`` info;
* the execution rate written without ``%`` follows the same rule.

Nothing here guesses silently: every reading that is not the plain one comes
with a :class:`Note` the form reader turns into a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from .notation import Quantity, read_cell, written_unit
from .values import fmt_number

#: A bare number not above this, beside a percentage, is a fraction (1 → 100%).
FRACTION_LIMIT = Decimal("1.5")


@dataclass(frozen=True, slots=True)
class Note:
    """What a reading assumed, for a finding: severity, code and the Chinese message."""

    severity: str
    code: str
    message: str

    @property
    def triple(self) -> tuple[str, str, str]:
        """(severity, code, message), as the scorer's row plans carry them."""
        return self.severity, self.code, self.message


@dataclass(frozen=True, slots=True)
class PlacedNote:
    """A note about one field of the form (``$.budget.adjusted``)."""

    path: str
    note: Note


@dataclass(frozen=True, slots=True)
class PairReading:
    """Target and actual of one row after reading each beside the other."""

    target: Quantity | None
    actual: Quantity | None
    notes: tuple[Note, ...] = ()


def one_is_bare(target: Quantity | None, actual: Quantity | None) -> bool:
    """Whether one of two numbers is bare beside the other's unit: only then does :func:`read_pair`
    read anything (both bare, both with units — the same or a unit-mismatch for the scorer —, a
    date or a text are left as they are)."""
    return (target is not None and actual is not None and not target.is_date and not actual.is_date
            and bool(target.unit) != bool(actual.unit))


def read_pair(name: str, target: Quantity | None, actual: Quantity | None) -> PairReading:
    """Give a bare number the unit of the other cell (a fraction beside a percentage)."""
    if not one_is_bare(target, actual):
        return PairReading(target, actual)
    assert target is not None and actual is not None  # (one_is_bare says so)
    if actual.unit:
        read, note = _take_unit(name, "年度指标值", target, actual)
        return PairReading(read, actual, (note,))
    read, note = _take_unit(name, "实际完成值", actual, target)
    return PairReading(target, read, (note,))


def _take_unit(name: str, side: str, bare: Quantity, other: Quantity) -> tuple[Quantity, Note]:
    if other.unit == "%" and bare.value <= FRACTION_LIMIT:
        read = replace(bare, unit="%")
        return read, Note("info", "rate-as-fraction",
                          f"{name}: {side} {bare.text!r} 没有写 %，不大于 {FRACTION_LIMIT}，按小数读作 {read.display()}")
    one = read_cell("1" + written_unit(other.text))
    if one is None:  # pragma: no cover - the other cell was read with this very unit
        one = Quantity(Decimal(1), other.unit, "", "1")
    read = replace(bare, value=bare.value * one.value, unit=one.unit)
    if side == "实际完成值":  # the tables' convention: a bare actual is in the target's unit
        return read, Note("info", "unit-from-target",
                          f"{name}: 实际完成值 {bare.text!r} 没有写单位，按年度指标值的单位读作 {read.display()}")
    return read, Note("warning", "unit-missing",
                      f"{name}: 年度指标值 {bare.text!r} 没有写单位，按实际完成值的单位读作 {read.display()}")


_RATE = re.compile(r"^\s*([+-]?\d+(?:\.(\d+))?)\s*([%％]?)\s*$")


@dataclass(frozen=True, slots=True)
class RateReading:
    """An execution rate as written: the fraction, the decimals of its percentage, what was assumed."""

    value: Decimal
    places: int
    note: Note | None = None


def read_rate(text: str) -> RateReading | None:
    """``68%`` → 0.68 (whole percent); ``1`` or ``0.6751`` (no %, not above 1.5) → a fraction; else None."""
    m = _RATE.match(text)
    if not m:
        return None
    number, decimals = Decimal(m.group(1)), len(m.group(2) or "")
    if m.group(3) or number > FRACTION_LIMIT or number == 0:  # 0 is 0 either way
        return RateReading(number / 100, decimals)
    percent = number * 100
    note = Note("info", "rate-as-fraction",
                f"执行率 {text.strip()!r} 没有写 %，不大于 {FRACTION_LIMIT}，按小数读作 {fmt_number(percent)}%")
    return RateReading(number, max(decimals - 2, 0), note)


def blank_scores(data: dict[str, Any], unfilled: bool) -> list[PlacedNote]:
    """A ``blank-score`` info for each 得分 or 总分 left blank (null): it is not audited.

    In an unfilled table (`unfilled`) the rows' blank scores are covered by ``unfilled-table``.
    """
    out = []
    budget = data.get("budget") or {}
    for path, mapping, key, what in (("$.declared_total", data, "declared_total", "总分"),
                                      ("$.budget.declared_score", budget, "declared_score", "预算执行得分")):
        if key in mapping and mapping[key] is None:
            out.append(PlacedNote(path, Note("info", "blank-score", f"{what}未填写，不核对")))
    if not unfilled:
        for i, r in enumerate(data.get("indicators") or ()):
            if "declared_score" in r and r["declared_score"] is None:
                out.append(PlacedNote(f"$.indicators[{i}].declared_score",
                                      Note("info", "blank-score", f"{r['name']} 的得分未填写，不核对")))
    return out
