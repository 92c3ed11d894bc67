"""One scored form as a sheet of ``perfrules report … -o report.xlsx``, in the official table layout.

The layout is the one ``perfrules template`` writes (title, 项目名称 / 实施单位, the
项目资金 block, the indicator table, 总分; labels from :mod:`.template`) with a
计算得分 column beside each declared 得分.  A declared score that disagrees with the
computed one is filled red on both cells, and the cell carries the findings on
that item as a comment; every finding of the form is listed under the table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..result import Finding, ItemResult, Result
from ..trace import ItemFormula, RowFormula
from ..values import fmt_number
from .report_summary import where
from .template import BUDGET_AMOUNTS, BUDGET_ROWS, budget_head, form_title

#: The indicator table's columns (A…J); 计算得分 stands beside the declared 得分.
FORM_COLUMNS = ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分（填报）",
                "计算得分", "偏差原因分析及改进措施")
DECLARED_COL, COMPUTED_COL = 8, 9
#: The 项目资金 block's columns from C: the amounts, then 分值, 执行率, 得分 and 计算得分.
BUDGET_COLUMNS = (*BUDGET_AMOUNTS, "分值", "执行率", "得分（填报）", "计算得分")
BUDGET_FIELDS = ("budget.initial", "budget.adjusted", "budget.executed")
SOURCE_FIELDS = ("budget.sources.appropriation", "budget.sources.carryover", "budget.sources.other")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
ALERT = "F8D7DA"


def _values(items: list[ItemResult]) -> dict[str, Decimal]:
    """The form values the budget items' rules read (``budget.adjusted`` …), from their traces."""
    out: dict[str, Decimal] = {}
    for item in items:
        if isinstance(item.trace, (ItemFormula, RowFormula)):  # the values the item's formula read
            out.update({k: v for k, v in item.trace.env.items() if isinstance(v, Decimal)})
    return out


def sheet_number(x: Decimal | None) -> int | float | None:
    """A figure as a worksheet number: int when whole, else the float of its exact decimal text."""
    if x is None:
        return None
    text = fmt_number(x)
    return int(text) if "." not in text else float(text)


def _about(r: Result, item: ItemResult) -> list[Finding]:
    return [f for f in r.findings if f.path == item.path or f.path.startswith(item.path + ".")
            or f.path.startswith(item.path + "[")]


