"""An expression's words planned once: the text :func:`perfrules.trace.render` gives, without its walk.

An explanation puts a form's values into a rule's expression (``20 × min(11789 ÷ 13000, 1)``).
Only the names, ``weight`` and the ``if`` branch taken depend on the form; the operators,
parentheses and literals are the expression's own.  :func:`renderer` decides those once per
expression node (and the precedence of its place) and returns a function of the values, so a
batch pays for the tree walk once per rule rather than once per item of every form.

The plan is cached beside the node it was made from (the node is held, so its identity stays
its own); the text is exactly what walking :func:`perfrules.unparse.expr` with the explanation
hook gives — ``tests/test_cli_speed.py`` holds the two equal on generated expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from . import nodes
from .unparse import _PREC, MATH
from .values import Value, fmt_number

#: The values an explanation is worded from: the scope, the weight, and names shown as written.
Renderer = Callable[[Mapping[str, Value], "Decimal | None", Mapping[str, str]], str]
#: How an ``if`` is worded (it depends on the branch the values take): node, values, precedence.
IfWords = Callable[[nodes.If, Mapping[str, Value], "Decimal | None", Mapping[str, str], int], str]

_PLANS: dict[tuple[int, int], tuple[nodes.Expr, Renderer]] = {}
#: Plans kept at most (a ruleset has a few hundred expressions; the cache starts again beyond).
MAX_PLANS = 8192


def value_text(v: Value, display: str | None = None) -> str:
    """A value as an explanation shows it: as written (`display`), 是/否, a number, a list, “text”."""
    if display is not None:
        return display
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, Decimal):
        return fmt_number(v)
    if isinstance(v, tuple):
        return "[" + ", ".join(fmt_number(x) for x in v) + "]"
    return f"“{v}”"


def renderer(e: nodes.Expr, parent: int, if_words: IfWords) -> Renderer:
    """The words of `e` at precedence `parent` as a function of the values (planned once per node)."""
    key = (id(e), parent)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is e:
        return hit[1]
    plan = _plan(e, parent, if_words)
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = (e, plan)
    return plan


def _constant(text: str) -> Renderer:
    return lambda env, weight, shown: text


def _wrapped(join: Callable[[Mapping[str, Value], Decimal | None, Mapping[str, str]], str],
             wrap: bool) -> Renderer:
    if not wrap:
        return join
    return lambda env, weight, shown: f"({join(env, weight, shown)})"


def _infix(left: Renderer, sym: str, right: Renderer, wrap: bool) -> Renderer:
    return _wrapped(lambda env, w, shown: f"{left(env, w, shown)}{sym}{right(env, w, shown)}", wrap)


def _plan(e: nodes.Expr, parent: int, if_words: IfWords) -> Renderer:
    def sub(x: nodes.Expr, p: int = 0) -> Renderer:
        return renderer(x, p, if_words)

    match e:
        # what the explanation hook words itself …
        case nodes.Str(value=value):
            return _constant(f"“{value}”")
        case nodes.BoolLit(value=value):
            return _constant("是" if value else "否")
        case nodes.WeightRef():
            return lambda env, weight, shown: fmt_number(weight) if weight is not None else "weight"
        case nodes.Ref(name=name):
            missing = f"{name}(缺)"

            def ref(env: Mapping[str, Value], weight: Decimal | None, shown: Mapping[str, str]) -> str:
                return value_text(env[name], shown.get(name)) if name in env else missing
            return ref
        case nodes.InSet(operand=operand, options=options):
            head, each = sub(operand, 5), [sub(o) for o in options]
            return _wrapped(lambda env, w, shown: f"{head(env, w, shown)} ∈ {{"
                            f"{'，'.join(o(env, w, shown) for o in each)}}}", 4 < parent)
        case nodes.Call(func="ratio", args=(b, a)):
            top, bottom = sub(b, 6), sub(a, 7)
            return lambda env, w, shown: f"ratio({top(env, w, shown)} ÷ {bottom(env, w, shown)})"
        case nodes.If():
            node = e
            return lambda env, w, shown: if_words(node, env, w, shown, parent)
        # … and what unparse.expr words with the mathematical operators
        case nodes.Num(text=text):
            return _constant(text)
        case nodes.Neg(operand=operand):
            inner = sub(operand, 7)
            return _wrapped(lambda env, w, shown: f"{MATH['neg']}{inner(env, w, shown)}", 7 < parent)
        case nodes.BinOp(op=op, left=left, right=right):
            p = _PREC[op]
            return _infix(sub(left, p), f" {MATH[op]} ", sub(right, p + 1), p < parent)
        case nodes.Compare(op=op, left=left, right=right):
            return _infix(sub(left, 5), f" {MATH[op]} ", sub(right, 5), 4 < parent)
        case nodes.Logic(op=op, left=left, right=right):
            p = _PREC[op]
            return _infix(sub(left, p), MATH[op], sub(right, p + 1), p < parent)
        case nodes.Not(operand=operand):
            inner = sub(operand, 3)
            return _wrapped(lambda env, w, shown: f"{MATH['not']}{inner(env, w, shown)}", 3 < parent)
        case nodes.Call(func=func, args=args):
            parts = [sub(a) for a in args]
            return lambda env, w, shown: f"{func}({', '.join(part(env, w, shown) for part in parts)})"
    raise TypeError(e)  # pragma: no cover
