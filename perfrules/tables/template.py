"""``perfrules template``: a blank self-evaluation workbook in the official layout for a ruleset.

The workbook is the national 项目支出 / 部门整体支出 layout with the ruleset's own
parts: the budget item's points, one block of rows per indicator section (its
一级指标 or 年度绩效目标 with the section's points in the label), drop-down lists
(data validation) for 一级指标, 二级指标 and 评价等次, number formats, label cells
locked (the sheet is protected without a password; only input cells are open),
and a 数据项 block for rulesets that declare facts.  It names its ruleset in the
适用规则 row, so a filled copy scores with ``perfrules score`` and no options.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from .. import nodes
from ..model import Model, NodeSpec
from ..values import fmt_number

LEVEL2_WORDS = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
                "可持续影响指标", "服务对象满意度指标")
KIND_TITLES = {"project": "项目支出绩效自评表", "department": "部门整体支出绩效自评表"}
ROWS_PER_SECTION = 5
COLUMNS = ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "评价等次",
           "偏差原因分析及改进措施")
#: The 项目资金 block of the official layout: its rows and (from column C) its amount columns.
BUDGET_ROWS = ("年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金")
BUDGET_AMOUNTS = ("年初预算数", "全年预算数", "全年执行数")


def budget_head(points: Decimal | None) -> str:
    """The 项目资金 block's label, with its points when the ruleset or form states them."""
    return "项目资金 (万元)" + (f" ({fmt_number(points)}分)" if points is not None else "")


def form_title(kind: str, year: int | None, fallback: str = "") -> str:
    """The official table title: ``2022 年度项目支出绩效自评表``."""
    name = KIND_TITLES.get(kind, fallback)
    return f"{year} 年度{name}" if year is not None else name


@dataclass(frozen=True)
class RowBlock:
    """A block of indicator rows: the section it fills and what its rows' level1 or goal is."""

    node: NodeSpec
    level1: str | None
    goal: int | None


def row_blocks(model: Model) -> list[RowBlock]:
    """The ruleset's indicator sections with the literal 一级指标 or goal their `rows where` selects."""
    out = []
    for node in model.nodes():
        if not node.is_rows:
            continue
        level1, goal = None, None
        w = node.rows_where
        if isinstance(w, nodes.Compare) and w.op == "==" and isinstance(w.left, nodes.Ref):
            if w.left.name == "level1" and isinstance(w.right, nodes.Str):
                level1 = w.right.value
            elif w.left.name == "goal" and isinstance(w.right, nodes.Num):
                goal = int(w.right.value)
        out.append(RowBlock(node, level1, goal))
    return out


