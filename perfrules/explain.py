"""Explanations: every score as its formula with the numbers in it.

``20 × min(11789 ÷ 13000, 1) = 18.14`` — the rule's expression with each name
replaced by the form's value, only the branch of an ``if`` that was taken,
and the rounded result.  Also the text report of a whole result.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import ast
from . import unparse
from .errors import display_width
from .interpreter import eval_expr
from .references import field_words
from .values import EvalError, Value, fmt_number, fmt_score
from .operations import in_engine_context

def _value_text(v: Value, display: str | None = None) -> str:
    if display is not None:
        return display
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, Decimal):
        return fmt_number(v)
    if isinstance(v, tuple):
        return "[" + ", ".join(fmt_number(x) for x in v) + "]"
    return f"“{v}”"


@in_engine_context
def render(expr: ast.Expr, env: Mapping[str, Value], weight: Decimal | None = None,
           display: Mapping[str, str] | None = None, parent: int = 0) -> str:
    """`expr` with the form's values in place of names, only the taken branch of each ``if``."""
    shown = display or {}

    def again(e: ast.Expr, p: int = 0) -> str:
        return render(e, env, weight, shown, p)

    def hook(e: ast.Expr, p: int) -> str | None:
        match e:
            case ast.Str(value=value):
                return f"“{value}”"
            case ast.BoolLit(value=value):
                return "是" if value else "否"
            case ast.WeightRef():
                return fmt_number(weight) if weight is not None else "weight"
            case ast.Ref(name=name):
                return _value_text(env[name], shown.get(name)) if name in env else f"{name}(缺)"
            case ast.InSet(operand=operand, options=options):
                text = f"{again(operand, 5)} ∈ {{{'，'.join(again(o) for o in options)}}}"
                return f"({text})" if 4 < p else text
            case ast.Call(func="ratio", args=(b, a)):
                return f"ratio({again(b, 6)} ÷ {again(a, 7)})"
            case ast.If(cond=cond, then=then, else_=else_):
                return _taken(cond, then, else_, p)
        return None

    def _taken(cond: ast.Expr, then: ast.Expr, else_: ast.Expr, p: int) -> str:
        try:
            taken = eval_expr(cond, env, weight)
        except (EvalError, ArithmeticError, TypeError):
            text = f"若 {again(cond)} 则 {again(then)} 否则 {again(else_)}"
            return f"({text})" if p > 0 else text
        branch = again(then if taken else else_, p)
        flag = cond.operand if isinstance(cond, ast.Not) else cond
        if isinstance(flag, ast.Ref) and isinstance(env.get(flag.name), bool):
            return f"{flag.name}为{'是' if env[flag.name] else '否'} → {branch}"
        if isinstance(then if taken else else_, ast.Num):
            return f"({again(cond) if taken else '非 ' + again(cond, 3)} → {branch})"
        return branch

    return unparse.expr(expr, parent, hook, unparse.MATH)


@in_engine_context
def render_trace(trace: tuple[Any, ...], score: Decimal, places: int) -> str:
    """Turn an item's trace (recorded by either runner) into its explanation line."""
    if not trace:
        return ""
    kind = trace[0]
    if kind == "text":
        return str(trace[1]).replace("{score}", fmt_score(score, places))
    if kind == "qual":
        _, tier, lo, hi, declared, violated = trace
        band = f"{fmt_number(lo)}–{fmt_number(hi)}"
        got = fmt_score(score, places)
        if declared is None:
            return f"{tier}：{band} 分，未填报得分，取上限 {got}"
        if violated:
            return f"{tier}：{band} 分，填报 {fmt_number(declared)} 在区间外，取 {got}"
        return f"{tier}：{band} 分，采用填报得分 {got}"
    if kind == "expr":
        _, expr, env, weight = trace
        if isinstance(expr, ast.Ref):
            return f"{expr.name} = {fmt_score(score, places)}"
        conds, leaf = taken_path(expr, env, weight, {})
        if conds and _constant(leaf):
            return f"{'，'.join(conds)}，{_got(score, weight, places)}"
        head = f"{'，'.join(conds)}：" if conds else ""
        return f"{head}{render(leaf, env, weight)} = {fmt_score(score, places)}"
    if kind == "row":
        _, weight, expr, env, local = trace
        scope = ChainMap(local, env)
        row = local["__row__"]
        display = {"target": row.target.display(),
                   "actual": row.actual.display() if local["actual"] == row.actual.value else fmt_number(local["actual"])}
        conds, leaf = taken_path(expr, scope, weight, display)
        if conds and _constant(leaf):
            return f"{'，'.join(conds)}，{_got(score, weight, places)}"
        head = f"{'，'.join(conds)}：" if conds else ""
        share = render(leaf, scope, weight, display, 6)
        return f"{head}{fmt_number(weight)} × {share} = {fmt_score(score, places)}"
    return str(trace)  # pragma: no cover


