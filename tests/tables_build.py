"""Build self-evaluation workbooks and Word documents in the seeds' layouts, for the table tests.

The tables are written cell by cell the way the published ones look (seed 003:
黄石 layout without a 分值 column; seed 004: the national project and department
tables), from the data of the bundled YAML transcriptions.  Numbers are written
as the tables show them: amounts as numbers, percentages as numbers with a %
format, targets and actuals as text.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from perfrules.forms import load_documents

ROOT = Path(__file__).resolve().parent.parent
HUANGSHI = sorted((ROOT / "rulesets/hubei/huangshi/2022/examples").glob("*.yaml"))
YUEYANGLOU = ROOT / "rulesets/hunan/yueyang/yueyanglou/2023/examples"


def example(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = load_documents(path)[0].data
    return data


def _num(x: Any) -> Any:
    """A YAML number as a worksheet number (int or float: what a user's cell holds)."""
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral_value() else float(x)
    return x


def _rate_cell(ws: Worksheet, ref: str, text: str) -> None:
    value = Decimal(text.rstrip("%")) / 100
    ws[ref] = float(value)
    places = len(text.rstrip("%").partition(".")[2])
    ws[ref].number_format = "0" + ("." + "0" * places if places else "") + "%"


def huangshi_sheet(ws: Worksheet, form: dict[str, Any], top: int = 1, left: int = 1,
                   text_numbers: bool = False) -> int:
    """Seed 003's layout at (top, left): title, 项目名称, 预算执行情况 (20分), 年度绩效目标 1 (70分) /
    2, 总分 — no 分值 column.  Returns the row after the table."""
    def at(r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter
        return f"{get_column_letter(left + c)}{top + r}"

    def merge(r0: int, c0: int, r1: int, c1: int) -> None:
        ws.merge_cells(f"{at(r0, c0)}:{at(r1, c1)}")

    ws[at(0, 0)] = f"{form['year']} 年度城乡居民医保项目自评表"
    merge(0, 0, 0, 7)
    ws[at(1, 0)] = "项目名称"
    ws[at(1, 2)] = form["title"]
    merge(1, 2, 1, 7)
    ws[at(2, 0)] = "主管部门"
    ws[at(2, 2)] = "区医疗保障局"
    ws[at(2, 3)] = "项目实施单位"
    ws[at(2, 5)] = form["unit"]
    ws[at(3, 0)] = "项目类别"
    ws[at(3, 2)] = "1、部门预算项目 ☑ 2、市直专项 □ 3、省对下转移支付项目 □"
    ws[at(4, 0)] = "预算执行情况 (万元) (20分)"
    merge(4, 0, 5, 1)
    for c, head in enumerate(["预算数 (A)", "执行数 (B)", "执行率 (B/A)", "得分 (20分*执行率)"]):
        ws[at(4, 3 + c)] = head
    ws[at(5, 2)] = "年度财政资金总额"
    b = form["budget"]
    ws[at(5, 3)] = str(b["adjusted"]) if text_numbers else _num(b["adjusted"])
    ws[at(5, 4)] = str(b["executed"]) if text_numbers else _num(b["executed"])
    _rate_cell(ws, at(5, 5), b["declared_rate"])
    if "declared_score" in b:
        ws[at(5, 6)] = _num(b["declared_score"])
    rows = form["indicators"]
    ws[at(6, 1)] = "一级指标"
    ws[at(6, 2)] = "二级指标"
    ws[at(6, 3)] = "三级指标"
    merge(6, 3, 6, 4)
    ws[at(6, 5)] = "年初目标值 (A)"
    ws[at(6, 6)] = "实际完成值 (B)"
    ws[at(6, 7)] = "得分"
    r = 7
    goal_start: dict[int, int] = {}
    prev_level1: tuple[int, str] | None = None
    level1_start = r
    for row in rows:
        goal = int(row.get("goal", 1))
        goal_start.setdefault(goal, r)
        if prev_level1 != (goal, row["level1"]):
            if prev_level1 is not None and r - 1 > level1_start:
                merge(level1_start, 1, r - 1, 1)
            ws[at(r, 1)] = row["level1"]
            level1_start, prev_level1 = r, (goal, row["level1"])
        ws[at(r, 2)] = row["level2"]
        ws[at(r, 3)] = row["name"]
        merge(r, 3, r, 4)
        ws[at(r, 5)] = str(row["target"])
        ws[at(r, 6)] = str(row["actual"])
        ws[at(r, 7)] = str(row["declared_score"]) if text_numbers else _num(row["declared_score"])
        r += 1
    if r - 1 > level1_start:
        merge(level1_start, 1, r - 1, 1)
    # the 年度绩效目标 labels: the first one on the header row too, merged down its block
    goals = sorted(goal_start)
    for k, g in enumerate(goals):
        start = 6 if k == 0 else goal_start[g]
        end = (goal_start[goals[k + 1]] - 1) if k + 1 < len(goals) else r - 1
        ws[at(start, 0)] = f"年度绩效目标 {g} (70分)" if g == 1 else f"年度绩效目标 {g}"
        if end > start:
            merge(start, 0, end, 0)
    ws[at(r, 0)] = "总分"
    ws[at(r, 1)] = _num(form["declared_total"])
    ws[at(r + 1, 0)] = "偏差大或目标未完成原因分析"
    ws[at(r + 1, 1)] = "无"
    ws[at(r + 2, 0)] = "改进措施及结果应用方案"
    ws[at(r + 2, 1)] = "持续提高广大人民群众政策知晓率。"
    return top + r + 3


def national_project_sheet(ws: Worksheet, form: dict[str, Any], top: int = 1,
                           budget_rows: tuple[tuple[Any, ...], ...] = ()) -> int:
    """Seed 004 附件 4's layout: 项目资金 with 其中 rows, 年度总体目标, 绩效指标 with 分值.

    `budget_rows` (label, 年初预算数, 全年预算数, 全年执行数) are written after 其他资金, inside the block."""
    t = top
    n = len(budget_rows)
    ws.cell(t, 1, f"{form['year']} 年度项目支出绩效自评表")
    ws.merge_cells(start_row=t, start_column=1, end_row=t, end_column=9)
    ws.cell(t + 1, 1, "项目支出名称")
    ws.cell(t + 1, 2, form["title"])
    ws.cell(t + 2, 1, "主管部门")
    ws.cell(t + 2, 2, "岳阳楼区政府")
    ws.cell(t + 2, 5, "实施单位")
    ws.cell(t + 2, 6, form["unit"])
    ws.cell(t + 3, 1, "项目资金\n(万元)")
    ws.merge_cells(start_row=t + 3, start_column=1, end_row=t + 7 + n, end_column=1)
    for c, head in enumerate(["年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"]):
        ws.cell(t + 3, 3 + c, head)
    b = form["budget"]
    ws.cell(t + 4, 2, "年度资金总额")
    for c, key in enumerate(["initial", "adjusted", "executed"]):
        ws.cell(t + 4, 3 + c, _num(b[key]))
    ws.cell(t + 4, 6, 10)
    cell = ws.cell(t + 4, 7)
    _rate_cell(ws, cell.coordinate, b["declared_rate"])
    ws.cell(t + 4, 8, _num(b["declared_score"]))
    ws.cell(t + 5, 2, "其中：当年财政拨款")
    for c, key in enumerate(["initial", "adjusted", "executed"]):
        ws.cell(t + 5, 3 + c, _num(b[key]))
    ws.cell(t + 6, 2, "上年结转资金")
    ws.cell(t + 7, 2, "其他资金")
    for k, (label, *amounts) in enumerate(budget_rows):
        ws.cell(t + 8 + k, 2, label)
        for c, amount in enumerate(amounts):
            ws.cell(t + 8 + k, 3 + c, amount)
    t += n  # what follows moves down
    ws.cell(t + 8, 1, "年度总体\n目标")
    ws.cell(t + 8, 2, "预期目标")
    ws.cell(t + 8, 5, "实际完成情况")
    ws.cell(t + 9, 2, "1、切实提高城乡居民基本医疗保险参保人员享受特殊病种门诊服务水平")
    ws.cell(t + 9, 5, "城乡居民基本医疗保险参保人员享受特殊病种门诊的服务水平得到了较大提高")
    h = t + 10
    for c, head in enumerate(["绩效\n指标", "一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分值",
                              "得分", "偏差原因分析\n及改进措施"]):
        ws.cell(h, 1 + c, head)
    r = h + 1
    for row in form["indicators"]:
        ws.cell(r, 2, f"{row['level1']} (50分)" if row["level1"] == "产出指标" else row["level1"])
        ws.cell(r, 3, row["level2"])
        ws.cell(r, 4, row["name"])
        ws.cell(r, 5, str(row["target"]))
        ws.cell(r, 6, str(row["actual"]))
        ws.cell(r, 7, _num(row["weight"]))
        ws.cell(r, 8, _num(row["declared_score"]))
        r += 1
    ws.merge_cells(start_row=h, start_column=1, end_row=r - 1, end_column=1)
    ws.cell(r, 2, "总分")
    ws.cell(r, 7, 100)
    ws.cell(r, 8, _num(form["declared_total"]))
    ws.cell(r + 1, 1, "填表人: 童璇 联系电话: 13873029299 单位负责人签字: 童璇 填报日期: 2024年5月27日")
    return r + 2


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def yaml_text(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def sheet_to_docx(ws: Worksheet, title_above: bool = True) -> bytes:
    """The worksheet as a Word table (texts as shown, merged ranges merged); row 1 (the title) becomes the
    paragraph above the table when `title_above`."""
    import docx

    from perfrules.tables.backends import read_xlsx

    wb = ws.parent
    grid = read_xlsx(workbook_bytes(wb))[wb.worksheets.index(ws)]
    rows = grid.rows[1:] if title_above else grid.rows
    document = docx.Document()
    document.add_paragraph("附件 4")
    if title_above:
        document.add_paragraph(grid.rows[0][0].text)
    table = document.add_table(rows=len(rows), cols=grid.width)
    offset = 1 if title_above else 0
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if not cell.continued:
                table.cell(r, c).text = cell.text
    for rng in ws.merged_cells.ranges:
        r0, r1 = rng.min_row - 1 - offset, rng.max_row - 1 - offset
        if r0 < 0:
            continue
        table.cell(r0, rng.min_col - 1).merge(table.cell(r1, rng.max_col - 1))
        table.cell(r0, rng.min_col - 1).text = grid.rows[r0 + offset][rng.min_col - 1].text
    document.add_paragraph("填表人：童璇")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def sheet_to_xls(ws: Worksheet) -> bytes:
    """The worksheet as a legacy .xls (xlwt): numbers with their number formats, merged ranges merged."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet(ws.title)
    merged = {(rng.min_row, rng.min_col): rng for rng in ws.merged_cells.ranges}
    inside = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
              for c in range(rng.min_col, rng.max_col + 1)} - set(merged)
    for row in ws.iter_rows():
        for cell in row:
            if (cell.row, cell.column) in inside or cell.value is None and (cell.row, cell.column) not in merged:
                continue
            style = xlwt.easyxf(num_format_str=cell.number_format or "General")
            if (cell.row, cell.column) in merged:
                rng = merged[(cell.row, cell.column)]
                sheet.write_merge(rng.min_row - 1, rng.max_row - 1, rng.min_col - 1, rng.max_col - 1,
                                  cell.value, style)
            else:
                sheet.write(cell.row - 1, cell.column - 1, cell.value, style)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def national_department_sheet(ws: Worksheet, form: dict[str, Any]) -> int:
    """Seed 004 附件 2's layout: 年度预算申请 with the 按收入性质分 / 按支出性质分 breakdown written inside
    the cells (其中：一般公共预算：2277.28), 年度总体目标, 绩效指标 with 分值, 总分."""
    facts = form.get("facts", {})
    ws.append([f"{form['year']} 年度预算单位整体支出绩效自评表"])
    ws.merge_cells("A1:I1")
    ws.append(["预算单位名称", form["unit"]])
    ws.append(["年度预算申请\n(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    b = form["budget"]
    ws.append(["", "年度资金总额", _num(b["initial"]), _num(b["adjusted"]), _num(b["executed"]), 10, None,
               _num(b["declared_score"])])
    _rate_cell(ws, "G4", b["declared_rate"])
    ws.append(["", "按收入性质分：", "", "", "按支出性质分："])
    ws.append(["", f"其中：一般公共预算：{facts['一般公共预算']}", "", "", f"其中：基本支出：{facts['基本支出']}"])
    ws.append(["", "政府性基金拨款：", "", "", f"项目支出：{facts['项目支出']}"])
    ws.append(["", "纳入专户管理的非税收入拨款："])
    ws.append(["", f"其他资金：{facts['其他资金']}"])
    ws.merge_cells("A3:A9")
    ws.append(["年度总体目标", "预期目标", "", "", "实际完成情况"])
    ws.append(["", "1、城乡居民参保率达 95%。", "", "", "1、城乡居民参保率达 96.19%。"])
    ws.merge_cells("A10:A11")
    ws.append(["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
               "偏差原因分析及改进措施"])
    start = ws.max_row
    points = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    previous = ""
    for row in form["indicators"]:
        level1 = row["level1"] if row["level1"] != previous else ""
        previous = row["level1"]
        ws.append(["", f"{level1} ({points[level1]}分)" if level1 else "", row["level2"], row["name"],
                   str(row["target"]), str(row["actual"]), _num(row["weight"]), _num(row["declared_score"])])
        if row["level2"] == "社会效益指标":
            ws.append(["", "", "生态效益指标"])  # a template line left empty, as in the seed
    ws.merge_cells(start_row=start, start_column=1, end_row=ws.max_row, end_column=1)
    ws.append(["总分", "", "", "", "", "", 100, _num(form["declared_total"])])
    ws.append(["填表人：童璇 联系电话：13873029299"])
    return ws.max_row
