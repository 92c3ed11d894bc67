"""perfrules template: generate the blank workbook, fill it with openpyxl as a unit would, score it, report it."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from perfrules.api import Scorer, load_ruleset
from perfrules.cli import main
from perfrules.tables import TableForm, read_tables
from perfrules.tables.template import build_template
from tests.tables_build import HUANGSHI, _num, _rate_cell, example


def _find(ws: Any, text: str) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell.row, cell.column
    raise AssertionError(f"{text} not in template")


def fill(template: bytes, form: dict[str, Any]) -> bytes:
    """Fill the template's input cells from a form dict, the way a unit types them in."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["自评表"]
    r, c = _find(ws, "项目名称")
    ws.cell(r, c + 1, form["title"])
    r, c = _find(ws, "实施单位")
    ws.cell(r, c + 1, form["unit"])
    r, _ = _find(ws, "年度资金总额")
    b = form["budget"]
    ws.cell(r, 3, _num(b.get("initial", b["adjusted"])))
    ws.cell(r, 4, _num(b["adjusted"]))
    ws.cell(r, 5, _num(b["executed"]))
    _rate_cell(ws, ws.cell(r, 6).coordinate, b["declared_rate"])  # formatted at the precision the unit wrote
    if "declared_score" in b:
        ws.cell(r, 7, _num(b["declared_score"]))
    header, _ = _find(ws, "三级指标")
    blocks: dict[int, list[int]] = {}
    for row in range(header + 1, ws.max_row + 1):
        label = ws.cell(row, 1).value
        if label == "总分":
            total_row = row
            break
        if label:
            current = int(label.split("年度绩效目标")[1][0]) if "年度绩效目标" in label else label.split(" (")[0]
        blocks.setdefault(current, []).append(row)
    for ind in form["indicators"]:
        key = int(ind.get("goal", 1)) if any(isinstance(k, int) for k in blocks) else ind["level1"]
        row = blocks[key].pop(0)
        if ws.cell(row, 2).value is None:
            ws.cell(row, 2, ind["level1"])
        ws.cell(row, 3, ind["level2"])
        ws.cell(row, 4, ind["name"])
        ws.cell(row, 5, str(ind["target"]))
        ws.cell(row, 6, str(ind["actual"]))
        ws.cell(row, 7, _num(ind["weight"]))
        ws.cell(row, 8, _num(ind["declared_score"]))
        if "tier" in ind:
            ws.cell(row, 9, ind["tier"])
    ws.cell(total_row, 8, _num(form["declared_total"]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_template_layout_validations_and_protection() -> None:
    rs = load_ruleset("hubei/huangshi/project-2022")
    wb = load_workbook(io.BytesIO(build_template(rs.model)))
    ws = wb["自评表"]
    assert ws.protection.sheet  # labels locked
    labels = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"项目资金 (万元) (20分)", "年度绩效目标1 (70分)", "年度绩效目标2 (10分)", "总分"} <= labels
    r, c = _find(ws, "项目名称")
    assert ws.cell(r, c).protection.locked and not ws.cell(r, c + 1).protection.locked
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"达成,部分达成,未达成"' in lists  # the ruleset's tiers
    assert any("产出指标" in f for f in lists)
    r, _ = _find(ws, "年度资金总额")
    assert ws.cell(r, 6).number_format == "0.00%"


@pytest.mark.parametrize("path", [HUANGSHI[1], HUANGSHI[6]], ids=lambda p: p.stem)
def test_filled_huangshi_template_scores_as_the_yaml(path: Path) -> None:
    form = example(path)
    rs = load_ruleset("hubei/huangshi/project-2022")
    data = fill(build_template(rs.model, rows_per_section=6), form)
    [item] = read_tables(data, "filled.xlsx")  # no options: the template names its ruleset and area
    assert isinstance(item, TableForm), getattr(item, "error", None) and item.error.render()
    assert item.raw.data["ruleset"] == "hubei/huangshi/project-2022"
    from_table = Scorer().score(item.raw)
    from_yaml = Scorer().score(form)
    assert from_table.total == from_yaml.total
    # the template names the ruleset's own area (湖北省/黄石市); the YAML the district, scored by the city's
    # rules with a ruleset-fallback note; a 得分 cell the YAML leaves out is a blank cell in the workbook
    # (blank-score, info: not audited)
    assert [(f.code, f.path, f.message) for f in from_table.findings if f.code != "blank-score"] == \
        [(f.code, f.path, f.message) for f in from_yaml.findings if f.code != "ruleset-fallback"]
    assert all(f.place and f.place.startswith("自评表!") for f in from_table.findings)


def test_national_template_with_tier_column(tmp_path: Path) -> None:
    """The national template has a 评价等次 column: the YAML's tiers go there and count."""
    form = example(Path("rulesets/hunan/yueyang/yueyanglou/2023/examples/project-2023-yibao-zhuanxiang.yaml"))
    rs = load_ruleset("hunan/yueyang/yueyanglou/project-2023")
    data = fill(build_template(rs.model), form)
    [item] = read_tables(data, "n.xlsx")
    assert isinstance(item, TableForm), getattr(item, "error", None) and item.error.render()
    assert [r.get("tier") for r in item.raw.data["indicators"]] == [r.get("tier") for r in form["indicators"]]
    from_table = Scorer().score(item.raw)
    assert from_table.total == Scorer().score(form).total


def test_round_trip_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """template → filled workbook → score → import → report, as the README shows."""
    blank = tmp_path / "自评表.xlsx"
    assert main(["template", "hubei/huangshi/project-2022", "-o", str(blank), "--rows", "6"]) == 0
    filled = tmp_path / "填好的自评表.xlsx"
    filled.write_bytes(fill(blank.read_bytes(), example(HUANGSHI[1])))
    capsys.readouterr()
    assert main(["score", str(filled)]) == 1  # the published table's three disagreements
    out = capsys.readouterr().out
    assert "总分 91.64 / 100" in out and "(自评表!H" in out
    assert main(["import", str(filled), "-o", str(tmp_path / "form.yaml")]) == 0
    assert main(["score", str(tmp_path / "form.yaml"), "--format", "json"]) == 1
    assert '"total": "91.64"' in capsys.readouterr().out
    assert main(["report", str(filled), str(tmp_path / "form.yaml"), "-o", str(tmp_path / "r.xlsx")]) == 1
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[:2] == ["汇总", "发现"] and len(wb.sheetnames) == 4
    assert [c.value for c in wb["汇总"][2]][6:9] == [91.64, "优", 88]


def test_department_template_facts_block_and_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ruleset with facts gets a 数据项 block; what the unit types there becomes the form's facts."""
    rs = load_ruleset("hunan/yueyang/yueyanglou/department-2023")
    wb = load_workbook(io.BytesIO(build_template(rs.model)))
    ws = wb["自评表"]
    start, _ = _find(ws, "数据项")
    names = [ws.cell(r, 1).value for r in range(start + 1, start + 1 + len(rs.model.facts))]
    assert names == list(rs.model.facts)
    ws.cell(start + 1 + names.index("编制数"), 5, 47)
    ws.cell(start + 1 + names.index("三公经费决算数"), 5, 0.13)
    buf = io.BytesIO()
    wb.save(buf)
    [item] = read_tables(buf.getvalue(), "d.xlsx")
    assert isinstance(item, TableForm)
    assert item.raw.data["kind"] == "department" and item.raw.data["year"] == 2023
    assert item.raw.data["facts"] == {"编制数": 47, "三公经费决算数": Decimal("0.13")}
    assert item.raw.places["$.facts.编制数"] == f"自评表!E{start + 1 + names.index('编制数')}"
    assert main(["template", "national/project-2020", "-o", str(tmp_path / "t.xlsx"), "--year", "2024"]) == 0
    [blank] = read_tables((tmp_path / "t.xlsx").read_bytes(), "t.xlsx")
    assert isinstance(blank, TableForm)  # an empty template reads as an empty form: the 100 of 分值 is no total
    # (the blank 总分 cell is null: a blank cell, never a number)
    assert blank.raw.data.get("declared_total") is None and "indicators" not in blank.raw.data
    assert "2024" in str(load_workbook(tmp_path / "t.xlsx")["自评表"]["A1"].value)
    assert main(["template", "hubei/huangshi/project-2022", "-o", str(tmp_path / "h.xlsx"), "--year", "2023"]) == 2
    assert "不适用于 2023 年" in capsys.readouterr().err
