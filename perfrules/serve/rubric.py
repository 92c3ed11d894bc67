"""A ruleset as JSON for people reading it: header, the rubric tree, and what the checker proved.

Every node carries its weight (分值), how it is scored in Chinese, and the range
its score was proved to stay in — the interval the checker found for a formula,
the span of a judge's tiers, or the sum of the children's ranges.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..api import Ruleset
from ..diff import rule_text
from ..model import Model, NodeSpec, Proof
from ..values import fmt_number


def _range(lo: Decimal, hi: Decimal) -> dict[str, str]:
    return {"lo": fmt_number(lo), "hi": fmt_number(hi)}


class _Proofs:
    """The model's proofs, found by the formula's place in the source."""

    def __init__(self, model: Model, show: Callable[[str], str]):
        self.at = {(p.file, p.line, p.column): p for p in model.proofs}
        self.path = model.path
        self.show = show

    def find(self, line: int, column: int) -> Proof | None:
        hits = [p for (f, ln, col), p in self.at.items() if ln == line and col == column]
        own = [p for p in hits if p.file == self.path]
        found = own or hits
        return found[0] if found else None


def _node(n: NodeSpec, proofs: _Proofs, policy_share: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": n.id, "name": n.name, "kind": "rows" if n.is_rows else n.kind,
                           "weight": fmt_number(n.weight), "rule": rule_text(n)}
    bound: dict[str, Any] | None = None
    if n.children:
        kids = [_node(c, proofs, policy_share) for c in n.children]
        out["children"] = kids
        if all(k.get("bound") for k in kids):
            lo = sum((Decimal(k["bound"]["lo"]) for k in kids), Decimal(0))
            hi = sum((Decimal(k["bound"]["hi"]) for k in kids), Decimal(0))
            bound = {**_range(lo, hi), "how": "下级之和"}
    elif n.is_rows:
        # each row scores weight × share, the share proved in [0, 1]: the rows' sum stays in [0, 分值]
        how = "每行 行权重 × 比例，比例已证明在 [0, 1]"
        top = n.weight
        if n.adjust is not None:  # the form may set this section's 分值 within the bounds
            out["adjustable"] = _range(*n.adjust)
            top = n.adjust[1]
            how = f"分值可由表单在 {fmt_number(n.adjust[0])}–{fmt_number(n.adjust[1])} 之间给出；{how}"
        bound = {**_range(Decimal(0), top), "how": how, "shares": policy_share or {}}
    elif n.judge is not None and n.judge.cases:
        lo = min(lo for lo, _ in n.judge.cases.values())
        hi = max(hi for _, hi in n.judge.cases.values())
        bound = {**_range(lo, hi), "how": "各档分数范围"}
    else:
        expr_span = n.score.span if n.score is not None else n.deducts[0].span if n.deducts else None
        proof = proofs.find(expr_span.line, expr_span.column) if expr_span else None
        if proof is not None:
            bound = {**_range(proof.lo, proof.hi), "how": "区间分析证明", "file": proofs.show(proof.file),
                     "line": proof.line, "column": proof.column}
    if bound is not None:
        out["bound"] = bound
    return out


def _as_is(path: str) -> str:
    return path


def tree_json(model: Model, show: Callable[[str], str] = _as_is) -> list[dict[str, Any]]:
    """The rubric tree, root sections first, each node with its weight, rule and proved range.

    `show` turns a ruleset file's path into the name a reader is shown (a service hides its folders).
    """
    proofs = _Proofs(model, show)
    shares: dict[str, str] | None = None
    if model.policy is not None:
        shares = {}
        for direction, expr in model.policy.formulas.items():
            p = proofs.find(expr.span.line, expr.span.column)
            if p is not None:
                shares[direction] = f"[{fmt_number(p.lo)}, {fmt_number(p.hi)}]"
    return [_node(n, proofs, shares) for n in model.root]


def proofs_json(model: Model, show: Callable[[str], str] = _as_is) -> list[dict[str, Any]]:
    """Every bound the checker proved: what, where (file, line, column), the range found and the one required."""
    return [{"subject": p.subject, "file": show(p.file), "line": p.line, "column": p.column,
             "proved": _range(p.lo, p.hi), "required": _range(p.allowed_lo, p.allowed_hi)} for p in model.proofs]


def header_json(rs: Ruleset) -> dict[str, Any]:
    """Identity and header of a ruleset: id, title, version, area, years, kind, 满分, grades, rounding."""
    m = rs.model
    return {"id": m.id, "title": m.title, "version": m.version, "jurisdiction": "/".join(m.jurisdiction) or "全国",
            "years": m.years_text(), "kind": m.kind, "full": fmt_number(m.full), "extends": m.extends,
            "rounding": {"mode": m.rounding_mode, "places": m.places},
            "grades": [{"label": label, "minimum": None if lo is None else fmt_number(lo)} for label, lo in m.grades],
            "sha256": m.sha256}


def describe(rs: Ruleset, show: Callable[[str], str] = _as_is) -> dict[str, Any]:
    """Header, tree and proofs of a checked ruleset."""
    return {**header_json(rs), "tree": tree_json(rs.model, show), "proofs": proofs_json(rs.model, show)}
