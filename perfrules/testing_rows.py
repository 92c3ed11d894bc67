"""What :func:`perfrules.testing.forms` draws beyond plain rows: class rows and form-supplied weights.

* **Class rows.**  A ruleset's ``when cond: formula`` classes select rows by their fields
  (``when name == "预算执行率"``, ``when level2 in ("数量指标", …)``).  A row drawn for a
  ``rows`` section sometimes takes the literal values one class asks for, when they do not
  contradict the section's own ``rows where``, so the class formula is exercised.
* **Form-supplied weights.**  For the ``adjustable`` sections, a form sometimes gives weights
  other than the ruleset's: moved between two sections so the parts still add up to ``full``
  (the form's weights are used), or some points short (refused, with an error finding; never
  over, where the section's clamp would act on the form's error and the guarantee checker,
  rightly, would call that a defect).

Both read only literal constraints (``==`` and ``in`` joined by ``and``; the left side of an
``or``); a condition with nothing literal to satisfy is left to chance.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from . import nodes
from .model import Model, NodeSpec

#: The row fields a ``when`` class or ``rows where`` may ask a literal value of (testing.forms fills them).
ROW_KEYS = ("goal", "level1", "level2", "name")


def literal_constraints(expr: nodes.Expr | None) -> dict[str, list[Any]]:
    """Literal values a row condition asks for (from its conjunction of == and in)."""
    out: dict[str, list[Any]] = {}
    if expr is None:
        return out
    if isinstance(expr, nodes.Logic) and expr.op == "and":
        for side in (expr.left, expr.right):
            for k, v in literal_constraints(side).items():
                out.setdefault(k, v)
        return out
    if isinstance(expr, nodes.Logic):  # or: take the left alternative
        return literal_constraints(expr.left)
    if isinstance(expr, nodes.Compare) and expr.op == "==" and isinstance(expr.left, nodes.Ref):
        lit = expr.right
        if isinstance(lit, (nodes.Num, nodes.Str)):
            out[expr.left.name] = [lit.value]
    if isinstance(expr, nodes.InSet) and isinstance(expr.operand, nodes.Ref):
        vals = [o.value for o in expr.options if isinstance(o, (nodes.Num, nodes.Str))]
        if vals:
            out[expr.operand.name] = vals
    return out


def class_choices(model: Model, section: dict[str, list[Any]]) -> list[dict[str, list[Any]]]:
    """The literal row fields of each ``when`` class a row of `section` can take without leaving it."""
    if model.policy is None:
        return []
    out = []
    for cls in model.policy.classes:
        wants = {k: v for k, v in literal_constraints(cls.cond).items() if k in ROW_KEYS}
        if not wants:
            continue
        merged = dict(section)
        fits = True
        for key, values in wants.items():
            allowed = [v for v in values if key not in section or v in section[key]]
            fits = fits and bool(allowed)
            merged[key] = allowed
        if fits:
            out.append(merged)
    return out


@st.composite
def section_weights(draw: st.DrawFn, model: Model) -> dict[str, Decimal]:
    """Weights a form gives the top-level ``rows`` sections: mostly the ruleset's; for ``adjustable``
    ones sometimes moved between two sections (still adding up to ``full``) or some points short."""
    nominal = {n.id: n.weight for n in model.root if n.is_rows}
    movable = [n for n in model.root if n.is_rows and n.adjust is not None]
    how = draw(st.sampled_from(["ruleset", "ruleset", "ruleset", "moved", "off"])) if movable else "ruleset"
    step = Decimal(1).scaleb(-model.places)
    if how == "moved" and len(movable) >= 2:
        give, take = draw(st.permutations(movable))[:2]
        room = min(give.weight - max(step, _bounds(give)[0]), _bounds(take)[1] - take.weight)  # in bounds, > 0
        if room >= step:
            points = draw(st.integers(min_value=1, max_value=int(room / step))) * step
            nominal[give.id] -= points
            nominal[take.id] += points
    elif how == "off":
        node = draw(st.sampled_from([n for n in movable if n.weight > step] or movable))
        short = draw(st.integers(min_value=1, max_value=10)) * step
        nominal[node.id] = max(step, node.weight - short)
    return nominal


def _bounds(node: NodeSpec) -> tuple[Decimal, Decimal]:
    assert node.adjust is not None
    return node.adjust