def write_form_sheet(sh: Any, r: Result) -> None:
    """Fill worksheet `sh` with form `r` in the official layout, computed beside declared."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    label_fill = PatternFill("solid", fgColor="EEF2F7")
    alert = PatternFill("solid", fgColor=ALERT)
    wrap = Alignment(wrap_text=True, vertical="center")

    def put(row: int, col: int, value: Any, label: bool = False, fmt: str | None = None) -> Any:
        cell = sh.cell(row, col, value)
        cell.border, cell.alignment = box, wrap
        if label:
            cell.fill, cell.font = label_fill, Font(bold=True)
        if fmt:
            cell.number_format = fmt
        return cell

    def disagree(row: int, col: int, declared: Decimal | None, computed: Decimal, notes: list[Finding]) -> None:
        put(row, col, sheet_number(declared), fmt="0.##")
        put(row, col + 1, sheet_number(computed), fmt="0.##")
        if declared is not None and declared != computed:
            for c in (col, col + 1):
                sh.cell(row, c).fill = alert
            text = "\n".join(f"{SEVERITY_NAMES.get(f.severity, f.severity)} {f.code}: {f.message}" for f in notes)
            sh.cell(row, col + 1).comment = Comment(
                text or f"填报 {fmt_number(declared)}，计算 {fmt_number(computed)}", "perfrules", width=360, height=160)

    values = _values(r.items)
    year = values.get("year")
    sh.cell(1, 1, form_title(r.kind, int(year) if year is not None else None, r.title or "")).font = Font(
        bold=True, size=14)
    sh.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FORM_COLUMNS))
    put(2, 1, "项目名称" if r.kind != "department" else "预算单位名称", label=True)
    put(2, 2, r.title or "")
    sh.merge_cells(start_row=2, start_column=2, end_row=2, end_column=len(FORM_COLUMNS))
    put(3, 1, "实施单位" if r.kind != "department" else "主管部门", label=True)
    put(3, 2, r.unit or "")
    put(3, 7, "适用规则", label=True)
    put(3, 8, f"{r.ruleset_id} 第 {r.ruleset_version} 版")
    sh.merge_cells(start_row=3, start_column=8, end_row=3, end_column=len(FORM_COLUMNS))
    put(4, 1, "表单", label=True)
    put(4, 2, r.form)

    budget = [it for it in r.items if it.kind == "item" and it.path.startswith("$.budget")]
    top = 5
    put(top, 1, budget_head(budget[0].weight if budget else None), label=True)
    for c, text in enumerate(BUDGET_COLUMNS, start=3):
        put(top, c, text, label=True)
    parts = [values.get(k) for k in SOURCE_FIELDS]
    rows = BUDGET_ROWS if any(p is not None for p in parts) else BUDGET_ROWS[:1]
    for k, text in enumerate(rows, start=1):
        put(top + k, 2, text, label=True)
        amounts = [values.get(f) for f in BUDGET_FIELDS] if k == 1 else [None, parts[k - 2], None]
        for c, amount in enumerate(amounts, start=3):
            put(top + k, c, sheet_number(amount), fmt="0.00")
    total_row = top + 1
    adjusted, executed = values.get("budget.adjusted"), values.get("budget.executed")
    if budget:
        put(total_row, 6, sheet_number(budget[0].weight))
    if adjusted and executed is not None:
        put(total_row, 7, sheet_number((executed / adjusted).quantize(Decimal("0.0001"))), fmt="0.00%")
    for k, item in enumerate(budget):
        disagree(total_row + k, 8, item.declared, item.score, _about(r, item))
    sh.merge_cells(start_row=top, start_column=1, end_row=top + len(rows), end_column=1)

    h = top + len(rows) + 2
    for c, text in enumerate(FORM_COLUMNS, start=1):
        put(h, c, text, label=True)
    row = h + 1
    sections = {s.id: s for s in r.sections}
    section_start: dict[str, int] = {}
    for item in r.items:
        if item in budget:
            continue
        sec = sections.get(item.section)
        if sec is not None and sec.id not in section_start:
            section_start[sec.id] = row
            put(row, 1, f"{sec.name} ({fmt_number(sec.weight)}分)", label=True)
        src = item.source.row if item.source is not None else None
        level1 = getattr(src, "level1", "") if src is not None else ""
        put(row, 2, level1 or "")
        put(row, 3, (getattr(src, "level2", "") or "") if src is not None else "")
        put(row, 4, item.name)
        put(row, 5, getattr(src, "target_text", "") or "" if src is not None else "")
        put(row, 6, getattr(src, "actual_text", "") or "" if src is not None else "")
        put(row, 7, sheet_number(item.weight), fmt="0.##")
        disagree(row, DECLARED_COL, item.declared, item.score, _about(r, item))
        put(row, 10, (getattr(src, "reason", "") or "") if src is not None else "")
        row += 1
    starts = sorted(section_start.values())
    for start, end in zip(starts, [*starts[1:], row]):
        if end - 1 > start:  # the section's label merged down its rows, as in the official table
            sh.merge_cells(start_row=start, start_column=1, end_row=end - 1, end_column=1)
    put(row, 1, "总分", label=True)
    put(row, 7, sheet_number(r.max))
    disagree(row, DECLARED_COL, r.declared_total, r.total,
             [f for f in r.findings if f.path.startswith("$.declared_total")])
    put(row, 10, f"等级 {r.grade}")

    row += 2
    sh.cell(row, 1, f"发现 {len(r.findings)} 项").font = Font(bold=True)
    for c, text in enumerate(("级别", "代码", "位置", "说明"), start=1):
        put(row + 1, c, text, label=True)
    row += 2
    for f in r.findings:
        put(row, 1, SEVERITY_NAMES.get(f.severity, f.severity))
        put(row, 2, f.code)
        put(row, 3, where(f))
        put(row, 4, f.message)
        sh.merge_cells(start_row=row, start_column=4, end_row=row, end_column=len(FORM_COLUMNS))
        if f.severity == "error":
            sh.cell(row, 1).fill = alert
        row += 1
    for letter, width in zip("ABCDEFGHIJ", (18, 14, 14, 30, 16, 16, 8, 10, 10, 30)):
        sh.column_dimensions[letter].width = width
    sh.freeze_panes = sh.cell(h + 1, 1)
