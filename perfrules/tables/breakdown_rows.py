"""Second breakdowns of the money in a table's budget block → ``budget.breakdowns`` with places.

Two shapes real tables use (docs/forms.md, “Other breakdowns of the same money”):

* **级次 rows** under 年度资金总额 — ``其中：中央资金 / 省级资金 / 市县级资金`` (also ``中央财政``,
  ``省财政``, ``县市区财政`` …) with amounts in the 年初预算数 / 全年预算数 / 全年执行数 columns:
  one breakdown ``按资金级次``, each amount with its cell.
* **Amounts written inside cells** (部门整体表, seed 004): ``按收入性质分：`` over
  ``其中：一般公共预算：2277.28`` …, ``按支出性质分：`` over ``其中：基本支出：1304.81`` ….  A
  part belongs to the heading nearest on its left.  The table does not say which column such an
  amount states: 按收入性质 is taken as 全年预算数 and 按支出性质 as 全年执行数 (as the 岳阳楼区
  ruleset reads them), unless the parts add up to another column's written total instead; with
  no total written, every such breakdown is taken as 全年预算数 so they are compared with each
  other.  When the parts match no written total, an info finding says which column was assumed
  (the error itself comes from :mod:`perfrules.breakdowns`).

The reader keeps writing the in-cell amounts to ``facts`` too (the 岳阳楼区 department ruleset
declares and checks them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..budget_sources import COLUMN_NAMES, ROUNDING_PER_PART
from ..result import Finding
from .grid import Cell

#: ``中央资金``, ``省级资金``, ``市县级资金``, ``省财政``, ``县市区财政``, ``中央补助资金`` …
_LEVEL = re.compile(r"^(中央|省级?|市级?|县级?|区级?|市县级?|县市区|县区)(财政)?(补助|配套|专项)?(资金|拨款)?$")
_LEVEL_LABEL = "按资金级次"


def level_part(name: str) -> bool:
    """Whether a 其中 row's label (``其中：`` taken off) names a level of government's money."""
    m = _LEVEL.match(name)
    return m is not None and any(m.group(k) for k in (2, 3, 4))


@dataclass
class _Part:
    name: str
    label: Cell
    amounts: dict[str, tuple[Decimal | None, Cell]] = field(default_factory=dict)  # column → value, cell


@dataclass
class _Breakdown:
    label: str
    head: Cell | None
    parts: list[_Part] = field(default_factory=list)
    column: str | None = None  # the one column an in-cell breakdown states (None: rows with columns)


@dataclass
class BreakdownRows:
    """What the budget block's rows say a second time; :meth:`emit` writes it into the form."""

    levels: list[_Part] = field(default_factory=list)
    heads: list[tuple[int, Cell, str]] = field(default_factory=list)  # column, cell, label
    inline: list[tuple[int, str, Decimal | None, Cell]] = field(default_factory=list)  # column, name, value, cell

    def level_row(self, name: str, label: Cell, amounts: dict[str, tuple[Decimal, Cell]]) -> None:
        """One 级次 row: its name and the amounts it fills (column → value and cell)."""
        self.levels.append(_Part(name, label, dict(amounts)))

    def in_cell(self, column: int, name: str, value: Decimal | None, cell: Cell) -> None:
        """``按收入性质分：`` (a heading: no value, name starting 按) or ``一般公共预算：2277.28`` (a part)."""
        if value is None and name.startswith("按"):
            self.heads.append((column, cell, name))
        else:
            self.inline.append((column, name, value, cell))

    def emit(self, budget: dict[str, Any], places: dict[str, str], notices: list[Finding]) -> None:
        """Add ``budget.breakdowns`` (and the place of every value) for what was collected."""
        found = self._in_cells(budget)
        if self.levels:
            found.append(_Breakdown(_LEVEL_LABEL, None, self.levels))
        kept: list[_Breakdown] = []
        for b in found:
            trouble = _beyond_limits(b, len(kept))
            if trouble is None:
                kept.append(b)
                continue
            cells = "、".join(p.label.place for p in b.parts[:5]) + ("…" if len(b.parts) > 5 else "")
            notices.append(Finding("warning", "breakdown-not-read", "$.budget",
                                   f"{cells}: {trouble}，这一分法未作核对（金额仍按原样读取）", place=b.parts[0].label.place))
        if not kept:
            return
        out = budget.setdefault("breakdowns", [])
        for b in kept:
            i = len(out)
            path = f"$.budget.breakdowns[{i}]"
            parts: dict[str, Any] = {}
            for part in b.parts:
                name = _unique(part.name, parts)
                key = _key(f"{path}.parts", name)
                amounts = {c: v for c, (v, _) in part.amounts.items()}
                parts[name] = amounts
                places[key] = part.label.place
                for column, (_, cell) in part.amounts.items():
                    places[f"{key}.{column}"] = cell.place
            out.append({"label": b.label, "parts": parts} if b.label else {"parts": parts})
            places[path] = (b.head or b.parts[0].label).place
            filled = [p for p in b.parts if any(v is not None for v, _ in p.amounts.values())] or b.parts
            places[f"{path}.parts"] = "、".join(dict.fromkeys(p.label.place for p in filled))  # the cells of the sum
            if b.column is not None:
                note = _assumed(b, budget, path)
                if note is not None:
                    notices.append(note)

    def _in_cells(self, budget: dict[str, Any]) -> list[_Breakdown]:
        """The in-cell parts grouped under their headings, each given the column it states."""
        heads = sorted(self.heads, key=lambda h: h[0])
        groups: dict[int, _Breakdown] = {}
        for col, name, value, cell in self.inline:
            owner = max((h for h in heads if h[0] <= col), key=lambda h: h[0], default=None)
            at = owner[0] if owner else col
            group = groups.setdefault(at, _Breakdown(owner[2] if owner else "", owner[1] if owner else None))
            group.parts.append(_Part(name, cell, {"": (value, cell)}))
        written = {c: budget.get(c) for c in COLUMN_NAMES}
        any_total = any(written.values())
        out = []
        for at in sorted(groups):
            b = groups[at]
            column = _column(b, written) if any_total else "adjusted"
            for part in b.parts:
                part.amounts = {column: part.amounts[""]}
            b.column = column
            out.append(b)
        return out


