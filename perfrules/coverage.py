"""Rubric coverage: which parts of a ruleset a set of forms exercised.

Not source lines but rubric cells: every item scored, every ``rows`` section
that drew a row, each scoring direction, each qualitative tier, each judged
band, each deduction that reached its cap, and each check evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from .model import Model

KINDS = {"item": "计分项", "rows": "指标行部分", "direction": "计分方向", "tier": "定性等次", "judge": "评价分档",
         "cap": "扣分上限", "check": "检查", "weights": "表上分值", "inapplicable": "不适用折算"}


def cells(model: Model) -> list[str]:
    """Every rubric cell of `model`, in rubric order."""
    out: list[str] = []
    for n in model.nodes():
        if n.is_rows:
            out.append("rows:" + n.id)
        elif n.is_leaf:
            out.append("item:" + n.id)
            for k, _ in enumerate(n.deducts):
                out.append(f"cap:{n.id}:{k + 1}")
            if n.judge is not None:
                out.extend(f"judge:{n.id}:{label}" for label in n.judge.cases)
    if model.policy is not None and any(n.is_rows for n in model.nodes()):
        out.extend("direction:" + d for d in model.policy.formulas)
        out.extend("tier:" + b.label for b in model.policy.bands)
        if model.policy.inapplicable:
            out.append("inapplicable:" + model.policy.inapplicable)
    out.extend("check:" + c.name for c in model.checks)
    if any(n.adjust for n in model.root):  # form-supplied weights: used once, refused once
        out.extend(("weights:form", "weights:refused"))
    return out


@dataclass
class Coverage:
    """Cells of one ruleset and the ones reached."""

    model: Model
    reached: set[str] = field(default_factory=set)

    def add(self, cells_reached: Iterable[str]) -> None:
        self.reached.update(cells_reached)

    @property
    def all(self) -> list[str]:
        return cells(self.model)

    @property
    def missed(self) -> list[str]:
        return [c for c in self.all if c not in self.reached]

    @property
    def percent(self) -> Decimal:
        total = self.all
        if not total:
            return Decimal(100)
        hit = sum(1 for c in total if c in self.reached)
        return (Decimal(hit) * 100 / len(total)).quantize(Decimal("0.01"))

    def report(self) -> str:
        lines = [f"{self.model.id}: 规则覆盖率 {self.percent}%（{len(self.all) - len(self.missed)}/{len(self.all)}）"]
        by_kind: dict[str, list[str]] = {}
        for c in self.all:
            by_kind.setdefault(c.split(":", 1)[0], []).append(c)
        for kind, group in by_kind.items():
            hit = [c for c in group if c in self.reached]
            lines.append(f"  {KINDS.get(kind, kind)}: {len(hit)}/{len(group)}")
            for c in group:
                if c not in self.reached:
                    lines.append(f"    未覆盖 {c.split(':', 1)[1]}")
        return "\n".join(lines)
