"""Typed traces: what an item's score was computed from, kept so it can be put in words.

Scoring records one small trace per item (references to values it already has, no
text); the words — ``20 × min(11789 ÷ 13000, 1) = 18.14`` — are built only when
someone asks (:attr:`perfrules.result.ItemResult.explain`, ``perfrules explain``,
``to_dict``).  :func:`render` puts a form's values into a rule's expression.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn

from . import nodes
from .evaluate import eval_expr
from .operations import in_engine_context
from .references import field_words
from .values import EvalError, Value, fmt_number, fmt_score
from .wording import renderer


# Not frozen: one trace is built per scored item, and a frozen dataclass's __init__ costs 2.5×.
@dataclass(slots=True)
class Said:
    """A score stated in words; ``{score}`` in `text` stands for the rounded score."""

    text: str


@dataclass(slots=True)
class ItemFormula:
    """An item scored by its ``score`` expression over the form's values."""

    expr: nodes.Expr
    env: Mapping[str, Value]
    weight: Decimal


@dataclass(slots=True)
class RowFormula:
    """An indicator row scored as ``weight × formula(actual, target)``."""

    weight: Decimal
    expr: nodes.Expr
    env: Mapping[str, Value]
    local: Mapping[str, Any]  # the row's values; ``__row__`` is the row, for its cells as written


@dataclass(slots=True)
class TierScore:
    """A qualitative row: its tier's band in points and the declared score, if any."""

    tier: str
    lo: Decimal
    hi: Decimal
    declared: Decimal | None
    violated: bool


#: What an item's score was computed from.
Trace = Said | ItemFormula | RowFormula | TierScore


_NO_DISPLAY: Mapping[str, str] = {}
_MERGED_SCOPE = 64  # a row's scope is merged into one dict up to this many form values


@in_engine_context
def render(expr: nodes.Expr, env: Mapping[str, Value], weight: Decimal | None = None,
           display: Mapping[str, str] | None = None, parent: int = 0) -> str:
    """`expr` with the form's values in place of names, only the taken branch of each ``if``."""
    return _render(expr, env, weight, display or _NO_DISPLAY, parent)


def _render(expr: nodes.Expr, env: Mapping[str, Value], weight: Decimal | None,
            shown: Mapping[str, str], parent: int = 0) -> str:
    """:func:`render` inside the engine's context (the words planned once per expression)."""
    return renderer(expr, parent, _taken)(env, weight, shown)


def _taken(e: nodes.If, env: Mapping[str, Value], weight: Decimal | None, shown: Mapping[str, str],
           p: int) -> str:
    """An ``if`` in words: the branch the values take (both, when the condition cannot be decided)."""
    cond, then, else_ = e.cond, e.then, e.else_
    try:
        taken = eval_expr(cond, env, weight)
    except (EvalError, ArithmeticError, TypeError):
        text = (f"若 {_render(cond, env, weight, shown)} 则 {_render(then, env, weight, shown)} "
                f"否则 {_render(else_, env, weight, shown)}")
        return f"({text})" if p > 0 else text
    branch = _render(then if taken else else_, env, weight, shown, p)
    flag = cond.operand if isinstance(cond, nodes.Not) else cond
    if isinstance(flag, nodes.Ref) and isinstance(env.get(flag.name), bool):
        return f"{flag.name}为{'是' if env[flag.name] else '否'} → {branch}"
    if isinstance(then if taken else else_, nodes.Num):
        words = _render(cond, env, weight, shown) if taken else "非 " + _render(cond, env, weight, shown, 3)
        return f"({words} → {branch})"
    return branch


_TRUE = {">=": "≥", ">": ">", "<=": "≤", "<": "低于", "==": "=", "!=": "≠"}
_FALSE = {">=": "未达到", ">": "未超过", "<=": "超过", "<": "不低于", "==": "≠", "!=": "="}


def _constant(e: nodes.Expr) -> bool:
    return isinstance(e, (nodes.Num, nodes.WeightRef))


def _got(score: Decimal, weight: Decimal, places: int) -> str:
    return f"得满分 {fmt_score(score, places)}" if score == weight and score > 0 else f"得 {fmt_score(score, places)} 分"


def _guard(cond: nodes.Expr, taken: bool) -> bool:
    """``target > 0`` taken: a guard against dividing by zero, not worth a word."""
    return taken and isinstance(cond, nodes.Compare) and cond.op in (">", "!=") and isinstance(cond.right, nodes.Num) \
        and cond.right.value == 0


def _side_text(e: nodes.Expr, other: nodes.Expr, env: Mapping[str, Value], weight: Decimal | None,
               display: Mapping[str, str]) -> str:
    """One side of a comparison: a name with its value (as a percentage beside a percentage)."""
    if isinstance(e, nodes.Ref) and e.name not in display and isinstance(env.get(e.name), Decimal):
        value = env[e.name]
        assert isinstance(value, Decimal)
        shown = f"{fmt_number(value * 100)}%" if isinstance(other, nodes.Num) and other.is_percent else fmt_number(value)
        return f"{field_words(e.name)} {shown}"
    return render(e, env, weight, display, 5)