_TRUE = {">=": "≥", ">": ">", "<=": "≤", "<": "低于", "==": "=", "!=": "≠"}
_FALSE = {">=": "未达到", ">": "未超过", "<=": "超过", "<": "不低于", "==": "≠", "!=": "="}


def _constant(e: ast.Expr) -> bool:
    return isinstance(e, (ast.Num, ast.WeightRef))


def _got(score: Decimal, weight: Decimal, places: int) -> str:
    return f"得满分 {fmt_score(score, places)}" if score == weight and score > 0 else f"得 {fmt_score(score, places)} 分"


def _guard(cond: ast.Expr, taken: bool) -> bool:
    """``target > 0`` taken: a guard against dividing by zero, not worth a word."""
    return taken and isinstance(cond, ast.Compare) and cond.op in (">", "!=") and isinstance(cond.right, ast.Num) \
        and cond.right.value == 0


def _side_text(e: ast.Expr, other: ast.Expr, env: Mapping[str, Value], weight: Decimal | None,
               display: Mapping[str, str]) -> str:
    """One side of a comparison: a name with its value (as a percentage beside a percentage)."""
    if isinstance(e, ast.Ref) and e.name not in display and isinstance(env.get(e.name), Decimal):
        value = env[e.name]
        assert isinstance(value, Decimal)
        shown = f"{fmt_number(value * 100)}%" if isinstance(other, ast.Num) and other.is_percent else fmt_number(value)
        return f"{field_words(e.name)} {shown}"
    return render(e, env, weight, display, 5)


def _cond_words(cond: ast.Expr, taken: bool, env: Mapping[str, Value], weight: Decimal | None,
                display: Mapping[str, str]) -> str:
    if isinstance(cond, ast.Logic):
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
    if isinstance(cond, ast.Compare) and cond.op in ("==", "!=") and isinstance(cond.left, ast.Ref) \
            and isinstance(cond.right, ast.Str) and cond.right.value == "":
        empty = taken == (cond.op == "==")
        return f"{field_words(cond.left.name)}{'为空' if empty else '已填写'}"
    if isinstance(cond, ast.Compare):
        left = _side_text(cond.left, cond.right, env, weight, display)
        right = _side_text(cond.right, cond.left, env, weight, display)
        return f"{left} {(_TRUE if taken else _FALSE)[cond.op]} {right}"
    text = render(cond, env, weight, display)
    return text if taken else f"不满足 {text}"


def condition_words(cond: ast.Expr, truth: bool, env: Mapping[str, Value]) -> str:
    """A condition that held (`truth`) or failed, in words: ``执行率 55% 未达到 60%``."""
    return _cond_words(cond, truth, env, None, {})


def taken_path(expr: ast.Expr, env: Mapping[str, Value], weight: Decimal | None,
               display: Mapping[str, str]) -> tuple[list[str], ast.Expr]:
    """The conditions of the ``if`` branches taken, in words, and the expression finally computed."""
    conds: list[str] = []
    while isinstance(expr, ast.If):
        try:
            taken = bool(eval_expr(expr.cond, env, weight))
        except (EvalError, ArithmeticError, TypeError):
            break
        if not _guard(expr.cond, taken):
            conds.append(_cond_words(expr.cond, taken, env, weight, display))
        expr = expr.then if taken else expr.else_
    return conds, expr


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = max(0, width - display_width(text))
    return (" " * gap + text) if right else (text + " " * gap)


