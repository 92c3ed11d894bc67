"""An expression's words planned once: the text :func:`perfrules.trace.render` gives, without its walk.

An explanation puts a form's values into a rule's expression (``20 × min(11789 ÷ 13000, 1)``).
Only the names, ``weight`` and the ``if`` branch taken depend on the form; the operators,
parentheses and literals are the expression's own.  :func:`renderer` decides those once per
expression node (and the precedence of its place): a template of fixed texts with holes for the
values, filled by one small function of the values, so a batch pays for the tree walk once per
rule rather than once per item of every form (and for one call per value, not one per node).

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


#: A place in an expression's words that the values fill: a name, ``weight`` or an ``if``.
Hole = Renderer


def _plan(e: nodes.Expr, parent: int, if_words: IfWords) -> Renderer:
    """The words of `e` as a template: its fixed text between the holes the values fill, joined
    by one function of the number of holes (no code is generated: the pieces are values)."""
    pieces: list[str | Hole] = []
    _pieces(e, parent, if_words, pieces)
    texts: list[str] = [""]
    holes: list[Hole] = []
    for piece in pieces:
        if isinstance(piece, str):
            texts[-1] += piece
        else:
            holes.append(piece)
            texts.append("")
    return _filled(texts, holes)


def _filled(texts: list[str], holes: list[Hole]) -> Renderer:
    """``texts[0] + holes[0](…) + texts[1] + … + texts[-1]`` as a function of the values."""
    match texts, holes:
        case [a], []:
            return lambda env, w, shown: a
        case [a, b], [h0]:
            return lambda env, w, shown: f"{a}{h0(env, w, shown)}{b}"
        case [a, b, c], [h0, h1]:
            return lambda env, w, shown: f"{a}{h0(env, w, shown)}{b}{h1(env, w, shown)}{c}"
        case [a, b, c, d], [h0, h1, h2]:
            return lambda env, w, shown: f"{a}{h0(env, w, shown)}{b}{h1(env, w, shown)}{c}{h2(env, w, shown)}{d}"
    pairs = tuple(zip(holes, texts[1:]))
    head = texts[0]

    def joined(env: Mapping[str, Value], w: Decimal | None, shown: Mapping[str, str]) -> str:
        out = [head]
        for hole, text in pairs:
            out.append(hole(env, w, shown))
            out.append(text)
        return "".join(out)
    return joined


def _ref(name: str) -> Hole:
    missing = f"{name}(缺)"

    def ref(env: Mapping[str, Value], weight: Decimal | None, shown: Mapping[str, str]) -> str:
        if name in env:
            text = shown.get(name)
            return text if text is not None else value_text(env[name])
        return missing
    return ref


def _weight(env: Mapping[str, Value], weight: Decimal | None, shown: Mapping[str, str]) -> str:
    return fmt_number(weight) if weight is not None else "weight"


def _pieces(e: nodes.Expr, parent: int, if_words: IfWords, out: list[str | Hole]) -> None:
    """Append the words of `e` at precedence `parent` to `out`: text, and holes for the values."""
    def sub(x: nodes.Expr, p: int = 0) -> None:
        _pieces(x, p, if_words, out)

    def infix(left: nodes.Expr, lp: int, sym: str, right: nodes.Expr, rp: int, wrap: bool) -> None:
        if wrap:
            out.append("(")
        sub(left, lp)
        out.append(sym)
        sub(right, rp)
        if wrap:
            out.append(")")

    def listed(items: tuple[nodes.Expr, ...], sep: str) -> None:
        for k, item in enumerate(items):
            if k:
                out.append(sep)
            sub(item)

    match e:
        # what the explanation hook words itself …
        case nodes.Str(value=value):
            out.append(f"“{value}”")
        case nodes.BoolLit(value=value):
            out.append("是" if value else "否")
        case nodes.WeightRef():
            out.append(_weight)
        case nodes.Ref(name=name):
            out.append(_ref(name))
        case nodes.InSet(operand=operand, options=options):
            out.append("(" if 4 < parent else "")
            sub(operand, 5)
            out.append(" ∈ {")
            listed(options, "，")
            out.append("})" if 4 < parent else "}")
        case nodes.Call(func="ratio", args=(b, a)):
            out.append("ratio(")
            sub(b, 6)
            out.append(" ÷ ")
            sub(a, 7)
            out.append(")")
        case nodes.If():
            node = e
            out.append(lambda env, w, shown: if_words(node, env, w, shown, parent))
        # … and what unparse.expr words with the mathematical operators
        case nodes.Num(text=text):
            out.append(text)
        case nodes.Neg(operand=operand):
            out.append("(" + MATH["neg"] if 7 < parent else MATH["neg"])
            sub(operand, 7)
            out.append(")" if 7 < parent else "")
        case nodes.BinOp(op=op, left=left, right=right):
            p = _PREC[op]
            infix(left, p, f" {MATH[op]} ", right, p + 1, p < parent)
        case nodes.Compare(op=op, left=left, right=right):
            infix(left, 5, f" {MATH[op]} ", right, 5, 4 < parent)
        case nodes.Logic(op=op, left=left, right=right):
            p = _PREC[op]
            infix(left, p, MATH[op], right, p + 1, p < parent)
        case nodes.Not(operand=operand):
            out.append("(" + MATH["not"] if 3 < parent else MATH["not"])
            sub(operand, 3)
            out.append(")" if 3 < parent else "")
        case nodes.Call(func=func, args=args):
            out.append(f"{func}(")
            listed(args, ", ")
            out.append(")")
        case _:
            raise TypeError(e)  # pragma: no cover
