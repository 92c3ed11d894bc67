"""☑/□ choice lines (项目类别 ☑新增 □延续, 项目属性 ☑经常性 □一次性) are kept in the form's notes,
each with an info finding naming its cell and what is ticked — never dropped."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook

from perfrules.api import Scorer
from perfrules.tables import ReadDefaults, TableForm, read_tables
from perfrules.tables.checkboxes import read_choice
from tests.tables_build import HUANGSHI, example, huangshi_sheet, workbook_bytes

AREA = ReadDefaults(jurisdiction="湖北省/黄石市/铁山区")


def test_box_before_and_after_its_option() -> None:
    c = read_choice("☑新增 □延续", "项目类别")
    assert c is not None and (c.label, c.ticked, c.offered) == ("项目类别", ("新增",), ("新增", "延续"))
    c = read_choice("1、部门预算项目 ☑ 2、市直专项 □ 3、省对下转移支付项目 □")  # seed 003
    assert c is not None and c.ticked == ("部门预算项目",) and c.offered == ("部门预算项目", "市直专项", "省对下转移支付项目")
    c = read_choice("项目属性：□经常性 ☑一次性")  # the label written in the same cell
    assert c is not None and (c.label, c.ticked) == ("项目属性", ("一次性",))
    c = read_choice("□新增 □延续", "项目类别")
    assert c is not None and c.ticked == () and c.note == "项目类别：（未勾选）"
    assert read_choice("新增", "项目类别") is None


def _book() -> bytes:
    wb = Workbook()
    ws = wb.active
    huangshi_sheet(ws, example(HUANGSHI[1]))  # A4 项目类别, C4 its value
    ws["C4"] = "☑新增 □延续"
    ws["E4"] = "项目属性"
    ws["F4"] = "□经常性 ☑一次性"
    ws["H4"] = "资金性质：☑专项 □其他"
    return workbook_bytes(wb)


def test_ticked_options_are_notes_with_a_finding_at_the_cell() -> None:
    [table] = read_tables(_book(), "choices.xlsx", defaults=AREA)
    assert isinstance(table, TableForm)
    assert table.raw.data["notes"] == "项目类别：新增\n项目属性：一次性\n资金性质：专项"
    result = Scorer().score(table.raw)
    ticked = [f for f in result.findings if f.code == "ticked-option"]
    assert [(f.severity, f.place) for f in ticked] == [("info", "Sheet!C4"), ("info", "Sheet!F4"), ("info", "Sheet!H4")]
    assert "项目类别 勾选了 “新增”（可选：新增、延续）" in ticked[0].message
    assert "项目属性 勾选了 “一次性”" in ticked[1].message
    assert not [f for f in result.findings if f.code in ("unplaced-row", "unplaced-cell")]
    assert result.total == Decimal("91.64")  # scoring unchanged: 20 × 67.51/100 + 20 × 11789/13000 + 60