@in_engine_context
def render_result(result: Any, full: bool = False) -> str:
    """The text report of a scored form; `full` adds each item's inputs and reasoning."""
    lines = []
    head = result.title or result.form
    lines.append(f"{head}")
    meta = [f"表单 {result.form}", f"规则 {result.ruleset_id} v{result.ruleset_version}"]
    if result.unit:
        meta.append(f"单位 {result.unit}")
    lines.append("  " + "  ".join(meta))
    rows = [("部分 / 指标", "分值", "得分", "填报", "计算")]
    sections = {s.id: s for s in result.sections}
    items = {it.id: it for it in result.items}

    def item_row(it: Any, depth: int) -> None:
        declared = fmt_number(it.declared) if it.declared is not None else ""
        ok = result.accepted(it.declared, it.score)
        mark = "" if ok is None else " ≈" if ok and it.declared != it.score else "" if ok else " ✗"
        score = fmt_score(it.score, result.places) if it.applicable else "不适用"
        rows.append((f"{'  ' * depth}{_short(it.name)}", fmt_number(it.weight), score, declared + mark, it.explain))

    def walk(sec: Any, depth: int) -> None:  # the rubric's own order: each child where the ruleset put it
        if sec.items == [sec.id] and sec.id in items:
            item_row(items[sec.id], depth)
            return
        how = sec.rescaled.explain(sec.score, result.places) if sec.rescaled is not None else ""
        rows.append((f"{'  ' * depth}【{sec.name}】", fmt_number(sec.weight), fmt_score(sec.score, result.places), "", how))
        for child in sec.items:
            if child in sections and child != sec.id:
                walk(sections[child], depth + 1)
            elif child in items:
                item_row(items[child], depth + 1)

    for sec in result.sections:
        if sec.parent is None:
            walk(sec, 0)
    widths = [max(display_width(r[i]) for r in rows) for i in range(4)]
    widths[0] = min(widths[0], 40)
    for r in rows:
        lines.append("  " + "  ".join([_pad(r[0], widths[0]), _pad(r[1], widths[1], True), _pad(r[2], widths[2], True),
                                       _pad(r[3], widths[3], True), r[4]]).rstrip())
    tot = f"总分 {fmt_score(result.total, result.places)} / {fmt_number(result.max)}"
    if result.grade:
        tot += f"  等级 {result.grade}"
    if result.declared_total is not None:
        tot += f"  （填报总分 {fmt_number(result.declared_total)}"
        tot += f"，填报等级 {result.declared_grade}）" if result.declared_grade else "）"
    lines.append("  " + tot)
    if result.rescaled is not None:
        lines.append("  " + "总分" + result.rescaled.explain(result.total, result.places))
    if result.aggregated_from:
        lines.append("  由 " + "、".join(result.aggregated_from) + " 汇总")
    if full:
        lines.append("")
        lines.append("计分过程:")
        for it in result.items:
            lines.append(f"  {it.name}  [{it.id}]  {it.path}")
            for k, label in (("level1", "一级指标"), ("level2", "二级指标"), ("target", "目标值"), ("actual", "实际值"),
                             ("tier", "等次"), ("reason", "判定")):
                if k in it.detail:
                    lines.append(f"      {label}: {it.detail[k]}")
            lines.append(f"      得分: {it.explain}")
            if it.declared is not None:
                lines.append(f"      填报: {fmt_number(it.declared)}")
    only_notes = all(f.severity == "info" for f in result.findings)
    if only_notes:
        lines.append("  未发现问题")
    if result.findings:
        lines.append("")
        lines.append(f"{'说明' if only_notes else '发现'} {len(result.findings)} 项:")
        for f in result.findings:
            where = f.path + (f" (第 {f.line} 行)" if f.line else "") + (f" ({f.place})" if f.place else "")
            lines.append(f"  {f.severity:<7} {f.code:<24} {where}")
            lines.append(f"          {f.message}")
    return "\n".join(lines)


def _short(name: str, limit: int = 36) -> str:
    out = ""
    for ch in name:
        if display_width(out + ch) > limit - 1:
            return out + "…"
        out += ch
    return out
