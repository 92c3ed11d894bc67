"""The plain tree-walking interpreter.

It evaluates the syntax tree directly, node by node, with the one evaluator of
:mod:`perfrules.evaluate`.  It is the reference the compiled closures
(:mod:`perfrules.compiler`) are tested against.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from . import nodes
from .evaluate import eval_expr
from .forms import Form, Row
from .model import CheckSpec, Model, NodeSpec, RowClass
from .result import Result, SectionResult
from .row_section import score_rows
from .rows import row_fields
from .run import score_form
from .scoring import (
    Collector,
    score_leaf,
    section_total,
    select_rows,
)
from .summary import Summary, summarize, summary_of
from .values import Value


def interpret(model: Model, form: Form, coverage: bool = False) -> Result:
    """Score `form` by walking `model`'s tree directly (the reference runner)."""
    return Interpreter(model).run(form, coverage)


class Interpreter:
    """The reference :class:`~perfrules.scoring.Runner`: walks the tree, evaluates as it goes."""

    def __init__(self, model: Model):
        self.model = model

    @cached_property
    def _summary(self) -> Summary | None:
        """The summary path, made when first asked (a Ruleset keeps its interpreter)."""
        directions = self.model.policy.formulas if self.model.policy else {}
        formulas = {d: partial(_walk_share, expr) for d, expr in directions.items()}
        return summary_of(self.model, self, formulas, self.run, generate=False)

    def summarize(self, form: Form) -> Result:
        """Score one validated form, its items and sections worked out when first read
        (:mod:`perfrules.summary`, every formula walked by :func:`~perfrules.evaluate.eval_expr`)."""
        return summarize(self._summary, form, self.run)

    # -- the Evaluator seam (perfrules.scoring.Evaluator)

    def let(self, let: nodes.Let, env: dict[str, Value]) -> Value:
        return eval_expr(let.expr, env)

    def item_score(self, node: NodeSpec, env: dict[str, Value]) -> Value:
        assert node.score is not None
        return eval_expr(node.score, env, node.weight)

    def deduct_count(self, node: NodeSpec, index: int, env: dict[str, Value]) -> Value:
        return eval_expr(node.deducts[index].count, env, node.weight)

    def formula(self, direction: str, env: Mapping[str, Value], local: dict[str, Any], weight: Decimal) -> Value:
        assert self.model.policy is not None
        return eval_expr(self.model.policy.formulas[direction], _scope(local, env), weight)

    def check(self, check: CheckSpec, env: dict[str, Value], local: dict[str, Any] | None) -> Value:
        scope: Mapping[str, Value] = ChainMap(local, env) if local else env
        weight = local.get("weight") if local else None  # `check … for rows`: the row's weight
        return eval_expr(check.expr, scope, weight, check.tolerance)

    def check_applies(self, check: CheckSpec, row: Row) -> bool:
        return check.rows_where is None or bool(eval_expr(check.rows_where, row_fields(row), row.weight))

    def row_class(self, env: dict[str, Value], fields: dict[str, Value]) -> RowClass | None:
        assert self.model.policy is not None
        scope: Mapping[str, Value] = ChainMap(fields, env)
        return next((k for k in self.model.policy.classes if eval_expr(k.cond, scope)), None)

    # -- the Runner

    def run(self, form: Form, coverage: bool = False) -> Result:
        """Score one validated form (a value beyond the engine's precision is an EngineError);
        with `coverage`, ``result.reached`` holds the rubric cells it exercised."""
        return score_form(self.model, form, self, self._walk, coverage)

    def _walk(self, env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> list[Decimal]:
        return [self._node(n, None, env, coll, claimed) for n in self.model.root]

    def _node(self, node: NodeSpec, parent: str | None, env: dict[str, Value], coll: Collector,
              claimed: dict[int, str]) -> Decimal:
        model = self.model
        if node.is_rows:
            where = node.rows_where

            def matches(row: Row) -> bool:
                return where is None or bool(eval_expr(where, row_fields(row), row.weight))

            rows = select_rows(coll, node, coll.form, claimed, matches)
            return score_rows(model, coll, node, parent, rows, env, self)
        if node.is_leaf:
            item = score_leaf(model, coll, node, env, parent or node.id, self)
            if parent is None:
                coll.sections.append(SectionResult(node.id, node.name, node.weight, item.score, None, [item.id]))
            return item.score
        index = len(coll.sections)
        parts = [self._node(c, node.id, env, coll, claimed) for c in node.children]
        total = section_total(model, coll, node, parent, parts, [c.id for c in node.children])
        coll.sections.insert(index, coll.sections.pop())  # a section is listed before its children
        return total


def _walk_share(expr: nodes.Expr, actual: Decimal, target: Decimal, weight: Decimal,
                env: Mapping[str, Value]) -> Value:
    """A direction's formula over one row's values, walked (the summary path's
    :data:`~perfrules.summary.Formula`)."""
    return eval_expr(expr, _scope({"actual": actual, "target": target}, env), weight)


def _scope(local: Mapping[str, Any], env: Mapping[str, Value]) -> Mapping[str, Value]:
    """`local`'s names over `env`'s: one merged dict when the form's values are few (look-ups at C
    speed), a ChainMap otherwise (no copy of a large table of facts)."""
    if len(env) <= 24:
        return {**env, **local}
    return ChainMap(local, env)  # type: ignore[arg-type]
