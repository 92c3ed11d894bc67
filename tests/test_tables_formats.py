"""Table layouts and formats: Word tables, legacy .xls, several tables per sheet and workbook, text-typed
numbers, the Sichuan split target, exact numbers by their format, unknown columns and rows named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from perfrules.api import Scorer
from perfrules.forms import load_documents
from perfrules.tables import ReadDefaults, TableError, TableForm, read_tables
from perfrules.tables.grid import shown_number
from tests.tables_build import (
    HUANGSHI,
    YUEYANGLOU,
    example,
    huangshi_sheet,
    national_project_sheet,
    sheet_to_docx,
    sheet_to_xls,
    workbook_bytes,
)

HS = ReadDefaults(jurisdiction="湖北省/黄石市/铁山区")
YY = ReadDefaults(jurisdiction="湖南省/岳阳市/岳阳楼区")
PROJECT = YUEYANGLOU / "project-2023-yibao-zhuanxiang.yaml"


def _forms(items: list[TableForm | TableError]) -> list[TableForm]:
    for it in items:
        assert isinstance(it, TableForm), it.error.render()  # type: ignore[union-attr]
    return items  # type: ignore[return-value]


def test_word_table_national_layout_with_title_above() -> None:
    wb = Workbook()
    national_project_sheet(wb.active, example(PROJECT))
    [item] = _forms(read_tables(sheet_to_docx(wb.active), "自评报告.docx", defaults=YY))
    data = item.raw.data
    assert data["year"] == 2023 and data["kind"] == "project"  # from the paragraph above the table
    assert data["budget"]["declared_rate"] == "100%" and data["budget"]["adjusted"] == 44
    result = Scorer().score(item.raw)
    assert result.total == Scorer().score(_without_tiers(example(PROJECT))).total
    places = {f.place for f in result.findings}
    assert all(p and p.startswith("表1 第") for p in places), places


def _without_tiers(form: dict[str, Any]) -> dict[str, Any]:
    return {**form, "indicators": [{k: v for k, v in r.items() if k != "tier"} for r in form["indicators"]]}


def test_word_table_huangshi_layout_scores_as_the_yaml() -> None:
    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[2]))
    [item] = _forms(read_tables(sheet_to_docx(wb.active), "t3.docx", defaults=HS))
    assert Scorer().score(item.raw).total == Scorer().score(load_documents(HUANGSHI[2])[0]).total


def test_legacy_xls_keeps_formats_and_merges() -> None:
    wb = Workbook()
    wb.active.title = "自评表"
    huangshi_sheet(wb.active, example(HUANGSHI[1]))
    [item] = _forms(read_tables(sheet_to_xls(wb.active), "t2.xls", defaults=HS))
    assert item.raw.data["budget"] == {"adjusted": 100, "executed": Decimal("67.51"), "declared_rate": "68%",
                                       "declared_score": 13}
    result = Scorer().score(item.raw)
    assert str(result.total) == "91.64"
    assert {f.place for f in result.findings} >= {"自评表!G6", "自评表!B15"}  # rate cell, 总分 cell


def test_several_tables_on_one_sheet_and_several_sheets() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "铁山"
    end = huangshi_sheet(ws, example(HUANGSHI[0]))
    huangshi_sheet(ws, example(HUANGSHI[1]), top=end + 3, left=3)
    national_project_sheet(wb.create_sheet("岳阳楼"), example(PROJECT), top=5)
    items = read_tables(workbook_bytes(wb), "多表.xlsx", defaults=HS)
    forms = _forms(items)
    assert [f.source for f in forms] == ["多表.xlsx#1", "多表.xlsx#2", "多表.xlsx#3"]
    assert [f.raw.data["title"] for f in forms] == [example(HUANGSHI[0])["title"], example(HUANGSHI[1])["title"],
                                                     "医疗保障专项"]
    totals = [str(Scorer().score(f.raw).total) for f in forms[:2]]
    assert totals == ["97.96", "91.64"]
    assert forms[1].raw.places["$.declared_total"].startswith("铁山!D")  # second table: offset by 2 columns


def test_numbers_stored_as_text_read_the_same() -> None:
    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[1]), text_numbers=True)
    [item] = _forms(read_tables(workbook_bytes(wb), "t.xlsx", defaults=HS))
    assert item.raw.data["budget"]["executed"] == Decimal("67.51")
    assert str(Scorer().score(item.raw).total) == "91.64"


def test_amounts_written_with_wanyuan_and_points_with_fen() -> None:
    wb = Workbook()
    ws = wb.active
    national_project_sheet(ws, example(PROJECT))
    ws["D5"] = "44万元"
    ws["G12"] = "20分"
    [item] = _forms(read_tables(workbook_bytes(wb), "p.xlsx", defaults=YY))
    assert item.raw.data["budget"]["adjusted"] == 44 and item.raw.data["indicators"][0]["weight"] == 20


def test_sichuan_split_target_is_joined() -> None:
    """指标性质 / 指标值 / 度量单位 columns → one target text: ≥ 90 % → ≥90%."""
    wb = Workbook()
    ws = wb.active
    ws.append(["2023 年度项目支出绩效自评表"])
    ws.append(["项目名称", "城乡居民医保区级财政补助"])
    ws.append(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "实际完成值", "分值", "得分"])
    ws.append(["产出指标", "数量指标", "参保人数", "≥", 50000, "人", "51234人", 50, 50])
    ws.append(["", "质量指标", "参保率", "≥", 90, "%", "96%", 30, 30])
    ws.append(["效益指标", "社会效益指标", "群众获得感", "定性", "明显提升", "", "明显提升", 20, 18])
    ws.append(["总分", "", "", "", "", "", "", 100, 98])
    [item] = _forms(read_tables(workbook_bytes(wb), "sc.xlsx", defaults=ReadDefaults(jurisdiction="四川省/攀枝花市/西区")))
    rows = item.raw.data["indicators"]
    assert [r["target"] for r in rows] == ["≥50000人", "≥90%", "明显提升"]
    assert [r["level1"] for r in rows] == ["产出指标", "产出指标", "效益指标"]  # blank continuation cell
    assert item.raw.data["declared_total"] == 98


def test_unknown_columns_and_rows_are_findings_at_their_cells() -> None:
    wb = Workbook()
    ws = wb.active
    national_project_sheet(ws, example(PROJECT))
    ws["J11"] = "备用列"
    ws["A3"] = "这一行不知所云"  # instead of 主管部门
    [item] = _forms(read_tables(workbook_bytes(wb), "p.xlsx", defaults=YY))
    notes = {(n.code, n.place) for n in item.raw.notices}
    assert ("unknown-column", "Sheet!J11") in notes
    assert ("unplaced-cell", "Sheet!A3") in notes
    result = Scorer().score(item.raw)
    assert {"unknown-column", "unplaced-cell"} <= {f.code for f in result.findings}


def test_a_row_nobody_knows_is_named() -> None:
    wb = Workbook()
    ws = wb.active
    national_project_sheet(ws, example(PROJECT))
    ws["A2"], ws["B2"] = "资金用途说明", "略"  # instead of 项目支出名称
    [item] = _forms(read_tables(workbook_bytes(wb), "p.xlsx", defaults=YY))
    assert ("unplaced-row", "Sheet!A2") in {(n.code, n.place) for n in item.raw.notices}


@given(st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
       st.integers(min_value=0, max_value=4))
def test_shown_digits_are_exact(value: Decimal, places: int) -> None:
    """A float cell reads as the decimal it shows: the format's places, rounded half up, no float artefacts."""
    fmt = "0" + ("." + "0" * places if places else "")
    text, number, percent = shown_number(float(value), fmt)
    assert not percent
    assert number == value.quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert text == format(number, "f")
    general_text, general, _ = shown_number(float(value), "General")
    assert general == value.normalize() and "e" not in general_text.lower()


def test_percent_formats() -> None:
    assert shown_number(0.6751, "0%")[:2] == ("68%", Decimal("0.68"))
    assert shown_number(0.6751, "0.00%")[:2] == ("67.51%", Decimal("0.6751"))
    assert shown_number(0.1 + 0.2, "General")[:2] == ("0.3", Decimal("0.3"))
