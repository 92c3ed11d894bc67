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
        return f"{render(expr, env, weight)} = {fmt_score(score, places)}"
    if kind == "row":
        _, weight, expr, env, local = trace
        scope = ChainMap(local, env)
        row = local["__row__"]
        display = {"target": row.target.display(),
                   "actual": row.actual.display() if local["actual"] == row.actual.value else fmt_number(local["actual"])}
        share = render(expr, scope, weight, display, 6)
        return f"{fmt_number(weight)} × {share} = {fmt_score(score, places)}"
    return str(trace)  # pragma: no cover


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
        mark = " ✗" if it.declared is not None and it.declared != it.score else ""
        rows.append((f"{'  ' * depth}{_short(it.name)}", fmt_number(it.weight), fmt_score(it.score, result.places),
                     declared + mark, it.explain))

    def walk(sec: Any, depth: int) -> None:  # the rubric's own order: each child where the ruleset put it
        if sec.items == [sec.id] and sec.id in items:
            item_row(items[sec.id], depth)
            return
        rows.append((f"{'  ' * depth}【{sec.name}】", fmt_number(sec.weight), fmt_score(sec.score, result.places), "", ""))
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
