"""``perfrules report … -o report.xlsx``: the summary workbook a reviewer hands on.

Sheet 汇总 (one row per form, ranked; an unreadable form is a row with its
error), sheet 发现 (every finding with form, place and message), then one sheet
per scored form in the official table layout (:mod:`.report_form`): the declared
得分 beside the computed one, disagreements filled red with the findings as a
cell comment, and the form's findings under the table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from ..api import Scored
from ..result import Result
from .report_form import SEVERITY_NAMES, write_form_sheet
from .report_form import sheet_number as _num
from .report_summary import FindingRow, SummaryRow, summarize

SUMMARY_COLUMNS = ("序号", "表单", "单位", "项目", "规则", "版本", "总分", "等级", "填报总分", "差额（填报−计算）",
                   "错误", "警告", "排名", "无法读取的原因")
FINDING_COLUMNS = ("表单", "位置", "级别", "代码", "说明")


def _sheet_name(n: int, r: Result, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", r.title or r.unit or r.form.rsplit("/", 1)[-1])
    name = f"{n}-{base}"[:31]
    while name in taken:
        name = name[:28] + f"~{len(taken)}"
    taken.add(name)
    return name


def build_report_xlsx(items: Sequence[Scored]) -> bytes:
    """The .xlsx bytes of the report on `items` (in input order)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    rows, findings = summarize(items)
    wb = Workbook()
    bold = Font(bold=True)
    alert = PatternFill("solid", fgColor="F8D7DA")
    warn = PatternFill("solid", fgColor="FFF3CD")
    head_fill = PatternFill("solid", fgColor="DDE5F0")

    ws = wb.active
    ws.title = "汇总"
    ws.append(list(SUMMARY_COLUMNS))
    for row in rows:
        ws.append(_summary_cells(row))
        if row.error:
            for cell in ws[ws.max_row]:
                cell.fill = alert
        elif row.difference:
            ws.cell(ws.max_row, 10).fill = alert
    _style_head(ws, head_fill, bold)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions

    fs = wb.create_sheet("发现")
    fs.append(list(FINDING_COLUMNS))
    for row_f in findings:
        fs.append(_finding_cells(row_f))
        if row_f.severity == "error":
            fs.cell(fs.max_row, 3).fill = alert
        elif row_f.severity == "warning":
            fs.cell(fs.max_row, 3).fill = warn
    _style_head(fs, head_fill, bold)
    fs.freeze_panes = "A2"

    taken: set[str] = {"汇总", "发现"}
    for n, it in enumerate(items, 1):
        if it.result is None:
            continue
        r = it.result
        write_form_sheet(wb.create_sheet(_sheet_name(n, r, taken)), r)
    for letter, width in zip("ABCDEFGHIJKLMN", (6, 30, 24, 30, 30, 6, 9, 6, 9, 12, 6, 6, 6, 50)):
        ws.column_dimensions[letter].width = width
    for letter, width in zip("ABCDE", (30, 16, 8, 26, 80)):
        fs.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary_cells(row: SummaryRow) -> list[object]:
    return [row.number, row.source, row.unit, row.title, row.ruleset, row.version,
            _num(row.total) if row.total is not None else None, row.grade,
            _num(row.declared_total), _num(row.difference) if row.difference else (0 if row.difference is not None else None),
            row.errors if row.total is not None else None, row.warnings if row.total is not None else None,
            row.rank, row.error]


def _finding_cells(f: FindingRow) -> list[object]:
    return [f.source, f.place, SEVERITY_NAMES.get(f.severity, f.severity), f.code, f.message]


def _style_head(ws: object, fill: object, font: object, row: int = 1) -> None:
    for cell in ws[row]:  # type: ignore[index]
        cell.fill, cell.font = fill, font

