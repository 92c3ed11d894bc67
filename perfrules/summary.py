"""The summary path: a form's total, grade and findings, its item records left until they are read.

The full path (:mod:`perfrules.run`) records for every item the trace ``explain`` words and the
source ``--coverage`` reads.  Most callers read only the total, the grade and the findings (a
batch's verdicts, a service's answer, an embedder's check).  For a *plain* rubric — fixed items
scored by a formula, ``rows`` sections dispatched by one field (:func:`dispatch_table`), their
weights adding up to the full score, no ``when`` classes, no deductions or judged items — and a form that is plain too (every
row applicable, two numbers in one unit read without a note, or a tier inside its band; no clamp;
no missing or unknown value), this path computes exactly the total, the grade and the findings,
and the result works out its items and sections by the full path when they are first read
(:meth:`~perfrules.result.Result.deferred`).

Anything else — a row that needs a note, a weight the table gets wrong, a score that would need the
clamp, an unclaimed row, a formula that cannot be computed — makes :meth:`Summary.score` return
None, and the form is scored by the full path.  So the two cannot differ in what they report;
``tests/test_summary.py`` holds them equal over the bundled examples and generated forms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, getcontext, setcontext
from typing import Any

from . import nodes
from .checks import run_checks
from .codegen import Direction, ItemScorer, RowScorer, RowsValues, item_scorer, rows_scorer
from .forms import Form, Row
from .model import BandSpec, Model, NodeSpec
from .names import ROW_FIELDS, ROW_NAMES
from .operations import NON_FINITE, ROUNDING_MODES, STRICT, multiply, quantizer, rounder
from .operations import total as add_up
from .plausibility import suspect_cells
from .result import Result
from .rows import RELATION_DIRECTION, plan_row, qualitative_score
from .scoring import (
    Collector,
    Evaluator,
    build_env,
    closing_audits,
    declared_mismatch,
    good_weights,
    missing_path,
    row_weight_problem,
    tier_band_violation,
)
from .values import ZERO, EvalError, Value

#: A runner's own formula of a direction: (actual, target, weight, form values) → the share of the weight.
Formula = Callable[[Decimal, Decimal, Decimal, Mapping[str, Value]], Value]

#: What a formula may raise on a form the full path reports (an uncomputable value, a non-finite one).
_NOT_PLAIN: tuple[type[Exception], ...] = (EvalError, *NON_FINITE)

#: Rows by section id, from the ruleset's dispatch switch: (row field, {value: (section id, name)}).
Dispatch = tuple[str, dict[object, tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class _Part:
    """A top-level part of a plain rubric: a fixed item (``rows`` False) or a ``rows`` section."""

    node: NodeSpec
    rows: bool


def _literals(where: nodes.Expr | None) -> tuple[str, list[Any]] | None:
    """(field, values) when a selector is ``field == literal`` or ``field in (literals)``."""
    if isinstance(where, nodes.Compare) and where.op == "==" and isinstance(where.left, nodes.Ref) \
            and isinstance(where.right, (nodes.Num, nodes.Str)):
        return where.left.name, [where.right.value]
    if isinstance(where, nodes.InSet) and isinstance(where.operand, nodes.Ref) \
            and all(isinstance(o, (nodes.Num, nodes.Str)) for o in where.options):
        return where.operand.name, [o.value for o in where.options]  # type: ignore[union-attr]
    return None


def dispatch_table(model: Model) -> Dispatch | None:
    """A switch for the ``rows`` sections, when they test one field against disjoint literals.

    Then each row finds its section with one dictionary look-up, and no row can be
    claimed twice; otherwise (None) every section tests every row.
    """
    sections = [n for n in model.nodes() if n.is_rows]
    if not sections:
        return None
    field = None
    table: dict[Any, tuple[str, str]] = {}
    for n in sections:
        lit = _literals(n.rows_where)
        if lit is None or lit[0] not in ("goal", "level1", "level2", "name") or field not in (None, lit[0]):
            return None
        field = lit[0]
        for value in lit[1]:
            if value in table:
                return None
            table[value] = (n.id, n.name)
    assert field is not None
    return field, table

def _plain_parts(model: Model, dispatch: Dispatch | None) -> list[_Part] | None:
    """The parts of `model` when its rubric is plain (see the module's docstring), else None."""
    policy = model.policy
    if policy is None or policy.classes or policy.reads_row_fields or dispatch is None:
        return None
    parts = []
    for node in model.root:
        if node.is_rows:
            parts.append(_Part(node, True))
        elif node.is_leaf and node.score is not None and not node.deducts and node.judge is None:
            parts.append(_Part(node, False))
        else:
            return None
    weights = ZERO
    for part in parts:
        weights += part.node.weight
    return parts if weights == model.full else None  # else weights-total-mismatch on every form: the full path


def summary_of(model: Model, evaluator: Evaluator, formulas: Mapping[str, Formula],
               detail: Callable[[Form], Result], generate: bool) -> Summary | None:
    """The summary path of a runner for `model` (None when its rubric is not plain): `formulas`
    are the runner's own (closures, or the interpreter's walk), `detail` its full path; with
    `generate`, plain rows are scored by :mod:`.codegen`'s generated functions."""
    dispatch = dispatch_table(model)
    parts = _plain_parts(model, dispatch)
    if parts is None or dispatch is None:
        return None
    return Summary(model, parts, dispatch, evaluator, formulas, detail, generate)


def summarize(summary: Summary | None, form: Form, full: Callable[[Form], Result]) -> Result:
    """`form` scored by a runner's `summary` path where it applies, else by its `full` path."""
    if summary is not None:
        result = summary.score(form)
        if result is not None:
            return result
    return full(form)


def _closure_scorer(formula: Formula, round_score: Callable[[Decimal], Decimal]) -> RowScorer:
    """A row scorer over a runner's own formula (where :mod:`.codegen` generates none)."""

    def score(actual: Decimal, target: Decimal, weight: Decimal, env: Mapping[str, Value]) -> Decimal:
        share = formula(actual, target, weight, env)
        assert isinstance(share, Decimal)
        return round_score(multiply(weight, share))

    return score


class Summary:
    """The summary path of one compiled ruleset (see the module's docstring)."""

    def __init__(self, model: Model, parts: list[_Part], dispatch: Dispatch, evaluator: Evaluator,
                 formulas: Mapping[str, Formula], detail: Callable[[Form], Result], generate: bool):
        self.model = model
        self._parts = parts
        self._evaluator = evaluator
        self._detail = detail  # the full path, for the items and sections when they are read
        self._round = rounder(model.places, model.rounding_mode)
        policy = model.policy
        assert policy is not None
        row_names = frozenset(ROW_NAMES) | frozenset(ROW_FIELDS)
        directions = tuple(Direction(name, expr, _closure_scorer(formulas[name], self._round))
                           for name, expr in policy.formulas.items())
        sections = [part.node for part in parts if part.rows]
        index = {node.id: k for k, node in enumerate(sections)}
        self._rows_scorer = rows_scorer(RowsValues(
            field=dispatch[0], sections={value: index[section] for value, (section, _) in dispatch[1].items()},
            weights=tuple(node.weight for node in sections), directions=directions, relations=RELATION_DIRECTION,
            unsigned_field=policy.unsigned_field, unsigned_cases=policy.unsigned_cases,
            unsigned_default=policy.unsigned_default or "positive", step=quantizer(model.places),
            rounding=ROUNDING_MODES[model.rounding_mode], tolerance=model.tolerance,
            good_weights=good_weights(model.places), weight_problem=self._weight_problem, suspect=suspect_cells,
            tier=self._tier_row, band_violation=tier_band_violation, mismatch=_row_mismatch), row_names, generate)
        self._section_index = index
        self._tiers: dict[tuple[str, str, str | None, bool], tuple[BandSpec, str] | None] = {}
        self._items: dict[str, ItemScorer] = {
            part.node.id: (generate and item_scorer(part.node.score, part.node.weight, self._round, row_names))
            or self._closure_item(part.node) for part in parts if not part.rows and part.node.score is not None}
        self._fixed = {  # the fields of every result of this ruleset
            "ruleset_id": model.id, "ruleset_version": model.version, "ruleset_sha256": model.sha256,
            "ruleset_path": model.path, "max": model.full, "places": model.places, "tolerance": model.tolerance}

    def score(self, form: Form) -> Result | None:
        """The summary of `form`, or None when the form is not plain (score it by the full path)."""
        caller = getcontext()
        # STRICT itself, not localcontext's copy of it (~0.45 µs a form): the generated formulas'
        # operators trap a non-finite value; nothing on this path changes a context's settings.
        setcontext(STRICT)
        try:
            return self._score(form)
        except _NOT_PLAIN:  # the full path reports it, located
            return None
        finally:
            setcontext(caller)

    def _score(self, form: Form) -> Result | None:
        model, evaluator = self.model, self._evaluator
        coll = Collector(form)
        env = build_env(model, form, coll, evaluator)
        if coll.findings:
            return None
        rows = self._rows_scorer(form.rows, env)
        if rows is None:
            return None
        scores, pending = rows
        top: list[Decimal] = []  # each section's rows add up to its weight, the parts to the full score
        for part in self._parts:
            node = part.node
            if part.rows:
                k = self._section_index[node.id]
                score: Decimal | None = scores[k]
                if pending:  # this section's findings, in the order of its rows (as the full path says them)
                    for section, report, arguments in pending:
                        if section == k:
                            report(coll, *arguments)
            else:
                score = self._item(coll, node, env)
            if score is None:
                return None
            top.append(score)
        if model.checks:
            run_checks(model, coll, env, evaluator)
        total = add_up(tuple(top))
        if total > model.full:
            return None
        grade = model.grade_of(total)
        findings = closing_audits(model, coll, total, grade)
        detail = self._detail
        return Result.deferred(lambda: detail(form), {
            **self._fixed, "form": form.source, "kind": form.kind, "unit": form.unit, "title": form.title,
            "total": total, "grade": grade, "findings": findings, "declared_total": form.declared_total,
            "declared_grade": form.declared_grade, "aggregated_from": form.aggregated_from})

    def _closure_item(self, node: NodeSpec) -> ItemScorer:
        """An item scorer over the runner's own evaluation (where :mod:`.codegen` generates none)."""
        evaluator, round_score = self._evaluator, self._round

        def score(env: Mapping[str, Value]) -> Decimal:
            raw = evaluator.item_score(node, env)  # type: ignore[arg-type]
            assert isinstance(raw, Decimal)
            return round_score(raw)

        return score

    def _item(self, coll: Collector, node: NodeSpec, env: dict[str, Value]) -> Decimal | None:
        score = self._items[node.id](env)
        if not 0 <= score <= node.weight:
            return None
        if node.declared:
            declared = env.get(node.declared)
            if isinstance(declared, Decimal) and abs(declared - score) > self.model.tolerance:
                declared_mismatch(coll, missing_path(node.declared), node.name, declared, score)
        return score

    def _weight_problem(self, row: Row) -> bool:
        return row_weight_problem(self.model, row) is not None

    def _tier_row(self, row: Row, weight: Decimal) -> tuple[Decimal, tuple[Any, ...] | None] | None:
        """A row that is not two plain numbers: (score, None) for a tier inside its band, (score, the
        band violation's arguments) for a declared score outside it, else None."""
        tier = self._text_tier(row) if row.target is None and row.actual is None else self._planned_tier(row)
        if tier is None:
            return None
        band, label = tier
        raw, violated, lo, hi = qualitative_score(band, weight, row.declared)
        # violated: the band's edge is taken, and the declared score is not audited again
        return self._round(raw), (row, label, lo, hi, raw) if violated else None

    def _planned_tier(self, row: Row) -> tuple[BandSpec, str] | None:
        """The band and tier `plan_row` gives `row` when it plans a tier with nothing to say, else None."""
        assert self.model.policy is not None
        plan = plan_row(self.model.policy, row)
        if plan.notes or plan.kind != "qual" or plan.band is None or suspect_cells(row):
            return None
        return plan.band, plan.tier

    def _text_tier(self, row: Row) -> tuple[BandSpec, str] | None:
        """:meth:`_planned_tier` of a row whose two cells are text, once per distinct row shape.

        For such a row `plan_row`'s verdict — a tier with nothing to say, or anything else — reads
        only the two texts, the tier and whether a score is declared (the declared score itself, the
        weight and the name only word what it says, and a plan that says something is not taken
        here); ``tests/test_summary.py`` holds the summary path equal to the full path over such rows.
        """
        target, actual = row.target_text, row.actual_text
        if len(target) > _SHAPE_TEXT_MAX or len(actual) > _SHAPE_TEXT_MAX:
            return self._planned_tier(row)
        shape = (target, actual, row.tier, row.declared is None)
        cached = self._tiers.get(shape, _UNSEEN)
        if cached is _UNSEEN:
            if len(self._tiers) >= _SHAPES_MAX:
                self._tiers.clear()
            cached = self._tiers[shape] = self._planned_tier(row)
        return cached  # type: ignore[return-value]


#: The tier rows' shapes a ruleset's summary path keeps (emptied when full), and the longest text kept.
_SHAPES_MAX = 4096
_SHAPE_TEXT_MAX = 200
_UNSEEN = object()


def _row_mismatch(coll: Collector, row: Row, declared: Decimal, score: Decimal) -> None:
    declared_mismatch(coll, row.path + ".declared_score", row.name, declared, score)
