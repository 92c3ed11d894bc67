"""The meaning of every expression: one evaluator, at the bottom of the package.

Used by the checker's counterexample search, the tree-walking interpreter, the
explanations and the audits; each operation's meaning comes from
:mod:`perfrules.operations`, the same place the checker's interval arithmetic
takes its bounds from.  Imports nothing that scores forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

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
    match expr:
        case nodes.Num(value=value):
            return value
        case nodes.Ref(name=name):
            try:
                return env[name]
            except KeyError:
                raise MissingValue(f"表单缺少 {name}", name) from None
        case nodes.BinOp(op=op, left=left, right=right):
            a = eval_expr(left, env, weight, tolerance)
            b = eval_expr(right, env, weight, tolerance)
            assert isinstance(a, Decimal) and isinstance(b, Decimal)
            return ARITHMETIC[op].apply(a, b)
        case nodes.Call(func=func, args=args):
            return BUILTINS[func][2](*[eval_expr(a, env, weight, tolerance) for a in args])
        case nodes.WeightRef():
            if weight is None:
                raise EvalError("此处没有 weight")
            return weight
        case nodes.If(cond=cond, then=then, else_=else_):
            return eval_expr(then if eval_expr(cond, env, weight, tolerance) else else_, env, weight, tolerance)
        case nodes.Compare(op=op, left=left, right=right):
            a = eval_expr(left, env, weight, tolerance)
            b = eval_expr(right, env, weight, tolerance)
            if op in ("==", "!="):
                if tolerance is not None and isinstance(a, Decimal) and isinstance(b, Decimal):
                    equal = abs(subtract(a, b)) <= tolerance
                else:
                    equal = a == b
                return equal if op == "==" else not equal
            return bool(_CMP[op](a, b))
        case nodes.Logic(op=op, left=left, right=right):
            first = bool(eval_expr(left, env, weight, tolerance))
            if op == "and":
                return first and bool(eval_expr(right, env, weight, tolerance))
            return first or bool(eval_expr(right, env, weight, tolerance))
        case nodes.Not(operand=operand):
            return not eval_expr(operand, env, weight, tolerance)
        case nodes.Neg(operand=operand):
            v = eval_expr(operand, env, weight, tolerance)
            assert isinstance(v, Decimal)
            return negate(v)
        case nodes.InSet(operand=operand, options=options):
            v = eval_expr(operand, env, weight, tolerance)
            return any(v == eval_expr(o, env, weight, tolerance) for o in options)
        case nodes.Str(value=text):
            return text
        case nodes.BoolLit(value=flag):
            return flag
    raise TypeError(f"unknown expression node {type(expr).__name__}")  # pragma: no cover
