"""Syntax tree back to source text, in the canonical style.

Used by the formatter (``perfrules fmt``), by ``perfrules diff`` to state a
changed formula, and by messages that name an expression.
"""

from __future__ import annotations

from . import ast
from .values import fmt_number

_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}


def expr(e: ast.Expr, parent: int = 0) -> str:
    """The canonical source of an expression (ASCII operators, minimal parentheses)."""
    match e:
        case ast.Num(text=text):
            return text
        case ast.Str(value=value):
            return f'"{value}"'
        case ast.BoolLit(value=value):
            return "true" if value else "false"
        case ast.WeightRef():
            return "weight"
        case ast.Ref(name=name):
            return name
        case ast.Neg(operand=operand):
            return _wrap(f"-{expr(operand, 7)}", 7, parent)
        case ast.BinOp(op=op, left=left, right=right):
            p = _PREC[op]
            return _wrap(f"{expr(left, p)} {op} {expr(right, p + 1)}", p, parent)
        case ast.Compare(op=op, left=left, right=right):
            return _wrap(f"{expr(left, 5)} {op} {expr(right, 5)}", 4, parent)
        case ast.InSet(operand=operand, options=options):
            return _wrap(f"{expr(operand, 5)} in ({', '.join(expr(o) for o in options)})", 4, parent)
        case ast.Logic(op=op, left=left, right=right):
            p = _PREC[op]
            return _wrap(f"{expr(left, p)} {op} {expr(right, p + 1)}", p, parent)
        case ast.Not(operand=operand):
            return _wrap(f"not {expr(operand, 3)}", 3, parent)
        case ast.If(cond=cond, then=then, else_=else_):
            return _wrap(f"if {expr(cond)} then {expr(then)} else {expr(else_)}", 0, parent)
        case ast.Call(func=func, args=args):
            return f"{func}({', '.join(expr(a) for a in args)})"
    raise TypeError(e)  # pragma: no cover


def _wrap(text: str, prec: int, parent: int) -> str:
    return f"({text})" if prec < parent else text


def amount(a: ast.Amount) -> str:
    return f"{fmt_number(a.value)}%" if a.percent else fmt_number(a.value)
