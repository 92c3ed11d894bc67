"""The meaning of every expression: one evaluator, at the bottom of the package.

Used by the checker's counterexample search, the tree-walking interpreter, the
explanations and the audits; each operation's meaning comes from
:mod:`perfrules.operations`, the same place the checker's interval arithmetic
takes its bounds from.  Imports nothing that scores forms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from . import nodes
from .operations import ARITHMETIC, COMPARISONS, negate, subtract
from .values import BUILTINS, EvalError, MissingValue, Value

_CMP = {op: c.apply for op, c in COMPARISONS.items()}


def eval_expr(expr: nodes.Expr, env: Mapping[str, Value], weight: Decimal | None = None,
              tolerance: Decimal | None = None) -> Value:
    """The value of `expr` with names read from `env`; `weight` answers ``weight``.

    `tolerance`, in checks, makes ``==`` and ``!=`` between numbers compare
    within that absolute difference.
    """
    try:
        step = _STEPS[type(expr)]
    except KeyError:  # pragma: no cover
        raise TypeError(f"unknown expression node {type(expr).__name__}") from None
    return step(expr, env, weight, tolerance)


# One step per node type, found by the node's type (a dictionary look-up, not a chain of patterns);
# a step evaluates its operands by their own steps directly (one Python call per node).
_Step = Callable[[Any, Mapping[str, Value], "Decimal | None", "Decimal | None"], Value]


def _num(e: nodes.Num, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    return e.value


def _ref(e: nodes.Ref, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    try:
        return env[e.name]
    except KeyError:
        raise MissingValue.of(e.name) from None


def _binop(e: nodes.BinOp, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    a = _STEPS[type(e.left)](e.left, env, w, tol)
    b = _STEPS[type(e.right)](e.right, env, w, tol)
    assert isinstance(a, Decimal) and isinstance(b, Decimal)
    return ARITHMETIC[e.op].apply(a, b)


def _call(e: nodes.Call, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    args = e.args
    if len(args) == 2:  # min(…, 1), ratio(B, A): most calls, without building a list
        first, second = args
        return BUILTINS[e.func][2](_STEPS[type(first)](first, env, w, tol), _STEPS[type(second)](second, env, w, tol))
    return BUILTINS[e.func][2](*[_STEPS[type(a)](a, env, w, tol) for a in args])


def _weight(e: nodes.WeightRef, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    if w is None:
        raise EvalError("此处没有 weight")
    return w


def _if(e: nodes.If, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    branch = e.then if _STEPS[type(e.cond)](e.cond, env, w, tol) else e.else_
    return _STEPS[type(branch)](branch, env, w, tol)


def _compare(e: nodes.Compare, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    a = _STEPS[type(e.left)](e.left, env, w, tol)
    b = _STEPS[type(e.right)](e.right, env, w, tol)
    op = e.op
    if op != "==" and op != "!=":
        return bool(_CMP[op](a, b))
    if tol is not None and isinstance(a, Decimal) and isinstance(b, Decimal):
        equal = abs(subtract(a, b)) <= tol
    else:
        equal = a == b
    return equal if op == "==" else not equal


def _logic(e: nodes.Logic, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    first = bool(_STEPS[type(e.left)](e.left, env, w, tol))
    if e.op == "and":
        return first and bool(_STEPS[type(e.right)](e.right, env, w, tol))
    return first or bool(_STEPS[type(e.right)](e.right, env, w, tol))


def _not(e: nodes.Not, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    return not _STEPS[type(e.operand)](e.operand, env, w, tol)


def _neg(e: nodes.Neg, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    v = _STEPS[type(e.operand)](e.operand, env, w, tol)
    assert isinstance(v, Decimal)
    return negate(v)


def _inset(e: nodes.InSet, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    v = _STEPS[type(e.operand)](e.operand, env, w, tol)
    return any(v == _STEPS[type(o)](o, env, w, tol) for o in e.options)


def _str(e: nodes.Str, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    return e.value


def _bool(e: nodes.BoolLit, env: Mapping[str, Value], w: Decimal | None, tol: Decimal | None) -> Value:
    return e.value


_STEPS: dict[type, _Step] = {
    nodes.Num: _num, nodes.Ref: _ref, nodes.BinOp: _binop, nodes.Call: _call, nodes.WeightRef: _weight,
    nodes.If: _if, nodes.Compare: _compare, nodes.Logic: _logic, nodes.Not: _not, nodes.Neg: _neg,
    nodes.InSet: _inset, nodes.Str: _str, nodes.BoolLit: _bool,
}
