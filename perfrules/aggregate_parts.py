"""Aggregation of funds, the budget's parts: the 其中 rows (``budget.sources``) and ``budget.breakdowns``.

:mod:`perfrules.aggregate` sums the funds' totals; this sums their parts the same way — per
part and column, a part present in only some funds summed over those that have it (an
``info`` finding names which fund lacks which part).  A column one fund leaves blank stays
blank in the sum, as the totals do.  A breakdown (matched by its label) or the 其中 rows that
only some funds state cannot describe the combined money: they are left out of the combined
form with a ``warning`` that names the funds without them — never summed into a false
disagreement, never dropped without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .breakdowns import Breakdown
from .budget_sources import COLUMN_NAMES, PART_NAMES, BudgetSources, SourceAmounts
from .result import Finding
from .values import ZERO


@dataclass(frozen=True)
class FundParts:
    """What one fund's form says of its budget's parts."""

    source: str  # the fund's form, as findings name it
    sources: BudgetSources | None
    breakdowns: tuple[Breakdown, ...]


def combine_parts(funds: list[FundParts]) -> tuple[dict[str, Any], list[Finding]]:
    """The combined ``sources`` / ``breakdowns`` (keys of the combined budget), and what was said."""
    out: dict[str, Any] = {}
    notes: list[Finding] = []
    stated = [f for f in funds if f.sources is not None]
    if stated and len(stated) < len(funds):
        notes.append(_partial("其中各项（当年财政拨款、上年结转资金、其他资金）", "$.budget.sources", funds, stated))
    elif stated:
        rows: list[tuple[str, dict[str, SourceAmounts]]] = []
        for f in stated:
            assert f.sources is not None
            rows.append((f.source, {PART_NAMES[k]: v for k in PART_NAMES
                                    if (v := getattr(f.sources, k)) is not None}))
        summed = _sum_parts("其中各项", "$.budget.sources", rows, notes)
        keys = {name: key for key, name in PART_NAMES.items()}
        out["sources"] = {keys[name]: amounts for name, amounts in summed.items()}
    keyed = [(f, _keyed(f.breakdowns)) for f in funds]
    combined: list[dict[str, Any]] = []
    for key in dict.fromkeys(k for _, bs in keyed for k in bs):
        having = [(f, bs[key]) for f, bs in keyed if key in bs]
        first = having[0][1]
        if len(having) < len(funds):
            notes.append(_partial(f"“{first.label}”", first.path, funds, [f for f, _ in having]))
            continue
        path = f"$.budget.breakdowns[{len(combined)}]"
        parts = _sum_parts(f"“{first.label}”", path, [(f.source, dict(b.parts)) for f, b in having], notes)
        combined.append({"label": first.label, "parts": parts})
    if combined:
        out["breakdowns"] = combined
    return out, notes


def _keyed(breakdowns: tuple[Breakdown, ...]) -> dict[str, Breakdown]:
    """A fund's breakdowns by their key across funds: the label, and which one so labelled it is."""
    out: dict[str, Breakdown] = {}
    seen: dict[str, int] = {}
    for b in breakdowns:
        k = seen[b.label] = seen.get(b.label, -1) + 1
        out[f"{b.label}#{k}"] = b
    return out


def _sum_parts(what: str, path: str, rows: list[tuple[str, dict[str, SourceAmounts]]],
               notes: list[Finding]) -> dict[str, dict[str, Decimal | None]]:
    """Each part summed per column over the funds that state it; a blank column stays blank."""
    names = list(dict.fromkeys(n for _, parts in rows for n in parts))
    out: dict[str, dict[str, Decimal | None]] = {}
    for name in names:
        amounts = [parts[name] for _, parts in rows if name in parts]
        column_sums: dict[str, Decimal | None] = {}
        for column in COLUMN_NAMES:
            values = [getattr(a, column) for a in amounts]
            if all(v is None for v in values):
                continue
            column_sums[column] = None if any(v is None for v in values) else sum(values, ZERO)
        out[name] = column_sums
    missing = [(src, [n for n in names if n not in parts]) for src, parts in rows]
    if any(gone for _, gone in missing):
        said = "；".join(f"{src} 没有 {'、'.join(gone)}" for src, gone in missing if gone)
        notes.append(Finding("info", "aggregate-parts-differ", path,
                             f"{what}: 各表列出的项目不同（{said}）；每一项按列出它的各表合计"))
    return out


def _partial(what: str, path: str, funds: list[FundParts], having: list[FundParts]) -> Finding:
    without = "、".join(f.source for f in funds if all(f is not h for h in having))
    return Finding("warning", "aggregate-parts-partial", path,
                   f"{what}只在 {'、'.join(f.source for f in having)} 中列出，{without} 没有；"
                   "无法汇总成全部资金的分项，汇总表中不列这一项，请在各表中补齐后再汇总")
