"""Stage 3 — a checked model compiled into nested Python closures.

Each expression becomes one closure ``f(env, row, weight)``; each node of the
rubric tree becomes a step that calls them.  Compilation happens once per
ruleset; a :class:`Program` then scores any number of forms.  Nothing is
written to module or program state while a form is scored, so one program can
be shared by many threads.  Closures hold a map back to the ruleset line
through their node's span (``ItemResult.rule_line``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from typing import Any

from . import ast
from .names import ROW_FIELDS, ROW_NAMES
from .forms import Form, Row
from .model import Model, NodeSpec
from .result import Result, SectionResult
from .scoring import (
    Collector,
    assemble,
    build_env,
    engine_error,
    run_checks,
    score_leaf,
    score_row,
    section_total,
    select_rows,
    unclaimed_rows,
    weights_audit,
)
from .operations import ARITHMETIC, COMPARISONS, NonFiniteValue, negate, subtract
from .values import BUILTINS, CONTEXT, EvalError, MissingValue, Value

Env = Mapping[str, Value]
Local = Any  # a mapping of row values, or the Row itself for `rows where`
Fn = Callable[[Env, Local, Any], Any]  # values are typed by the checker, not here


def compile_expr(expr: ast.Expr, tolerance: Decimal | None = None, on_row: bool = False,
                 local_names: frozenset[str] = frozenset(ROW_NAMES)) -> Fn:
    """A closure computing `expr`: ``f(env, row_values, weight)``.

    Names in `local_names` are read from ``row_values``; with `on_row` (a
    ``rows where`` selector) names read the attributes of the
    :class:`~perfrules.forms.Row` passed as ``row_values``.
    """

    def c(e: ast.Expr) -> Fn:
        return compile_expr(e, tolerance, on_row, local_names)

    match expr:
        case ast.Num(value=value) | ast.Str(value=value) | ast.BoolLit(value=value):
            const = value
            return lambda env, loc, w: const
        case ast.Ref(name=name):
            if on_row:
                return lambda env, row, w: getattr(row, name)
            if name in local_names:
                return lambda env, loc, w: loc[name]

            def ref(env: Env, loc: Local, w: Any) -> Value:
                try:
                    return env[name]
                except KeyError:
                    raise MissingValue(f"表单缺少 {name}", name) from None

            return ref
        case ast.WeightRef():
            if on_row:  # in `rows where`, weight is the row's own weight (names.ROW_FIELDS)
                return lambda env, row, w: row.weight

            def weight(env: Env, loc: Local, w: Any) -> Any:
                if w is None:
                    raise EvalError("此处没有 weight")
                return w

            return weight
        case ast.BinOp(op=op, left=left, right=right):
            return _binary(_ARITH[op], left, right, c, on_row, local_names)
        case ast.Call(func=func, args=args):
            fn = BUILTINS[func][2]
            if len(args) == 2:
                return _binary(fn, args[0], args[1], c, on_row, local_names)
            parts = [c(x) for x in args]
            if len(parts) == 2:
                p0, p1 = parts
                return lambda env, loc, w: fn(p0(env, loc, w), p1(env, loc, w))
            return lambda env, loc, w: fn(*[p(env, loc, w) for p in parts])
        case ast.If(cond=cond, then=then, else_=else_):
            k, t, f = c(cond), c(then), c(else_)
            return lambda env, loc, w: t(env, loc, w) if k(env, loc, w) else f(env, loc, w)
        case ast.Compare(op=op, left=left, right=right):
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
        case ast.Logic(op=op, left=left, right=right):
            a, b = c(left), c(right)
            if op == "and":
                return lambda env, loc, w: bool(a(env, loc, w)) and bool(b(env, loc, w))
            return lambda env, loc, w: bool(a(env, loc, w)) or bool(b(env, loc, w))
        case ast.Not(operand=operand):
            a = c(operand)
            return lambda env, loc, w: not a(env, loc, w)
        case ast.Neg(operand=operand):
            a = c(operand)
            return lambda env, loc, w: negate(a(env, loc, w))
        case ast.InSet(operand=operand, options=options):
            a = c(operand)
            opts = [c(o) for o in options]

            def member(env: Env, loc: Local, w: Any) -> bool:
                v = a(env, loc, w)
                return any(v == o(env, loc, w) for o in opts)

            return member
    raise TypeError(f"unknown expression node {type(expr).__name__}")  # pragma: no cover


_ARITH: dict[str, Callable[[Any, Any], Any]] = {op: o.apply for op, o in ARITHMETIC.items()}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {op: c.apply for op, c in COMPARISONS.items()}


def _binary(f: Callable[[Any, Any], Any], left: ast.Expr, right: ast.Expr, c: Callable[[ast.Expr], Fn],
            on_row: bool, local_names: frozenset[str]) -> Fn:
    """``f(left, right)`` as one closure, reading constants and row values in place (no nested calls)."""
    k_right = isinstance(right, (ast.Num, ast.Str))
    if k_right:
        k = right.value  # type: ignore[union-attr]
        if isinstance(left, ast.Ref) and on_row:
            attr = left.name
            return lambda env, row, w: f(getattr(row, attr), k)
        if isinstance(left, ast.Ref) and left.name in local_names:
            key = left.name
            return lambda env, loc, w: f(loc[key], k)
        a = c(left)
        return lambda env, loc, w: f(a(env, loc, w), k)
    if isinstance(left, ast.Ref) and left.name in local_names and isinstance(right, ast.Ref) \
            and right.name in local_names and not on_row:
        ka, kb = left.name, right.name
        return lambda env, loc, w: f(loc[ka], loc[kb])
    a, b = c(left), c(right)
    return lambda env, loc, w: f(a(env, loc, w), b(env, loc, w))


_EMPTY: dict[str, Any] = {}


def _literals(where: ast.Expr | None) -> tuple[str, list[Any]] | None:
    """(field, values) when a selector is ``field == literal`` or ``field in (literals)``."""
    if isinstance(where, ast.Compare) and where.op == "==" and isinstance(where.left, ast.Ref) \
            and isinstance(where.right, (ast.Num, ast.Str)):
        return where.left.name, [where.right.value]
    if isinstance(where, ast.InSet) and isinstance(where.operand, ast.Ref) \
            and all(isinstance(o, (ast.Num, ast.Str)) for o in where.options):
        return where.operand.name, [o.value for o in where.options]  # type: ignore[union-attr]
    return None


def _dispatch_table(model: Model) -> tuple[str, dict[Any, tuple[str, str]]] | None:
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

Step = Callable[[dict[str, Value], Collector, dict[int, str]], Decimal]


class Program:
    """A compiled ruleset: call :meth:`run` with a validated form."""

    def __init__(self, model: Model):
        self.model = model
        self._fns: dict[int, Fn] = {}
        for let in model.lets:
            self._add(let.expr)
        row_check_names = frozenset(ROW_NAMES) | frozenset(ROW_FIELDS)
        if model.policy is not None:
            for expr in model.policy.formulas.values():
                self._fns[id(expr)] = compile_expr(expr, local_names=row_check_names)
            for row_class in model.policy.classes:
                self._fns[id(row_class.cond)] = compile_expr(row_class.cond, local_names=row_check_names)
        self._dispatch = _dispatch_table(model)
        self._checks = {id(ch): compile_expr(ch.expr, ch.tolerance,
                                             local_names=row_check_names if ch.for_rows else frozenset(ROW_NAMES))
                        for ch in model.checks}
        self._check_where = {id(ch): compile_expr(ch.rows_where, on_row=True) for ch in model.checks
                             if ch.rows_where is not None}
        self._steps = [self._compile_node(n, None) for n in model.root]

    def _add(self, expr: ast.Expr) -> None:
        self._fns[id(expr)] = compile_expr(expr)

    def _evaluate(self, expr: ast.Expr, env: dict[str, Value], local: dict[str, Any] | None,
                  weight: Decimal | None) -> Value:
        value: Value = self._fns[id(expr)](env, local or _EMPTY, weight)
        return value

    def _compile_node(self, node: NodeSpec, parent: str | None) -> Step:
        model = self.model
        evaluate = self._evaluate
        if node.is_rows:
            where = compile_expr(node.rows_where, on_row=True) if node.rows_where is not None else None

            def matches(row: Row) -> bool:
                return where is None or bool(where(_EMPTY, row, None))

            def rows_step(env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> Decimal:
                if coll.buckets is not None:  # rows already dispatched to their sections in one pass
                    rows = coll.buckets.get(node.id, [])
                else:
                    rows = select_rows(coll, node, coll.form, claimed, matches)
                weights_audit(coll, node, rows)
                items = [score_row(model, coll, node, r, i + 1, env, evaluate) for i, r in enumerate(rows)]
                return section_total(model, coll, node, parent, [it.score for it in items], [it.id for it in items])

            return rows_step
        if node.is_leaf:
            if node.score is not None:
                self._add(node.score)
            for d in node.deducts:
                self._add(d.count)
            section = parent or node.id

            def leaf_step(env: dict[str, Value], coll: Collector, claimed: dict[int, str]) -> Decimal:
                item = score_leaf(model, coll, node, env, section, evaluate)
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

    def run(self, form: Form) -> Result:
        """Score one validated form (a value beyond the engine's precision is an EngineError)."""
        try:
            return self._run(form)
        except NonFiniteValue as err:  # located where it arose when scoring knew the line
            raise engine_error(self.model, 0, 0, "", err) from None

    def _run(self, form: Form) -> Result:
        model = self.model
        with localcontext(CONTEXT):
            coll = Collector(form)
            env = build_env(model, form, coll, lambda let, e: self._fns[id(let.expr)](e, _EMPTY, None))
            claimed: dict[int, str] = {}
            if self._dispatch is not None:
                field, table = self._dispatch
                buckets: dict[str, list[Row]] = {}
                for row in form.rows:
                    target = table.get(getattr(row, field))
                    if target is not None:
                        buckets.setdefault(target[0], []).append(row)
                        claimed[row.index] = target[1]
                coll.buckets = buckets
            top = [step(env, coll, claimed) for step in self._steps]
            if len(claimed) != len(form.rows):
                unclaimed_rows(coll, form, claimed)
            if model.checks:
                run_checks(model, coll, env, self._check, self._check_matches)
            return assemble(model, coll, top)

    def _check(self, check: Any, env: dict[str, Value], local: dict[str, Any] | None) -> Value:
        weight = local.get("weight") if local else None  # `check … for rows`: the row's weight
        value: Value = self._checks[id(check)](env, local or _EMPTY, weight)
        return value

    def _check_matches(self, check: Any, row: Row) -> bool:
        where = self._check_where.get(id(check))
        return where is None or bool(where(_EMPTY, row, None))