#: What ``budget.breakdowns`` holds at most (schemas/form.schema.json).
MAX_BREAKDOWNS, MAX_PARTS, MAX_NAME, MAX_AMOUNT = 10, 20, 100, Decimal(10) ** 12


def _beyond_limits(b: _Breakdown, before: int) -> str | None:
    """Why `b` cannot be a form's breakdown (the schema's bounds), or None."""
    what = f"“{b.label}”" if b.label else "单元格内的各项金额"
    if before >= MAX_BREAKDOWNS:
        return f"{what}: 同一笔资金的分法超过 {MAX_BREAKDOWNS} 种"
    if len(b.parts) > MAX_PARTS:
        return f"{what}有 {len(b.parts)} 项，超过 {MAX_PARTS} 项"
    long = next((p.name for p in b.parts if len(p.name) > MAX_NAME), None)
    if long is not None or len(b.label) > MAX_NAME:
        return f"{what}的项目名称超过 {MAX_NAME} 个字"
    odd = next(((p.name, v) for p in b.parts for v, _ in p.amounts.values()
                if v is not None and not 0 <= v <= MAX_AMOUNT), None)
    if odd is not None:
        return f"{what}中 {odd[0]} 的金额 {odd[1]} 不在 0 到 10¹² 万元之间"
    return None


def _default_column(label: str) -> str:
    return "executed" if "支出" in label else "adjusted"


def _sum(b: _Breakdown) -> tuple[Decimal, int]:
    values = [v for p in b.parts for v, _ in p.amounts.values() if v is not None]
    return sum(values, Decimal(0)), len(values)


def _column(b: _Breakdown, written: dict[str, Any]) -> str:
    """The column whose written total the parts add up to (within rounding); else the default."""
    default = _default_column(b.label)
    total, count = _sum(b)
    for column in (default, *(c for c in ("adjusted", "executed", "initial") if c != default)):
        value = written.get(column)
        if value and abs(Decimal(value) - total) <= ROUNDING_PER_PART * count:
            return column
    return default


def _assumed(b: _Breakdown, budget: dict[str, Any], path: str) -> Finding | None:
    """An info finding when an in-cell breakdown matches no written total: which column was assumed."""
    assert b.column is not None
    total, count = _sum(b)
    value = budget.get(b.column)
    if not value or not count or abs(Decimal(value) - total) <= ROUNDING_PER_PART * count:
        return None
    others = "、".join(COLUMN_NAMES[c] for c in COLUMN_NAMES if c != b.column and budget.get(c))
    also = f"（与{others}也不一致）" if others else ""
    what = f"“{b.label}”" if b.label else "单元格内写的各项金额"
    return Finding("info", "breakdown-column-assumed", f"{path}.parts",
                   f"{what}写在单元格内，表上没有注明是哪一列的金额；按{COLUMN_NAMES[b.column]}核对{also}")


def _unique(name: str, taken: dict[str, Any]) -> str:
    if name not in taken:
        return name
    k = 2
    while f"{name}（{k}）" in taken:
        k += 1
    return f"{name}（{k}）"


def _key(parent: str, name: str) -> str:
    """A form path for a part's name, as the form reader writes it (``.一般公共预算`` or ``["…"]``)."""
    if re.match(r"^[\w\u4e00-\u9fff]+$", name):
        return f"{parent}.{name}"
    return f"{parent}[{json.dumps(name, ensure_ascii=False)}]"
