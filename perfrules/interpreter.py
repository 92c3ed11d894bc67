"""The plain tree-walking interpreter.

It evaluates the syntax tree directly, node by node.  It is the reference the
compiled closures (:mod:`perfrules.compiler`) are tested against, and the
evaluator the checker uses to try concrete counterexamples.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from decimal import Decimal, localcontext

from . import ast
from .forms import Form, Row
from .model import CheckSpec, Model, NodeSpec
from .result import Result, SectionResult
from .scoring import (
    Collector,
    assemble,
    build_env,
    engine_error,
    row_fields,
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

_CMP = {op: c.apply for op, c in COMPARISONS.items()}


def eval_expr(expr: ast.Expr, env: Mapping[str, Value], weight: Decimal | None = None,
              tolerance: Decimal | None = None) -> Value:
    """The value of `expr` with names read from `env`; `weight` answers ``weight``.

    `tolerance`, in checks, makes ``==`` and ``!=`` between numbers compare
    within that absolute difference.
    """
    match expr:
        case ast.Num(value=value):
            return value
        case ast.Ref(name=name):
            try:
                return env[name]
            except KeyError:
                raise MissingValue(f"表单缺少 {name}", name) from None
        case ast.BinOp(op=op, left=left, right=right):
            a = eval_expr(left, env, weight, tolerance)
            b = eval_expr(right, env, weight, tolerance)
            assert isinstance(a, Decimal) and isinstance(b, Decimal)
            return ARITHMETIC[op].apply(a, b)
        case ast.Call(func=func, args=args):
            return BUILTINS[func][2](*[eval_expr(a, env, weight, tolerance) for a in args])
        case ast.WeightRef():
            if weight is None:
                raise EvalError("此处没有 weight")
            return weight
        case ast.If(cond=cond, then=then, else_=else_):
            return eval_expr(then if eval_expr(cond, env, weight, tolerance) else else_, env, weight, tolerance)
        case ast.Compare(op=op, left=left, right=right):
            a = eval_expr(left, env, weight, tolerance)
            b = eval_expr(right, env, weight, tolerance)
            if op in ("==", "!="):
                if tolerance is not None and isinstance(a, Decimal) and isinstance(b, Decimal):
                    equal = abs(subtract(a, b)) <= tolerance
                else:
                    equal = a == b
                return equal if op == "==" else not equal
            return bool(_CMP[op](a, b))
        case ast.Logic(op=op, left=left, right=right):
            first = bool(eval_expr(left, env, weight, tolerance))
            if op == "and":
                return first and bool(eval_expr(right, env, weight, tolerance))
            return first or bool(eval_expr(right, env, weight, tolerance))
        case ast.Not(operand=operand):
            return not eval_expr(operand, env, weight, tolerance)
        case ast.Neg(operand=operand):
            v = eval_expr(operand, env, weight, tolerance)
            assert isinstance(v, Decimal)
            return negate(v)
        case ast.InSet(operand=operand, options=options):
            v = eval_expr(operand, env, weight, tolerance)
            return any(v == eval_expr(o, env, weight, tolerance) for o in options)
        case ast.Str(value=text):
            return text
        case ast.BoolLit(value=flag):
            return flag
    raise TypeError(f"unknown expression node {type(expr).__name__}")  # pragma: no cover


# ---------------------------------------------------------------- whole forms


def _evaluate(expr: ast.Expr, env: dict[str, Value], local: dict[str, object] | None,
              weight: Decimal | None) -> Value:
    scope: Mapping[str, Value] = ChainMap(local, env) if local else env  # type: ignore[arg-type]
    return eval_expr(expr, scope, weight)


def interpret(model: Model, form: Form) -> Result:
    """Score `form` by walking `model`'s tree directly (the reference runner)."""
    try:
        return _interpret(model, form)
    except NonFiniteValue as err:  # located where it arose when scoring knew the line
        raise engine_error(model, 0, 0, "", err) from None


def _interpret(model: Model, form: Form) -> Result:
    with localcontext(CONTEXT):
        coll = Collector(form)
        env = build_env(model, form, coll, lambda let, e: eval_expr(let.expr, e))
        claimed: dict[int, str] = {}
        top = [_node(model, n, None, env, coll, claimed) for n in model.root]
        unclaimed_rows(coll, form, claimed)
        run_checks(model, coll, env, _check, _check_matches)
        return assemble(model, coll, top)


def _check(check: CheckSpec, env: dict[str, Value], local: dict[str, object] | None) -> Value:
    scope: Mapping[str, Value] = ChainMap(local, env) if local else env  # type: ignore[arg-type]
    weight = local.get("weight") if local else None  # `check … for rows`: the row's weight
    return eval_expr(check.expr, scope, weight, check.tolerance)  # type: ignore[arg-type]


def _check_matches(check: CheckSpec, row: Row) -> bool:
    return check.rows_where is None or bool(eval_expr(check.rows_where, row_fields(row), row.weight))


def _node(model: Model, node: NodeSpec, parent: str | None, env: dict[str, Value], coll: Collector,
          claimed: dict[int, str]) -> Decimal:
    if node.is_rows:
        where = node.rows_where

        def matches(row: Row) -> bool:
            return where is None or bool(eval_expr(where, row_fields(row), row.weight))

        rows = select_rows(coll, node, coll.form, claimed, matches)
        weights_audit(coll, node, rows)
        items = [score_row(model, coll, node, r, i + 1, env, _evaluate) for i, r in enumerate(rows)]
        return section_total(model, coll, node, parent, [it.score for it in items], [it.id for it in items])
    if node.is_leaf:
        item = score_leaf(model, coll, node, env, parent or node.id, _evaluate)
        if parent is None:
            coll.sections.append(SectionResult(node.id, node.name, node.weight, item.score, None, [item.id]))
        return item.score
    index = len(coll.sections)
    parts = [_node(model, c, node.id, env, coll, claimed) for c in node.children]
    total = section_total(model, coll, node, parent, parts, [c.id for c in node.children])
    coll.sections.insert(index, coll.sections.pop())  # a section is listed before its children
    return total
