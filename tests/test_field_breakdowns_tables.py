"""Workbooks and Word tables give ``budget.breakdowns`` (issue 12, point 6), with the cell of every value.

Seed 004's 部门整体支出绩效自评表 (岳阳楼区医疗保障局 2023) writes its money a second and a third
time inside cells: 按收入性质分 一般公共预算 2277.28 + 其他资金 22.03 and 按支出性质分 基本支出
1304.81 + 项目支出 994.5 — each 2299.31, the 全年预算数 and 全年执行数.  Project tables carry
中央 / 省级 / 市县级资金 rows under 年度资金总额.  Numbers below are worked by hand.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from perfrules.api import Scorer
from perfrules.result import Result
from perfrules.tables import ReadDefaults, TableForm, read_tables
from tests.tables_build import (
    YUEYANGLOU,
    example,
    national_department_sheet,
    national_project_sheet,
    sheet_to_docx,
    workbook_bytes,
)

D = Decimal
AREA = ReadDefaults(jurisdiction="湖南省/岳阳市/岳阳楼区")
DEPARTMENT = example(YUEYANGLOU / "department-2023.yaml")
PROJECT = example(YUEYANGLOU / "project-2023-yibao-zhuanxiang.yaml")  # 年度资金总额 44 / 44 / 44


def _read(data: bytes, name: str = "t.xlsx") -> TableForm:
    [item] = read_tables(data, name, defaults=AREA)
    assert isinstance(item, TableForm), getattr(item, "error", None) and item.error.render()
    return item


def _department(form: dict[str, Any]) -> TableForm:
    wb = Workbook()
    national_department_sheet(wb.active, form)
    return _read(workbook_bytes(wb))


def _project(*levels: tuple[Any, ...]) -> TableForm:
    wb = Workbook()
    national_project_sheet(wb.active, PROJECT, budget_rows=levels)
    return _read(workbook_bytes(wb))


def _facts(**changed: Any) -> dict[str, Any]:
    form = copy.deepcopy(DEPARTMENT)
    form["facts"].update(changed)
    return form


def _breakdown_findings(r: Result) -> list[tuple[str, str, str, str | None]]:
    return [(f.severity, f.code, f.message, f.place) for f in r.findings if "breakdown" in f.path]


def test_seed_004_department_workbook_states_both_breakdowns_with_their_cells() -> None:
    item = _department(DEPARTMENT)
    budget = item.raw.data["budget"]
    assert budget["breakdowns"] == [
        {"label": "按收入性质分", "parts": {"一般公共预算": {"adjusted": D("2277.28")}, "政府性基金拨款": {"adjusted": None},
                                        "纳入专户管理的非税收入拨款": {"adjusted": None}, "其他资金": {"adjusted": D("22.03")}}},
        {"label": "按支出性质分", "parts": {"基本支出": {"executed": D("1304.81")}, "项目支出": {"executed": D("994.5")}}}]
    places = item.raw.places
    assert places["$.budget.breakdowns[0]"] == "Sheet!B5"  # 按收入性质分：
    assert places["$.budget.breakdowns[0].parts.一般公共预算.adjusted"] == "Sheet!B6"
    assert places["$.budget.breakdowns[0].parts.其他资金.adjusted"] == "Sheet!B9"
    assert places["$.budget.breakdowns[0].parts"] == "Sheet!B6、Sheet!B9"  # the filled parts
    assert places["$.budget.breakdowns[1].parts"] == "Sheet!E6、Sheet!E7"
    # the facts the 岳阳楼区 ruleset checks are still there
    assert item.raw.data["facts"] == {"一般公共预算": D("2277.28"), "基本支出": D("1304.81"), "项目支出": D("994.5"),
                                      "其他资金": D("22.03")}


def test_seed_004_department_workbook_scores_exactly_as_the_yaml() -> None:
    from_table = Scorer().score(_department(DEPARTMENT).raw)
    expected = {**DEPARTMENT, "facts": {k: DEPARTMENT["facts"][k] for k in ("一般公共预算", "其他资金", "基本支出", "项目支出")},
                "indicators": [{k: v for k, v in r.items() if k != "tier"} for r in DEPARTMENT["indicators"]]}
    from_yaml = Scorer().score(expected)
    assert from_table.total == from_yaml.total == D("99.19")
    assert [(f.code, f.path, f.message) for f in from_table.findings] == [
        (f.code, f.path, f.message) for f in from_yaml.findings]
    assert _breakdown_findings(from_table) == []  # 2277.28 + 22.03 = 1304.81 + 994.5 = 2299.31


def test_a_copied_wrong_part_is_an_error_naming_both_numbers_and_the_cells() -> None:
    # 基本支出 1304.81 copied as 1340.81: 1340.81 + 994.5 = 2335.31 ≠ 全年执行数 2299.31 (or any total), 36 apart
    r = Scorer().score(_department(_facts(基本支出=1340.81)).raw)
    assert _breakdown_findings(r) == [
        ("error", "budget-breakdown-mismatch",
         ("全年执行数：年度资金总额 2299.31（$.budget.executed）与“按支出性质分”各项合计 2335.31（基本支出 1340.81 + "
          "项目支出 994.5；$.budget.breakdowns[1].parts）不一致，相差 36；同一笔资金的几种分法应合计相同，请核对原表"),
         "Sheet!E6、Sheet!E7"),
        ("info", "breakdown-column-assumed",
         "“按支出性质分”写在单元格内，表上没有注明是哪一列的金额；按全年执行数核对（与年初预算数、全年预算数也不一致）",
         "Sheet!E6、Sheet!E7")]
    # the 岳阳楼区 ruleset's own check (支出性质合计) reads the same amounts as facts, and agrees
    assert [(f.path, f.place) for f in r.findings if f.code == "check-failed"] == [("$.facts.基本支出", "Sheet!E6")]


def test_the_column_a_breakdown_states_is_the_one_it_adds_up_to() -> None:
    # 全年预算数 2400, 全年执行数 2299.31: 按支出性质 (1304.81 + 994.5 = 2299.31) is the 执行数;
    # 按收入性质 written as 2377.97 + 22.03 = 2400 is the 预算数 — both agree, nothing to say
    form = _facts(一般公共预算=2377.97)
    form["budget"] = {**form["budget"], "adjusted": 2400}
    item = _department(form)
    assert [next(iter(b["parts"].values())) for b in item.raw.data["budget"]["breakdowns"]] == [
        {"adjusted": D("2377.97")}, {"executed": D("1304.81")}]
    # 按支出性质 adding up to the 预算数 (2400) instead is read as the 预算数
    form = _facts(一般公共预算=2377.97, 基本支出=1405.5)  # 1405.5 + 994.5 = 2400
    form["budget"] = {**form["budget"], "adjusted": 2400}
    item = _department(form)
    assert next(iter(item.raw.data["budget"]["breakdowns"][1]["parts"].values())) == {"adjusted": D("1405.5")}
    assert _breakdown_findings(Scorer().score(item.raw)) == []


def test_with_no_total_written_the_two_breakdowns_are_compared_with_each_other() -> None:
    form = _facts(基本支出=1340.81)
    form["budget"] = {**form["budget"], "initial": 0, "adjusted": 0, "executed": 0}
    item = _department(form)
    assert all(set(p) == {"adjusted"} for b in item.raw.data["budget"]["breakdowns"] for p in b["parts"].values())
    found = _breakdown_findings(Scorer().score(item.raw))
    assert [(s, c, p) for s, c, _, p in found] == [("error", "budget-breakdowns-disagree", "Sheet!E6、Sheet!E7")]
    assert "2299.31" in found[0][2] and "2335.31" in found[0][2] and "相差 36" in found[0][2]


LEVELS = (("其中：中央资金", 20, 20, 20), ("省级资金", 14, 14, 14), ("市县级资金", 10, 10, 10))


def test_central_provincial_county_rows_are_a_breakdown_with_each_cell() -> None:
    item = _project(*LEVELS)
    data, places = item.raw.data, item.raw.places
    assert data["budget"]["breakdowns"] == [{"label": "按资金级次", "parts": {
        "中央资金": {"initial": 20, "adjusted": 20, "executed": 20}, "省级资金": {"initial": 14, "adjusted": 14, "executed": 14},
        "市县级资金": {"initial": 10, "adjusted": 10, "executed": 10}}}]
    assert data["budget"]["sources"] == {"appropriation": {"initial": 44, "adjusted": 44, "executed": 44}}
    assert places["$.budget.breakdowns[0].parts.中央资金.executed"] == "Sheet!E9"
    assert places["$.budget.breakdowns[0].parts.市县级资金.initial"] == "Sheet!C11"
    assert places["$.budget.breakdowns[0].parts"] == "Sheet!B9、Sheet!B10、Sheet!B11"
    r = Scorer().score(item.raw)
    assert _breakdown_findings(r) == []  # 20 + 14 + 10 = 44 in every column
    assert not [f for f in r.findings if f.code in ("unplaced-row", "unknown-field")]


def test_level_rows_that_disagree_name_the_column_both_sums_and_the_cells() -> None:
    # 全年执行数: 中央 20 + 省级 14 + 市县级 12 = 46 ≠ 44
    item = _project(("其中：中央财政", 20, 20, 20), ("省财政", 14, 14, 14), ("县市区财政", 10, 10, 12))
    found = _breakdown_findings(Scorer().score(item.raw))
    assert found == [("error", "budget-breakdown-mismatch",
                      ("全年执行数：年度资金总额 44（$.budget.executed）与“按资金级次”各项合计 46（中央财政 20 + 省财政 14 + "
                       "县市区财政 12；$.budget.breakdowns[0].parts）不一致，相差 2；同一笔资金的几种分法应合计相同，请核对原表"),
                      "Sheet!B9、Sheet!B10、Sheet!B11")]


def test_an_unknown_row_with_amounts_in_the_budget_block_is_named_not_dropped() -> None:
    item = _project(("其中：债券资金", 5, 5, 5))
    notices = [(n.code, n.place) for n in item.raw.notices]
    assert ("unplaced-row", "Sheet!B9") in notices


def test_a_word_table_gives_the_same_breakdowns() -> None:
    wb = Workbook()
    national_project_sheet(wb.active, PROJECT, budget_rows=LEVELS)
    item = _read(sheet_to_docx(wb.active), "t.docx")
    assert item.raw.data["budget"]["breakdowns"] == _project(*LEVELS).raw.data["budget"]["breakdowns"]
    assert item.raw.places["$.budget.breakdowns[0].parts.中央资金.executed"].startswith("表")


def test_import_writes_the_breakdowns_as_yaml_that_reads_back_and_scores_the_same() -> None:
    from perfrules.forms import parse_documents
    from perfrules.tables.export import form_yaml

    for item in (_department(_facts(基本支出=1340.81)), _project(*LEVELS, ("其中：县区补助资金", 0, 0, 0))):
        text = form_yaml(item.raw.data, item.raw.places, item.source, item.raw.notices)
        (back,) = parse_documents(text, "imported.yaml")
        assert back.data["budget"] == item.raw.data["budget"]
        scored, again = Scorer().score(item.raw), Scorer().score(back)
        assert again.total == scored.total
        assert [(f.code, f.message) for f in again.findings if f.code.startswith("budget")] == [
            (f.code, f.message) for f in scored.findings if f.code.startswith("budget")]


def test_a_breakdown_the_form_cannot_hold_is_named_and_the_table_still_read() -> None:
    # a negative in-cell amount (before this reader it went to facts only): the table is still scored
    form = _facts(其他资金=-22.03)
    item = _department(form)
    assert [b["label"] for b in item.raw.data["budget"]["breakdowns"]] == ["按支出性质分"]
    [notice] = [n for n in item.raw.notices if n.code == "breakdown-not-read"]
    assert notice.place == "Sheet!B6" and "其他资金 的金额 -22.03 不在 0 到 10¹² 万元之间" in notice.message
    assert item.raw.data["facts"]["其他资金"] == D("-22.03")
    assert Scorer().score(item.raw).total == D("99.19")
    # 21 level rows: more parts than a breakdown holds
    many = tuple((f"{'中央' if k == 0 else '省级'}资金", 1, 1, 1) for k in range(21))
    item = _project(*many)
    assert "breakdowns" not in item.raw.data["budget"]
    assert [n.code for n in item.raw.notices if n.code == "breakdown-not-read"] == ["breakdown-not-read"]
