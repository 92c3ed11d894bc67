"""Stage 3 — a checked model compiled into nested Python closures.

Each expression becomes one closure ``f(env, row, weight)``; each node of the
rubric tree becomes a step that calls them.  Compilation happens once per
ruleset; a :class:`Program` then scores any number of forms.  Nothing is
written to program state while a form is scored, and the only module state is
two bounded caches of values checked once (``scoring.good_weights``, the item
ids of ``row_section``), so one program can be shared by many threads.  Closures hold a map back to the ruleset line
through their node's span (``ItemResult.rule_line``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from . import nodes
from .forms import Form, Row
from .model import CheckSpec, Model, NodeSpec, RowClass
from .names import ROW_FIELDS, ROW_NAMES
from .operations import ARITHMETIC, COMPARISONS, FUNCTIONS, subtract
from .result import Result, SectionResult
from .row_section import score_rows
from .run import score_form
from .scoring import (
    Collector,
    score_leaf,
    section_total,
    select_rows,
)
from .summary import dispatch_table, summarize, summary_of
from .values import EvalError, MissingValue, Value

Env = Mapping[str, Value]
Local = Any  # a mapping of row values, or the Row itself for `rows where`
Fn = Callable[[Env, Local, Any], Any]  # values are typed by the checker, not here


def compile_expr(expr: nodes.Expr, tolerance: Decimal | None = None, on_row: bool = False,
                 local_names: frozenset[str] = frozenset(ROW_NAMES)) -> Fn:
    """A closure computing `expr`: ``f(env, row_values, weight)``.

    Names in `local_names` are read from ``row_values``; with `on_row` (a
    ``rows where`` selector) names read the attributes of the
    :class:`~perfrules.forms.Row` passed as ``row_values``.
    """

    def c(e: nodes.Expr) -> Fn:
        return compile_expr(e, tolerance, on_row, local_names)

    match expr:
        case nodes.Num(value=value) | nodes.Str(value=value) | nodes.BoolLit(value=value):
            const = value
            return lambda env, loc, w: const
        case nodes.Ref(name=name):
            if on_row:
                return lambda env, row, w: getattr(row, name)
            if name in local_names:
                return lambda env, loc, w: loc[name]

            def ref(env: Env, loc: Local, w: Any) -> Value:
                try:
                    return env[name]
                except KeyError:
                    raise MissingValue.of(name) from None

            return ref
        case nodes.WeightRef():
            if on_row:  # in `rows where`, weight is the row's own weight (names.ROW_FIELDS)
                return lambda env, row, w: row.weight

            def weight(env: Env, loc: Local, w: Any) -> Any:
                if w is None:
                    raise EvalError("此处没有 weight")
                return w

            return weight
        case nodes.BinOp(op=op, left=left, right=right):
            return _binary(_ARITH[op], left, right, c, on_row, local_names)
        case nodes.Call(func=func, args=args):
            fn = FUNCTIONS[func].compiled
            if len(args) == 2:
                return _binary(fn, args[0], args[1], c, on_row, local_names)
            parts = [c(x) for x in args]
            if len(parts) == 2:
                p0, p1 = parts
                return lambda env, loc, w: fn(p0(env, loc, w), p1(env, loc, w))
            return lambda env, loc, w: fn(*[p(env, loc, w) for p in parts])
        case nodes.If(cond=cond, then=then, else_=else_):
            k, t, f = c(cond), c(then), c(else_)
            return lambda env, loc, w: t(env, loc, w) if k(env, loc, w) else f(env, loc, w)
        case nodes.Compare(op=op, left=left, right=right):
            a, b = c(left), c(right)
            if op in ("==", "!="):
                want = op == "=="
                if tolerance is not None:
                    tol = tolerance

                    def eq_tol(env: Env, loc: Local, w: Any) -> bool:
                        x, y = a(env, loc, w), b(env, loc, w)
                        if isinstance(x, Decimal) and isinstance(y, Decimal):
                            return (abs(subtract(x, y)) <= tol) == want
                        return bool((x == y) == want)

                    return eq_tol
            return _binary(_COMPARE[op], left, right, c, on_row, local_names)
        case nodes.Logic(op=op, left=left, right=right):
            a, b = c(left), c(right)
            if op == "and":
                return lambda env, loc, w: bool(a(env, loc, w)) and bool(b(env, loc, w))
            return lambda env, loc, w: bool(a(env, loc, w)) or bool(b(env, loc, w))
        case nodes.Not(operand=operand):
            a = c(operand)
            return lambda env, loc, w: not a(env, loc, w)
        case nodes.Neg(operand=operand):
            a = c(operand)
            return lambda env, loc, w: _NEGATE(a(env, loc, w))
        case nodes.InSet(operand=operand, options=options):
            a = c(operand)
            opts = [c(o) for o in options]

            def member(env: Env, loc: Local, w: Any) -> bool:
                v = a(env, loc, w)
                return any(v == o(env, loc, w) for o in opts)

            return member
    raise TypeError(f"unknown expression node {type(expr).__name__}")  # pragma: no cover


_ARITH: dict[str, Callable[[Any, Any], Any]] = {op: o.compiled for op, o in ARITHMETIC.items()}
_NEGATE = ARITHMETIC["neg"].compiled
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {op: c.apply for op, c in COMPARISONS.items()}


def _binary(f: Callable[[Any, Any], Any], left: nodes.Expr, right: nodes.Expr, c: Callable[[nodes.Expr], Fn],
            on_row: bool, local_names: frozenset[str]) -> Fn:
    """``f(left, right)`` as one closure, reading constants and row values in place (no nested calls)."""
    k_right = isinstance(right, (nodes.Num, nodes.Str))
    if k_right:
        k = right.value  # type: ignore[union-attr]
        if isinstance(left, nodes.Ref) and on_row:
            attr = left.name
            return lambda env, row, w: f(getattr(row, attr), k)
        if isinstance(left, nodes.Ref) and left.name in local_names:
            key = left.name
            return lambda env, loc, w: f(loc[key], k)
        a = c(left)
        return lambda env, loc, w: f(a(env, loc, w), k)
    if isinstance(left, nodes.Ref) and left.name in local_names and isinstance(right, nodes.Ref) \
            and right.name in local_names and not on_row:
        ka, kb = left.name, right.name
        return lambda env, loc, w: f(loc[ka], loc[kb])
    a, b = c(left), c(right)
    return lambda env, loc, w: f(a(env, loc, w), b(env, loc, w))


_EMPTY: dict[str, Any] = {}


Step = Callable[[dict[str, Value], Collector, dict[int, str]], Decimal]


class Program:
    """A compiled ruleset, a :class:`~perfrules.scoring.Runner`: call :meth:`run` with a validated form.

    Every expression is compiled once, here, and kept under the name of what it belongs to
    (a let, an item, a direction, a check) — the :class:`~perfrules.scoring.Evaluator` seam.
    """

    def __init__(self, model: Model):
        self.model = model
        row_check_names = frozenset(ROW_NAMES) | frozenset(ROW_FIELDS)
        self._lets: dict[str, Fn] = {let.name: compile_expr(let.expr) for let in model.lets}
        self._formulas: dict[str, Fn] = {}
        self._classes: list[Fn] = []  # aligned with model.policy.classes
        if model.policy is not None:
            self._formulas = {d: compile_expr(e, local_names=row_check_names)
                              for d, e in model.policy.formulas.items()}
            self._classes = [compile_expr(k.cond, local_names=row_check_names) for k in model.policy.classes]
        self._scores: dict[str, Fn] = {}
        self._deducts: dict[str, list[Fn]] = {}
        self._dispatch = dispatch_table(model)
        self._checks: dict[str, Fn] = {
            ch.name: compile_expr(ch.expr, ch.tolerance,
                                  local_names=row_check_names if ch.for_rows else frozenset(ROW_NAMES))
            for ch in model.checks}
        self._check_where: dict[str, Fn] = {ch.name: compile_expr(ch.rows_where, on_row=True)
                                            for ch in model.checks if ch.rows_where is not None}
        self._steps = [self._compile_node(n, None) for n in model.root]
        self._summary = summary_of(model, self, {d: partial(_row_share, f) for d, f in self._formulas.items()},
                                   self.run, generate=True)

    # -- the Evaluator seam (perfrules.scoring.Evaluator)

    def let(self, let: nodes.Let, env: dict[str, Value]) -> Value:
        value: Value = self._lets[let.name](env, _EMPTY, None)
        return value

    def item_score(self, node: NodeSpec, env: dict[str, Value]) -> Value:
        value: Value = self._scores[node.id](env, _EMPTY, node.weight)
        return value

    def deduct_count(self, node: NodeSpec, index: int, env: dict[str, Value]) -> Value:
        value: Value = self._deducts[node.id][index](env, _EMPTY, node.weight)
        return value

    def formula(self, direction: str, env: dict[str, Value], local: dict[str, Any], weight: Decimal) -> Value:
        value: Value = self._formulas[direction](env, local, weight)
        return value

    def check(self, check: CheckSpec, env: dict[str, Value], local: dict[str, Any] | None) -> Value:
        weight = local.get("weight") if local else None  # `check … for rows`: the row's weight
        value: Value = self._checks[check.name](env, local or _EMPTY, weight)
        return value

    def check_applies(self, check: CheckSpec, row: Row) -> bool:
        where = self._check_where.get(check.name)
        return where is None or bool(where(_EMPTY, row, None))

    def row_class(self, env: dict[str, Value], fields: dict[str, Value]) -> RowClass | None:
        assert self.model.policy is not None
        for row_class, test in zip(self.model.policy.classes, self._classes):
            if test(env, fields, None):
                return row_class
        return None

    # -- compiling the rubric tree

    def _compile_node(self, node: NodeSpec, parent: str | None) -> Step:
        model = self.model
        if node.is_rows:
            where = compile_expr(node.rows_where, on_row=True) if node.rows_where is not None else None

            def matches(row: Row) -> bool:
                return where is None or bool(where(_EMPTY, row, None))

            def rows_step(env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> Decimal:
                if coll.buckets is not None:  # rows already dispatched to their sections in one pass
                    rows = coll.buckets.get(node.id, [])
                else:
                    rows = select_rows(coll, node, coll.form, claimed, matches)
                return score_rows(model, coll, node, parent, rows, env, self)

            return rows_step
        if node.is_leaf:
            if node.score is not None:
                self._scores[node.id] = compile_expr(node.score)
            self._deducts[node.id] = [compile_expr(d.count) for d in node.deducts]
            section = parent or node.id

            def leaf_step(env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> Decimal:
                item = score_leaf(model, coll, node, env, section, self)
                if parent is None:
                    coll.sections.append(SectionResult(node.id, node.name, node.weight, item.score, None, [item.id]))
                return item.score

            return leaf_step
        children = [self._compile_node(c, node.id) for c in node.children]
        child_ids = [c.id for c in node.children]

        def section_step(env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> Decimal:
            index = len(coll.sections)
            parts = [step(env, coll, claimed) for step in children]
            total = section_total(model, coll, node, parent, parts, child_ids)
            coll.sections.insert(index, coll.sections.pop())
            return total

        return section_step

    # -- the Runner

    def run(self, form: Form, coverage: bool = False) -> Result:
        """Score one validated form (a value beyond the engine's precision is an EngineError);
        with `coverage`, ``result.reached`` holds the rubric cells it exercised."""
        return score_form(self.model, form, self, self._walk, coverage)

    def summarize(self, form: Form) -> Result:
        """Score one validated form, its items and sections worked out when first read
        (:mod:`perfrules.summary`); the same result as :meth:`run` in every field."""
        return summarize(self._summary, form, self.run)

    def _walk(self, env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> list[Decimal]:
        if self._dispatch is not None:  # each row to its section with one look-up (decided at compile time)
            field, table = self._dispatch
            buckets: dict[str, list[Row]] = {}
            for row in coll.form.rows:
                target = table.get(getattr(row, field))
                if target is not None:
                    buckets.setdefault(target[0], []).append(row)
                    claimed[row.index] = target[1]
            coll.buckets = buckets
        return [step(env, coll, claimed) for step in self._steps]


def _row_share(formula: Fn, actual: Decimal, target: Decimal, weight: Decimal, env: Mapping[str, Value]) -> Value:
    """A direction's compiled closure over one row's values (the summary path's
    :data:`~perfrules.summary.Formula`, where :mod:`perfrules.codegen` generates none)."""
    share: Value = formula(env, {"actual": actual, "target": target}, weight)
    return share