def _cond_words(cond: nodes.Expr, taken: bool, env: Mapping[str, Value], weight: Decimal | None,
                display: Mapping[str, str]) -> str:
    if isinstance(cond, nodes.Logic):
        try:
            truths = [bool(eval_expr(side, env, weight)) for side in (cond.left, cond.right)]
        except (EvalError, ArithmeticError, TypeError):
            truths = []
        if truths:
            sides = list(zip((cond.left, cond.right), truths))
            if (cond.op == "and") == taken:  # every part agrees: say them all
                return " 且 ".join(_cond_words(side, truth, env, weight, display) for side, truth in sides)
            side, truth = next((x, t) for x, t in sides if t == taken)  # the part that decided
            return _cond_words(side, truth, env, weight, display)
    if isinstance(cond, nodes.Compare) and cond.op in ("==", "!=") and isinstance(cond.left, nodes.Ref) \
            and isinstance(cond.right, nodes.Str) and cond.right.value == "":
        empty = taken == (cond.op == "==")
        return f"{field_words(cond.left.name)}{'为空' if empty else '已填写'}"
    if isinstance(cond, nodes.Compare):
        left = _side_text(cond.left, cond.right, env, weight, display)
        right = _side_text(cond.right, cond.left, env, weight, display)
        return f"{left} {(_TRUE if taken else _FALSE)[cond.op]} {right}"
    text = render(cond, env, weight, display)
    return text if taken else f"不满足 {text}"


def condition_words(cond: nodes.Expr, truth: bool, env: Mapping[str, Value]) -> str:
    """A condition that held (`truth`) or failed, in words: ``执行率 55% 未达到 60%``."""
    return _cond_words(cond, truth, env, None, {})


def taken_path(expr: nodes.Expr, env: Mapping[str, Value], weight: Decimal | None,
               display: Mapping[str, str]) -> tuple[list[str], nodes.Expr]:
    """The conditions of the ``if`` branches taken, in words, and the expression finally computed."""
    conds: list[str] = []
    while isinstance(expr, nodes.If):
        try:
            taken = bool(eval_expr(expr.cond, env, weight))
        except (EvalError, ArithmeticError, TypeError):
            break
        if not _guard(expr.cond, taken):
            conds.append(_cond_words(expr.cond, taken, env, weight, display))
        expr = expr.then if taken else expr.else_
    return conds, expr


@in_engine_context
def render_trace(trace: Trace | None, score: Decimal, places: int) -> str:
    """An item's trace (recorded by either runner) as its explanation line."""
    return trace_words(trace, score, places)


def trace_words(trace: Trace | None, score: Decimal, places: int, got: str | None = None) -> str:
    """:func:`render_trace` for a caller already in the engine's context; `got` is the score as
    ``fmt_score(score, places)`` words it, when the caller has it already."""
    if trace is None:
        return ""
    if got is None:
        got = fmt_score(score, places)
    match trace:
        case RowFormula(weight=weight, expr=expr, env=env, local=local):
            # the most common trace, tried first: the row's values over the form's; one small dict
            # reads faster than a ChainMap
            scope: Mapping[str, Any] = {**env, **local} if len(env) <= _MERGED_SCOPE else ChainMap(
                local, env)  # type: ignore[arg-type]
            row = local["__row__"]
            display = {}  # a class formula may score a row whose cells are not numbers (it reads none)
            if row.target is not None:
                display["target"] = row.target.display()
            if row.actual is not None:
                display["actual"] = row.actual.display() if local["actual"] == row.actual.value \
                    else fmt_number(local["actual"])
            conds, leaf = taken_path(expr, scope, weight, display)
            if conds and _constant(leaf):
                return f"{'，'.join(conds)}，{_got(score, weight, places)}"
            head = f"{'，'.join(conds)}：" if conds else ""
            share = _render(leaf, scope, weight, display, 6)
            return f"{head}{fmt_number(weight)} × {share} = {got}"
        case Said(text=text):
            return text.replace("{score}", got)
        case TierScore(tier=tier, lo=lo, hi=hi, declared=declared, violated=violated):
            band = f"{fmt_number(lo)}–{fmt_number(hi)}"
            if declared is None:
                return f"{tier}：{band} 分，未填报得分，取上限 {got}"
            if violated:
                return f"{tier}：{band} 分，填报 {fmt_number(declared)} 在区间外，取 {got}"
            return f"{tier}：{band} 分，采用填报得分 {got}"
        case ItemFormula(expr=expr, env=env, weight=weight):
            if isinstance(expr, nodes.Ref):
                return f"{expr.name} = {got}"
            conds, leaf = taken_path(expr, env, weight, {})
            if conds and _constant(leaf):
                return f"{'，'.join(conds)}，{_got(score, weight, places)}"
            head = f"{'，'.join(conds)}：" if conds else ""
            return f"{head}{_render(leaf, env, weight, _NO_DISPLAY)} = {got}"
        case _:
            _unknown(trace)


def _unknown(trace: NoReturn) -> NoReturn:
    """A trace kind render_trace does not know (mypy fails here when a kind is added and not worded)."""
    raise TypeError(f"unknown trace {trace!r}")  # pragma: no cover
