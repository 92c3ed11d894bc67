"""Explanations: every score as its formula with the numbers in it.

``20 × min(11789 ÷ 13000, 1) = 18.14`` — the rule's expression with each name
replaced by the form's value, only the branch of an ``if`` that was taken,
and the rounded result.  Also the text report of a whole result.
"""

from __future__ import annotations

from typing import Any

from .errors import display_width
from .operations import in_engine_context
from .trace import render, render_trace
from .values import fmt_number, fmt_score

__all__ = ["render", "render_result", "render_trace"]


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
