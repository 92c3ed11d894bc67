"""When the ruleset found for a table knows none of its parts: which rulesets were tried.

The scorer's ``unknown-table-parts`` finding names the table's parts and the
ruleset's.  When the ruleset was found by look-up (not given), this adds how it
was found (the areas walked) and which other rulesets of the same kind do draw
every row of the table, so the message says what to pass to ``--ruleset``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from .errors import PerfrulesError
from .forms import Form
from .registry import Registry
from .result import Result

#: Findings that say a ruleset did not draw some of a table's rows.
UNDRAWN = ("unknown-table-parts", "unmatched-row", "missing-rows")


class Evaluator(Protocol):
    def evaluate(self, form: Form) -> Result: ...


def add_rulesets_tried(result: Result, form: Form, registry: Registry, load: Callable[[str], Evaluator]) -> None:
    """Complete an ``unknown-table-parts`` finding with the look-up and the rulesets that fit."""
    finding = next((f for f in result.findings if f.code == "unknown-table-parts"), None)
    if finding is None:
        return
    areas = ["/".join(form.jurisdiction[:d]) or "全国" for d in range(len(form.jurisdiction), -1, -1)]
    others = [e for e in registry.entries() if e.kind == form.kind and e.id != result.ruleset_id]
    fits = []
    for entry in others:
        try:
            tried = load(entry.path).evaluate(form)
        except PerfrulesError:  # a ruleset that cannot be loaded or a form it cannot read: not a fit
            continue
        if not any(f.code in UNDRAWN for f in tried.findings):
            fits.append(entry.id)
    found = f"按地区 {' → '.join(areas)} 查找 {form.year} 年的 {form.kind} 规则，用了 {result.ruleset_id}"
    if fits:
        verdict = f"能识别表中全部指标行的规则: {'、'.join(fits)}（用 --ruleset 指定）"
    else:
        names = "、".join(e.id for e in others) or "无"
        verdict = f"其余 {len(others)} 个 {form.kind} 规则（{names}）也都不能识别全部指标行"
    finding.message += f"。{found}；{verdict}"
