"""Syntax tree back to source text, in the canonical style.

Used by the formatter (``perfrules fmt``), by ``perfrules diff`` to state a
changed formula, and by messages that name an expression.
"""

from __future__ import annotations

from collections.abc import Callable

from . import nodes
from .errors import Diagnostic, PerfrulesError

_PREC = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}

#: Operator spellings: canonical source (ASCII) …
SOURCE = {"+": "+", "-": "-", "*": "*", "/": "/", ">=": ">=", "<=": "<=", "==": "==", "!=": "!=", ">": ">",
          "<": "<", "and": " and ", "or": " or ", "not": "not ", "neg": "-"}
#: … and the mathematical ones explanations use.
MATH = {"+": "+", "-": "−", "*": "×", "/": "÷", ">=": "≥", "<=": "≤", "==": "=", "!=": "≠", ">": ">", "<": "<",
        "and": " 且 ", "or": " 或 ", "not": "非 ", "neg": "−"}

def quote(text: str) -> str:
    """`text` as a ruleset string literal: ``"…"``, or ``“…”`` when it contains ``"``.

    The language has no escapes, so a text holding both ``"`` and ``”`` (or a
    line break) cannot be written; that raises :class:`PerfrulesError` rather
    than produce a file that does not parse.  Every tool that writes ruleset
    text (``fmt``, ``new-year``, expressions in ``diff``) quotes through here.
    """
    if "\n" in text or "\r" in text or ('"' in text and "”" in text):
        raise PerfrulesError([Diagnostic(
            "error", "unquotable", f"文字 {text!r} 无法写成规则中的字符串",
            hint='规则中的字符串不能换行，也不能同时含有 " 和 ”；改写这段文字')])
    return f"“{text}”" if '"' in text else f'"{text}"'


#: A hook may print a node itself (return text) or leave it to the walk (return None).
Hook = Callable[[nodes.Expr, int], "str | None"]


def expr(e: nodes.Expr, parent: int = 0, hook: Hook | None = None, ops: dict[str, str] = SOURCE) -> str:
    """An expression as text, with minimal parentheses.

    By default the canonical source (ASCII operators); with a `hook` and
    `ops` the same walk prints explanations (see :mod:`perfrules.explain`).
    """
    if hook is not None:
        done = hook(e, parent)
        if done is not None:
            return done

    def r(x: nodes.Expr, p: int = 0) -> str:
        return expr(x, p, hook, ops)

    match e:
        case nodes.Num(text=text):
            return text
        case nodes.Str(value=value):
            return quote(value)
        case nodes.BoolLit(value=value):
            return "true" if value else "false"
        case nodes.WeightRef():
            return "weight"
        case nodes.Ref(name=name):
            return name
        case nodes.Neg(operand=operand):
            return _wrap(f"{ops['neg']}{r(operand, 7)}", 7, parent)
        case nodes.BinOp(op=op, left=left, right=right):
            p = _PREC[op]
            return _wrap(f"{r(left, p)} {ops[op]} {r(right, p + 1)}", p, parent)
        case nodes.Compare(op=op, left=left, right=right):
            return _wrap(f"{r(left, 5)} {ops[op]} {r(right, 5)}", 4, parent)
        case nodes.InSet(operand=operand, options=options):
            return _wrap(f"{r(operand, 5)} in ({', '.join(r(o) for o in options)})", 4, parent)
        case nodes.Logic(op=op, left=left, right=right):
            p = _PREC[op]
            return _wrap(f"{r(left, p)}{ops[op]}{r(right, p + 1)}", p, parent)
        case nodes.Not(operand=operand):
            return _wrap(f"{ops['not']}{r(operand, 3)}", 3, parent)
        case nodes.If(cond=cond, then=then, else_=else_):
            # an `if` nested in the condition or the `then` branch keeps its parentheses: a reader needs them
            # to see which `else` is whose; an `else if` chain reads well without
            return _wrap(f"if {r(cond, _nested(cond))} then {r(then, _nested(then))} else {r(else_)}", 0, parent)
        case nodes.Call(func=func, args=args):
            return f"{func}({', '.join(r(a) for a in args)})"
    raise TypeError(e)  # pragma: no cover


def _nested(e: nodes.Expr) -> int:
    return 1 if isinstance(e, nodes.If) else 0


def _wrap(text: str, prec: int, parent: int) -> str:
    return f"({text})" if prec < parent else text

