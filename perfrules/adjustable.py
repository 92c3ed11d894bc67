"""The static side of ``adjustable``: where a ruleset lets a form set a section's weight, and within what.

``section 产出 "产出指标" weight 50 adjustable 0 .. 90 { rows where … }`` says: the weight is
50 in principle, but a form may give its own (the sum of its rows' weights, or a label such
as ``产出指标(60分)``) between 0 and 90.  The checker accepts this only where the bound proof
still holds for every weight the form may give:

* only a top-level section that draws indicator rows may be adjustable (each row is scored
  as its own weight × a share the checker proves lies in [0, 1], so a section never exceeds
  the weight the form gives it);
* ``0 ≤ lo ≤ weight ≤ hi ≤ full``;
* the nominal weights add up to ``full`` (checked with the other weights), so some choice of
  form weights does; the run time uses form weights only when they add up to ``full``, so the
  total never exceeds ``full`` (see :mod:`perfrules.formweights`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import nodes
from .values import fmt_number


@dataclass(frozen=True)
class Problem:
    """One reason an ``adjustable`` declaration is refused."""

    span: nodes.Span
    message: str
    hint: str


def node_problems(node: nodes.Node, full: Decimal, top: bool = True) -> list[Problem]:
    """Problems of the ``adjustable`` bounds on `node` and below it."""
    out: list[Problem] = []
    a = node.adjust
    name = node.title or node.id
    if a is not None:
        if not top or node.rows is None:
            out.append(Problem(a.span, f"{name}: adjustable 只能用于直接选取指标行（rows）的顶层 section",
                               "把 adjustable 写在 section … { rows where … } 上"))
        if a.lo < 0 or a.hi > full:
            out.append(Problem(a.span, f"{name}: adjustable {a.text} 超出 [0, {fmt_number(full)}]",
                               f"上下限应在 0 到满分 {fmt_number(full)} 之间"))
        if not a.lo <= node.weight <= a.hi:
            out.append(Problem(a.span, f"{name}: 分值 {node.weight_text} 不在 adjustable {a.text} 之内",
                               "原则上的分值本身应是允许的分值之一"))
    for child in node.children:
        out.extend(node_problems(child, full, top=False))
    return out

