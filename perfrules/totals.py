"""Totals that contradict their parts, and tables whose parts a ruleset does not know.

* ``weights-total-mismatch`` — the 分值 of a table (the ruleset's fixed items
  plus every indicator row) add up to something other than the full score
  (110 under a 总分 of 100): an error naming both numbers, never a silent clamp.
* ``unknown-table-parts`` — no row of the table is drawn by any part of the
  ruleset: said once, naming the table's parts and the ruleset's, instead of
  one ``unmatched-row`` per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

from .cells import Note
from .values import ZERO, fmt_number


class Weighted(Protocol):
    @property
    def weight(self) -> Decimal: ...


class Scored(Weighted, Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...


class Said(Protocol):
    @property
    def code(self) -> str: ...


#: Findings that already account for the table's total: form-supplied weights (perfrules.formweights)
#: name it, a part with no rows explains a shortfall, and so does a table none of whose parts the
#: ruleset knows (``unknown-table-parts``, said in place of a ``missing-rows`` per part).
WEIGHTS_SAID = frozenset({"form-weights-total", "form-weights-out-of-range", "form-weights-fixed",
                          "form-weights-label", "missing-rows", "unknown-table-parts"})


def weights_total_note(full: Decimal, items: Sequence[Scored], rows: Sequence[Weighted],
                       said: Sequence[Sequence[Said]] = ()) -> Note | None:
    """An error when the fixed items' weights (kind "item") plus the rows' weights differ from `full`.

    None when a finding in `said` (lists of findings so far) already accounts for the total.
    """
    total = ZERO
    for scored in items:
        if scored.kind == "item":
            total += scored.weight
    row_total = ZERO
    for r in rows:
        row_total += r.weight
    if total + row_total == full or any(f.code in WEIGHTS_SAID for found in said for f in found):
        return None
    total += row_total
    fixed = [(it.name, it.weight) for it in items if it.kind == "item"]
    parts = " + ".join([f"{name} {fmt_number(w)}" for name, w in fixed] + [f"指标行 {fmt_number(row_total)}"])
    return Note("error", "weights-total-mismatch",
                f"表中各项分值合计 {fmt_number(total)}（{parts}），与满分 {fmt_number(full)} 不符；"
                "请核对各指标的分值")


class Part(Protocol):
    @property
    def level1(self) -> str: ...
    @property
    def goal(self) -> int: ...


class Named(Protocol):
    @property
    def name(self) -> str: ...


def unknown_parts_message(rows: Sequence[Part], sections: Sequence[Named]) -> str:
    """One message for a table none of whose rows a ruleset draws (rows by 一级指标, else by goal)."""
    seen = list(dict.fromkeys(r.level1 or f"年度绩效目标{r.goal}" for r in rows))
    ruleset_parts = [s.name for s in sections]
    return (f"表中 {len(rows)} 个指标行都没有被规则的任何部分选取，未计分。表中的部分: {'、'.join(seen)}；"
            f"规则的部分: {'、'.join(ruleset_parts) or '无'}。这张表可能用的是另一种模板：请用 --ruleset 指定适用的规则")
