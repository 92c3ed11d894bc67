"""What an indicator policy declares but nothing uses: a warning from ``perfrules check``.

A formula other than ``positive`` / ``reverse`` (which a target's ≥ / ≤ always
selects) is used only when an ``unsigned`` case or a ``when`` class names it; a
band set is used only when ``qualitative`` names it.  Something declared and
never used is almost always a typo in the name that should have used it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import nodes
from .model import RowClass
from .names import DIRECTIONS, EQUAL
from .unparse import expr as source

#: Row fields in the words of the form (一级指标 …).
FIELD_WORDS = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "unit": "单位", "goal": "绩效目标",
               "reason": "偏差原因", "actual": "实际值", "target": "目标值"}


def field_words(name: str) -> str:
    return FIELD_WORDS.get(name, name)

#: Where the fund amount that weights an aggregation (汇总) comes from.
FUND_AMOUNTS = ("budget.adjusted", "budget.executed", "budget.initial")

#: How the weight of 不适用 rows is rescaled: within their section, or on the total.
RESCALE_MODES = ("section", "total")

ALWAYS_USED = (*DIRECTIONS, EQUAL)  # equal: chosen by a target written =8个


@dataclass(frozen=True)
class Unused:
    """One declaration nothing references."""

    file: Any  # the nodes.RulesetFile it stands in
    code: str
    message: str
    span: nodes.Span
    hint: str


def unreferenced(ind: nodes.Indicators, indicators_file: Any,
                 bands: Mapping[str, tuple[Any, nodes.Bands]]) -> list[Unused]:
    """Formulas and band sets of `ind` (and the ruleset's `bands`) that nothing selects."""
    used = set(ALWAYS_USED)
    if ind.unsigned is not None:
        used.update(case.direction for case in ind.unsigned.cases)
    used.update(when.formula for when in ind.classes)
    out = []
    for pf in ind.formulas:
        if pf.direction not in used:
            out.append(Unused(indicators_file, "unused", f"计分公式 {pf.direction} 没有被任何 when 或 unsigned 使用",
                              pf.span, f"加一行 when 条件: {pf.direction}，或删除这个公式"))
    chosen = ind.qualitative.bands if ind.qualitative is not None else None
    for name, (file, decl) in bands.items():
        if name != chosen:
            out.append(Unused(file, "unused", f"分档 {name} 没有被使用", decl.span,
                              f"在 indicators 中写 qualitative: {name}，或删除这组分档"))
    return out


def class_words(row_class: RowClass) -> str:
    """A ``when`` condition in words: ``一级指标为 满意度指标``, else the condition as written."""
    cond = row_class.cond
    if isinstance(cond, nodes.Compare) and cond.op == "==" and isinstance(cond.left, nodes.Ref) \
            and isinstance(cond.right, (nodes.Str, nodes.Num)):
        return f"{field_words(cond.left.name)}为 {cond.right.value}"
    if isinstance(cond, nodes.InSet) and isinstance(cond.operand, nodes.Ref):
        return f"{field_words(cond.operand.name)}属于 " + "、".join(source(o).strip('"') for o in cond.options)
    return f"符合 {source(cond)}"
