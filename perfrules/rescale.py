"""不适用 (not applicable) rows and the rescaling the ruleset states for them.

A row marked 不适用 drops out of scoring.  ``inapplicable: rescale section``
scales what the section's applicable rows earned up to the section's weight
(得分 × 分值 ÷ 适用分值); a section left with no applicable row drops out of
its parent in turn, up to the total.  ``inapplicable: rescale total`` keeps
every section as scored and scales the total to ``full``
(总分 × 满分 ÷ 适用分值合计) — 按百分制折算.

Why no score can rise above its weight: every applicable part scores at most
its own weight, so the parts earn at most the applicable weight A; scaling by
W ÷ A then gives at most W.  The runtime clamp stays as the defence in depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .result import ItemResult
from .trace import Said
from .values import ZERO, fmt_number, fmt_score, round_to


@dataclass(frozen=True)
class Rescaling:
    """A score scaled for 不适用 parts: `raw` earned on `applicable` of `weight` points."""

    raw: Decimal
    applicable: Decimal
    weight: Decimal

    def explain(self, score: Decimal, places: int) -> str:
        dropped = self.weight - self.applicable
        return (f"不适用 {fmt_number(dropped)} 分，适用部分得 {fmt_number(self.raw)} / {fmt_number(self.applicable)}，"
                f"折算为 {fmt_number(self.raw)} × {fmt_number(self.weight)} ÷ {fmt_number(self.applicable)} = "
                f"{fmt_score(score, places)}")

    def to_dict(self) -> dict[str, str]:
        return {"from": fmt_number(self.raw), "applicable_weight": fmt_number(self.applicable),
                "weight": fmt_number(self.weight)}


def scale(raw: Decimal, applicable: Decimal, weight: Decimal, places: int, mode: str) -> Decimal:
    """`raw` earned on `applicable` points, scaled to `weight` and rounded; never above `weight`."""
    if applicable <= 0:
        return ZERO
    return min(round_to(raw * weight / applicable, places, mode), weight)


def dropped_weight(dropped: dict[str, Decimal], node_id: str, parts: list[str]) -> Decimal:
    """How much of a section's weight is 不适用: its own rows', plus what its parts passed up."""
    return dropped.get(node_id, ZERO) + sum((dropped.get(p, ZERO) for p in parts), ZERO)


def section_rescale(mode: str | None, dropped: dict[str, Decimal], node: Any, parts: list[str], total: Decimal,
                    places: int, rounding: str) -> tuple[Decimal, Rescaling | None]:
    """The section's score after its 不适用 parts; records what passes up to the parent in `dropped`."""
    gone = dropped_weight(dropped, node.id, parts)
    if gone <= 0 or mode is None:
        dropped.pop(node.id, None)
        return total, None
    if mode == "total" or gone >= node.weight:
        dropped[node.id] = min(gone, node.weight)  # the whole section (or, for `total`, its share) passes up
        return total, None
    dropped[node.id] = ZERO
    applicable = node.weight - gone
    return scale(total, applicable, node.weight, places, rounding), Rescaling(total, applicable, node.weight)


def total_rescale(model: Any, coll: Any, total: Decimal) -> tuple[Decimal, Rescaling | None]:
    """The total after the 不适用 weight its top-level parts passed up: scaled to `full`."""
    gone = sum((coll.dropped.get(n.id, ZERO) for n in model.root), ZERO)
    if gone >= model.full:
        coll.add("error", "all-inapplicable", "$.indicators", "所有部分都不适用，无法计分")
        return total, None
    if gone <= 0:
        return total, None
    applicable = model.full - gone
    return scale(total, applicable, model.full, model.places, model.rounding_mode), \
        Rescaling(total, applicable, model.full)


def inapplicable_row(model: Any, coll: Any, node: Any, row: Any, position: int) -> ItemResult:
    """A 不适用 row: not scored; its weight goes to the rescaling the ruleset states."""
    assert model.policy is not None
    coll.dropped[node.id] = coll.dropped.get(node.id, ZERO) + row.weight
    coll.reach("inapplicable", str(model.policy.inapplicable))
    if model.policy.inapplicable is None:
        coll.add("error", "inapplicable-not-allowed", row.path,
                 f"{row.name}: 标为不适用，但规则没有规定不适用指标如何折算（inapplicable: rescale …），按 0 分计")
        how = "规则未规定折算，记 {score} 分"
    else:
        how = "不适用，不计分；分值按" + ("所在部分" if model.policy.inapplicable == "section" else "总分") + "折算"
    if row.declared is not None:
        coll.add("warning", "inapplicable-declared", row.path + ".declared_score",
                 f"{row.name}: 标为不适用，但填了得分 {fmt_number(row.declared)}，未采用")
    item = ItemResult(f"{node.id}.{position}", row.name, node.id, row.weight, ZERO, ZERO, row.declared, row.path,
                      "row", Said(how), None, node.span.line, model.places, applicable=False)
    coll.items.append(item)
    return item
