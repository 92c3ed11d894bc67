"""A ``rows`` section scored: the plain rows on a short path, every other row by the general rule.

Most rows of a real table are plain: two numbers in the same unit, a positive target, a known
direction, a weight representable at the ruleset's places, nothing misread.  For those, the
steps of :func:`perfrules.scoring.score_row` that can only report something are skipped after
one test each, and the loop keeps what every row reads (the policy, the rounding, the set of
good weights) in local names.  Any row that is not plain — and any plain row whose formula
raises or whose score would need the clamp — is scored by :func:`~perfrules.scoring.score_row`
itself, so both paths give the same item, findings and trace (``tests/test_row_section.py``
holds them equal over generated rows).
"""

from __future__ import annotations

from decimal import Decimal

from .coverage import Cell
from .forms import Row
from .model import Model, NodeSpec
from .operations import NON_FINITE, multiply, round_to
from .plausibility import quick_plausible
from .result import ItemResult
from .rows import RowSource, plan_row
from .scoring import (
    Collector,
    Evaluator,
    declared_mismatch,
    good_weights,
    score_row,
    section_total,
    weights_audit,
)
from .trace import RowFormula
from .values import EvalError, Value

_IDS: dict[str, list[str]] = {}  # "<section>.<n>" item ids, built once per section id


def _item_ids(section: str, n: int) -> list[str]:
    ids = _IDS.get(section)
    if ids is None or len(ids) < n:
        ids = [f"{section}.{i + 1}" for i in range(max(n, 16))]
        if len(_IDS) < 4096:  # section ids come from rulesets: bounded
            _IDS[section] = ids
    return ids


def score_rows(model: Model, coll: Collector, node: NodeSpec, parent: str | None, rows: list[Row],
               env: dict[str, Value], evaluator: Evaluator) -> Decimal:
    """Score the rows a section drew (audit their weights first); the section's total."""
    weights_audit(coll, node, rows)
    policy = model.policy
    assert policy is not None
    places, mode, tolerance = model.places, model.rounding_mode, model.tolerance
    good_weights_here = good_weights(places)
    formulas = policy.formulas
    formula = evaluator.formula
    plain_possible = not policy.classes and not policy.reads_row_fields
    reached = coll.reached
    ids = _item_ids(node.id, len(rows))
    items = coll.items
    line = node.span.line
    section = node.id
    scores: list[Decimal] = []
    for i, row in enumerate(rows):
        weight = row.weight
        item = plan = None
        if plain_possible and row.applicable and weight in good_weights_here:
            plan = plan_row(policy, row)
            if plan.kind == "quant" and not plan.notes and quick_plausible(row):
                direction = plan.direction
                local = {"actual": plan.actual, "target": plan.target, "__row__": row}
                try:
                    raw = multiply(weight, formula(direction, env, local, weight))  # type: ignore[arg-type]
                    score = round_to(raw, places, mode)
                except EvalError:
                    score = None  # the general rule reports it
                except NON_FINITE:
                    score = None  # the general rule turns it into the located engine error
                if score is not None and 0 <= score <= weight:
                    if reached is not None:
                        reached.add(Cell("direction", direction, ""))
                    path = row.path
                    declared = row.declared
                    if declared is not None and abs(declared - score) > tolerance:
                        declared_mismatch(coll, path + ".declared_score", row.name, declared, score)
                    item = ItemResult(ids[i], row.name, section, weight, score, raw, declared, path, "row",
                                      RowFormula(weight, formulas[direction], env, local), RowSource(row, plan),
                                      line, places)
                    items.append(item)
        if item is None:
            item = score_row(model, coll, node, row, i + 1, env, evaluator, plan)
        scores.append(item.score)
    return section_total(model, coll, node, parent, scores, ids[:len(rows)])