def build_template(model: Model, rows_per_section: int = ROWS_PER_SECTION, year: int | None = None) -> bytes:
    """The .xlsx bytes of a blank form for `model` (titled for `year`, by default the ruleset's first year)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    label_fill = PatternFill("solid", fgColor="EEF2F7")
    wrap = Alignment(wrap_text=True, vertical="center")
    open_cell = Protection(locked=False)

    def label(r: int, c: int, text: str, bold: bool = False) -> None:
        cell = ws.cell(r, c, text)
        cell.fill, cell.border, cell.alignment = label_fill, box, wrap
        if bold:
            cell.font = Font(bold=True)

    def entry(r: int, c: int, fmt: str | None = None) -> None:
        cell = ws.cell(r, c)
        cell.protection, cell.border, cell.alignment = open_cell, box, wrap
        if fmt:
            cell.number_format = fmt

    year = year if year is not None else model.first_year
    ws.cell(1, 1, form_title(model.kind, year, model.title)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    label(2, 1, "适用规则")
    ws.cell(2, 2, f"{model.id}")
    label(2, 4, "规则名称")
    ws.cell(2, 5, f"{model.title}（第 {model.version} 版）")
    label(3, 1, "地区")
    ws.cell(3, 2, "/".join(model.jurisdiction) or "全国")
    label(4, 1, "项目名称" if model.kind != "department" else "预算单位名称")
    entry(4, 2)
    ws.merge_cells(start_row=4, start_column=2, end_row=4, end_column=len(COLUMNS))
    label(5, 1, "实施单位" if model.kind != "department" else "主管部门")
    entry(5, 2)
    ws.merge_cells(start_row=5, start_column=2, end_row=5, end_column=len(COLUMNS))
    budget_points = next((n.weight for n in model.nodes() if n.is_leaf and n.declared and "budget" in n.declared), None)
    label(6, 1, budget_head(budget_points), bold=True)
    ws.merge_cells(start_row=6, start_column=1, end_row=10, end_column=1)
    for c, text in enumerate((*BUDGET_AMOUNTS, "执行率", "得分"), start=3):
        label(6, c, text)
    for r, text in enumerate(BUDGET_ROWS, start=7):
        label(r, 2, text)
        for c in (3, 4, 5):
            entry(r, c, "0.00")
    entry(7, 6, "0.00%")
    entry(7, 7, "0.##")
    label(11, 1, "年度总体目标")
    label(11, 2, "预期目标")
    entry(11, 3)
    label(12, 2, "实际完成情况")
    entry(12, 3)
    h = 13
    for c, text in enumerate(COLUMNS, start=1):
        label(h, c, text, bold=True)
    blocks = row_blocks(model)
    level1_names = [b.level1 for b in blocks if b.level1] or ["产出指标", "效益指标", "满意度指标"]
    bands = model.policy.bands if model.policy else ()
    tiers = [b.label for b in bands]
    dv_level1 = DataValidation(type="list", formula1='"' + ",".join(level1_names) + '"', allow_blank=True)
    level2 = list(dict.fromkeys(list(LEVEL2_WORDS) + list(model.policy.unsigned_cases if model.policy else [])))
    dv_level2 = DataValidation(type="list", formula1='"' + ",".join(level2) + '"', allow_blank=True,
                               showErrorMessage=False)  # a 二级指标 outside the list is allowed, with a hint
    dv_level2.prompt, dv_level2.showInputMessage = "可从列表中选择，也可照文件填写", True
    dv_tier = DataValidation(type="list", formula1='"' + ",".join(tiers) + '"', allow_blank=True) if tiers else None
    dv_number = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(model.full),
                               allow_blank=True)
    dv_number.error, dv_number.showErrorMessage = f"分值、得分应为 0–{fmt_number(model.full)} 之间的数字", True
    for dv in (dv_level1, dv_level2, dv_tier, dv_number):
        if dv is not None:
            ws.add_data_validation(dv)
    r = h + 1
    for block in blocks:
        start = r
        for _ in range(rows_per_section):
            if block.level1:
                label(r, 2, block.level1)
            else:
                entry(r, 2)
                dv_level1.add(ws.cell(r, 2))
            for c in (3, 4, 5, 6, 10):
                entry(r, c)
            dv_level2.add(ws.cell(r, 3))
            for c in (7, 8):
                entry(r, c, "0.##")
                dv_number.add(ws.cell(r, c))
            entry(r, 9)
            if dv_tier is not None:
                dv_tier.add(ws.cell(r, 9))
            r += 1
        points = f" ({fmt_number(block.node.weight)}分)"
        name = f"年度绩效目标{block.goal}{points}" if block.goal is not None else f"{block.node.name}{points}"
        label(start, 1, name, bold=True)
        ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
    label(r, 1, "总分", bold=True)
    label(r, 7, fmt_number(model.full))
    entry(r, 8, "0.##")
    r += 1
    if model.facts:
        r += 1
        label(r, 1, "数据项", bold=True)
        label(r, 2, "说明", bold=True)
        label(r, 5, "数值", bold=True)
        r += 1
        for name, spec in model.facts.items():
            label(r, 1, name)
            label(r, 2, (spec.label or "") + ("（可不填）" if spec.optional else ""))
            entry(r, 5, "0.00%" if spec.type == "percent" else None)
            if spec.type == "enum" and spec.values:
                dv = DataValidation(type="list", formula1='"' + ",".join(spec.values) + '"', allow_blank=True)
                ws.add_data_validation(dv)
                dv.add(ws.cell(r, 5))
            r += 1
    r += 1
    ws.cell(r, 1, "填表人:")
    ws.cell(r, 4, "单位负责人签字:")
    ws.cell(r, 7, "填报日期:")
    for letter, width in zip("ABCDEFGHIJ", (16, 14, 16, 30, 16, 16, 8, 8, 12, 24)):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True  # labels locked, no password: a unit may unprotect to fix a label
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

