"""Second breakdowns of the same money (``budget.breakdowns``): each must add up to the total.

Real tables state the spending more than once: the 其中 rows (当年财政拨款 / 上年结转 / 其他,
:mod:`perfrules.budget_sources`), a second split by level of government (中央 / 省级 / 市县级
资金), or the same three figures again in a 基础数据表.  A form lists each further statement
under ``budget.breakdowns`` (a statement of the totals alone is a breakdown with one part).

For each column (年初预算数, 全年预算数, 全年执行数) each breakdown's filled parts must add up
to the written total; with no total written (blank or 0), the statements are compared with
each other — the 其中 rows first, then the breakdowns in order.  A difference is an error
naming both numbers and both places; within 0.01 万元 per part it is a rounding note.
Nothing here changes the amounts the form is scored with.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .budget_sources import COLUMN_NAMES, ROUNDING_PER_PART, BudgetSources, SourceAmounts
from .cells import Note, PlacedNote
from .values import ZERO, fmt_number


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One further statement of the spending: its label as the table prints it, and its parts."""

    label: str
    parts: tuple[tuple[str, SourceAmounts], ...]
    path: str  # ``$.budget.breakdowns[0]``


@dataclass(frozen=True, slots=True)
class _Statement:
    """The amounts one statement gives a column: who says it, where, the sum and its listing."""

    who: str
    path: str
    total: Decimal
    listing: str
    count: int


def read_breakdowns(raw: list[dict[str, Any]]) -> tuple[Breakdown, ...]:
    """``budget.breakdowns`` of a schema-valid form."""
    out = []
    for i, entry in enumerate(raw):
        path = f"$.budget.breakdowns[{i}]"
        parts = tuple((str(name), SourceAmounts(*(_amount((amounts or {}).get(c)) for c in COLUMN_NAMES)))
                      for name, amounts in entry["parts"].items())
        out.append(Breakdown(str(entry.get("label") or f"第 {i + 1} 种分法"), parts, path))
    return tuple(out)


def _amount(x: Any) -> Decimal | None:
    return None if x is None else Decimal(x)  # floats were read by their digits (perfrules.numbers)


def _statement(who: str, path: str, filled: list[tuple[str, Decimal]]) -> _Statement | None:
    if not filled:
        return None
    total = sum((v for _, v in filled), ZERO)
    return _Statement(who, path, total, " + ".join(f"{n} {fmt_number(v)}" for n, v in filled), len(filled))


def _filled(parts: tuple[tuple[str, SourceAmounts], ...], column: str) -> list[tuple[str, Decimal]]:
    return [(name, v) for name, amounts in parts if (v := getattr(amounts, column)) is not None]


def compare_breakdowns(written: dict[str, Decimal | None], sources: BudgetSources | None,
                       breakdowns: tuple[Breakdown, ...]) -> list[PlacedNote]:
    """Each breakdown against the written totals (`written`, by column), or against each other."""
    out: list[PlacedNote] = []
    for column, name in COLUMN_NAMES.items():
        own = [s for b in breakdowns
               if (s := _statement(f"“{b.label}”", f"{b.path}.parts", _filled(b.parts, column)))]
        if not own:
            continue
        total = written.get(column)
        if total:  # written and not 0: the 其中 rows were checked against it already
            agree = [s.who for s in own if s.total == total]
            ref = _Statement("年度资金总额", f"$.budget.{column}", total, "", 0)
            out.extend(_differ(name, "budget-breakdown-mismatch", ref, s, agree) for s in own if s.total != total)
            continue
        others = sources.filled(column) if sources is not None else []
        first = _statement("其中各项", "$.budget.sources", others)
        statements = ([first] if first else []) + own
        out.extend(_differ(name, "budget-breakdowns-disagree", statements[0], s, [])
                   for s in statements[1:] if s.total != statements[0].total)
    return out


def _differ(column: str, code: str, ref: _Statement, s: _Statement, agree: list[str]) -> PlacedNote:
    """A disagreement between breakdown `s` and `ref` (the written total, or another breakdown)."""
    gap = abs(s.total - ref.total)
    said = f"{ref.who}合计 {fmt_number(ref.total)}（{ref.listing}；{ref.path}）" if ref.listing \
        else f"{ref.who} {fmt_number(ref.total)}（{ref.path}）"
    both = f"{said}与{s.who}各项合计 {fmt_number(s.total)}（{s.listing}；{s.path}）"
    if gap <= ROUNDING_PER_PART * (s.count + ref.count):
        return PlacedNote(s.path, Note("info", "budget-parts-rounding",
                                       f"{column}：{both}相差 {fmt_number(gap)}，在各项四舍五入的范围内"))
    same = f"；{'、'.join(agree)}与总额一致" if agree else ""
    return PlacedNote(s.path, Note("error", code, f"{column}：{both}不一致，相差 {fmt_number(gap)}{same}；"
                                                  "同一笔资金的几种分法应合计相同，请核对原表"))
