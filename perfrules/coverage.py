"""Rubric coverage: which parts of a ruleset a set of forms exercised.

Not source lines but rubric cells: every item scored, every ``rows`` section
that drew a row, each scoring direction, each qualitative tier, each judged
band, each deduction that reached its cap, and each check evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Model

KINDS = {"item": "计分项", "rows": "指标行部分", "direction": "计分方向", "tier": "定性等次", "judge": "评价分档",
         "cap": "扣分上限", "check": "检查", "weights": "表上分值", "inapplicable": "不适用折算"}


@dataclass(frozen=True, slots=True)
class Cell:
    """One rubric cell: its kind (a key of :data:`KINDS`), what it belongs to, and which part."""

    kind: str
    key: str  # a node id, a direction, a tier, a check's name, or "form"/"refused" for weights
    part: str = ""  # a deduction's number or a judged band's label

    @property
    def label(self) -> str:
        """How a report names the cell within its kind."""
        return f"{self.key}:{self.part}" if self.part else self.key


def cells(model: Model) -> list[Cell]:
    """Every rubric cell of `model`, in rubric order."""
    out: list[Cell] = []
    for n in model.nodes():
        if n.is_rows:
            out.append(Cell("rows", n.id))
        elif n.is_leaf:
            out.append(Cell("item", n.id))
            for k, _ in enumerate(n.deducts):
                out.append(Cell("cap", n.id, str(k + 1)))
            if n.judge is not None:
                out.extend(Cell("judge", n.id, label) for label in n.judge.cases)
    if model.policy is not None and any(n.is_rows for n in model.nodes()):
        out.extend(Cell("direction", d) for d in model.policy.formulas)
        out.extend(Cell("tier", b.label) for b in model.policy.bands)
        if model.policy.inapplicable:
            out.append(Cell("inapplicable", model.policy.inapplicable))
    out.extend(Cell("check", c.name) for c in model.checks)
    if any(n.adjust for n in model.root):  # form-supplied weights: used once, refused once
        out.extend((Cell("weights", "form"), Cell("weights", "refused")))
    return out


@dataclass
class Coverage:
    """Cells of one ruleset and the ones reached."""

    model: Model
    reached: set[Cell] = field(default_factory=set)

    def add(self, cells_reached: Iterable[Cell]) -> None:
        self.reached.update(cells_reached)

    @property
    def all(self) -> list[Cell]:
        return cells(self.model)

    @property
    def missed(self) -> list[Cell]:
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
        by_kind: dict[str, list[Cell]] = {}
        for c in self.all:
            by_kind.setdefault(c.kind, []).append(c)
        for kind, group in by_kind.items():
            hit = [c for c in group if c in self.reached]
            lines.append(f"  {KINDS.get(kind, kind)}: {len(hit)}/{len(group)}")
            for c in group:
                if c not in self.reached:
                    lines.append(f"    未覆盖 {c.label}")
        return "\n".join(lines)
