"""The 其中 rows of 年度资金总额: 当年财政拨款, 上年结转资金, 其他资金 (``budget.sources``).

The total must equal the sum of its parts; a difference is an error that names
both numbers.  When the total is left at 0 or blank while the parts are filled
— common in published tables — the form is still scored, from the parts, with
an error that says so.  A 全年预算数 of 0 with no parts leaves the execution
rate without a base: the rules see it as missing (never as a divisor of 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .cells import Note, PlacedNote
from .values import ZERO, fmt_number

#: Form keys of the parts, with the names tables give them.
PART_NAMES = {"appropriation": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
#: Budget columns, with the names tables give them.
COLUMN_NAMES = {"initial": "年初预算数", "adjusted": "全年预算数", "executed": "全年执行数"}

#: Parts rounded to 0.01 万元 each may miss the rounded total by this much per part.
ROUNDING_PER_PART = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class SourceAmounts:
    """One 其中 row: 年初预算数, 全年预算数, 全年执行数 (万元); None where blank."""

    initial: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BudgetSources:
    """The 其中 rows a form fills (absent rows are None)."""

    appropriation: SourceAmounts | None = None
    carryover: SourceAmounts | None = None
    other: SourceAmounts | None = None

    def filled(self, column: str) -> list[tuple[str, Decimal]]:
        """(part name, amount) of each part that fills `column`."""
        out = []
        for key, name in PART_NAMES.items():
            part: SourceAmounts | None = getattr(self, key)
            value = getattr(part, column) if part is not None else None
            if value is not None:
                out.append((name, value))
        return out


def read_sources(data: dict[str, Any]) -> BudgetSources:
    """``budget.sources`` of a schema-valid form."""
    def part(key: str) -> SourceAmounts | None:
        raw = data.get(key)
        if raw is None:
            return None
        return SourceAmounts(*(_amount(raw.get(c)) for c in COLUMN_NAMES))

    return BudgetSources(part("appropriation"), part("carryover"), part("other"))


def _amount(x: Any) -> Decimal | None:
    return None if x is None else Decimal(x)  # floats were read by their digits (perfrules.numbers)


def reconcile(column: str, written: Decimal | None, sources: BudgetSources | None
              ) -> tuple[Decimal | None, list[PlacedNote]]:
    """The amount of `column` to score with, and what the parts say about the written total."""
    name = COLUMN_NAMES[column]
    path = f"$.budget.{column}"
    parts = sources.filled(column) if sources is not None else []
    if not parts:
        if column == "adjusted" and written == 0:
            return None, [PlacedNote(path, Note("error", "budget-total-zero",
                                                f"{name}为 0，执行率没有基数；预算执行一项无法计分"))]
        return written, []
    total = sum((v for _, v in parts), ZERO)
    listing = " + ".join(f"{n} {fmt_number(v)}" for n, v in parts)
    if written is None or (written == 0 and total != 0):
        blank = "未填写" if written is None else "填为 0"
        return total, [PlacedNote(path, Note("error", "budget-from-parts",
                                             f"年度资金总额的{name}{blank}，其中各项（{listing}）合计 "
                                             f"{fmt_number(total)}，按 {fmt_number(total)} 计分；请补填总额"))]
    if written == total:
        return written, []
    gap = abs(written - total)
    if gap <= ROUNDING_PER_PART * len(parts):
        return written, [PlacedNote(path, Note("info", "budget-parts-rounding",
                                               f"{name} {fmt_number(written)} 与其中各项合计 {fmt_number(total)}"
                                               f"（{listing}）相差 {fmt_number(gap)}，在各项四舍五入的范围内"))]
    return written, [PlacedNote(path, Note("error", "budget-parts-mismatch",
                                           f"{name} {fmt_number(written)} 与其中各项合计 {fmt_number(total)}"
                                           f"（{listing}）不一致，相差 {fmt_number(gap)}；按总额 "
                                           f"{fmt_number(written)} 计分"))]
