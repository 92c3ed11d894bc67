"""Cells as people fill them (issue 12) and real tables' conventions (issue 8).

Every expected score is worked out by hand in the comment beside it, from the
published rules of the ruleset applied: the national baseline (预算执行率 10 ×
执行率; positive rows 权重 × min(B ÷ A, 1); reverse rows full up to the target;
tiers 达成 80–100% / 部分达成 60–80% / 未达成 0–60%) or 黄石 2022 (tiers
80–100% / 50–80% / 0–50%).  Each form is scored by both runners.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import perfrules
from perfrules.cli import main
from perfrules.forms import parse_documents, read_form
from perfrules.result import Result

from .conftest import golden

DATA = Path(__file__).resolve().parent / "data" / "field"
NATIONAL = perfrules.load_ruleset("national/project-2020")
HUANGSHI = perfrules.load_ruleset("hubei/huangshi/project-2022")
D = Decimal


def score(form: dict[str, Any], rs: perfrules.Ruleset = NATIONAL) -> Result:
    """Score with the compiled program; the interpreter must agree exactly."""
    compiled, walked = rs.evaluate(form), rs.interpret(form)
    assert compiled.to_dict() == walked.to_dict()
    return compiled


def codes(r: Result, path: str | None = None) -> list[str]:
    return [f.code for f in r.findings if path is None or f.path == path]


def finding(r: Result, code: str) -> str:
    (message,) = [f.message for f in r.findings if f.code == code]
    return message


def national(rows: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A national-baseline form: budget 100 / 100 (预算执行率 10) and `rows`."""
    return {"kind": "project", "jurisdiction": "安徽省/池州市", "year": 2022,
            "budget": {"adjusted": 100, "executed": 100}, "indicators": rows, **extra}


def row(name: str, target: Any, actual: Any, weight: int = 50, level1: str = "产出指标", **extra: Any
        ) -> dict[str, Any]:
    return {"level1": level1, "level2": "数量指标", "name": name, "weight": weight, "target": target,
            "actual": actual, **extra}


def filler(weight_output: int = 0) -> list[dict[str, Any]]:
    """Full-marks rows for 效益 (30) and 满意度 (10), and 产出 rows for `weight_output` points."""
    rows = [row("效益", "有效提升", "有效提升", 30, "效益指标"), row("满意度", "≥90%", "95%", 10, "满意度指标")]
    if weight_output:
        rows.append(row("产出其余", "≥1次", "1次", weight_output))
    return rows


# ---------------------------------------------------------------- the two published 棠溪镇 tables


def load(name: str) -> dict[str, Any]:
    (raw,) = parse_documents((DATA / name).read_text(encoding="utf-8"), str(DATA / name))
    data: dict[str, Any] = raw.data
    return data


def test_chizhou_weituo_table_scores_from_the_parts() -> None:
    r = score(load("anhui-chizhou-tangxi-2022-weituo.yaml"))
    # 年度资金总额 0, 其中 本年财政拨款 89.974 / 89.974 → 10 × 1 = 10 (declared 0).
    # 产出: 50个 of ≥50个 → 8; 100 of ≥100百分比 → 8; four 达成预期指标 rows → declared 8, 8, 10 in band;
    # ≤90万元 with 90 → reverse, at the target → 8.  效益: three 达成预期指标 → 10 each.
    # 满意度: the copy is cut off, the row is blank → 0 (blank-actual).  10 + 50 + 30 + 0 = 90.
    assert r.total == D(90)
    assert [it.score for it in r.items] == [D(x) for x in (10, 8, 8, 8, 8, 8, 10, 10, 10, 10, 0)]
    assert codes(r).count("budget-from-parts") == 3  # initial, adjusted, executed
    assert finding(r, "declared-score-mismatch") == "预算执行率: 填报得分 0，按规则应为 10"
    assert "missing-tier" not in codes(r) and "unit-mismatch" not in codes(r)
    assert codes(r, "$.indicators[1]") == ["unit-from-target"]
    assert "100%" in next(f.message for f in r.findings if f.path == "$.indicators[1]")
    assert codes(r, "$.indicators[9]") == ["blank-actual"]
    assert "weights-total-mismatch" not in codes(r)  # 10 + 50 + 30 + 10 as labelled


def test_chizhou_cunji_table_equality_targets_and_bare_money() -> None:
    r = score(load("anhui-chizhou-guichi-tangxi-2022-cunji.yaml"))
    # 10 (from the parts: 132.912 ÷ 132.912) + 产出 8 + 8 + 8 + 8 + 8 + 10 (132.9 ≤ 202.6万元) + 效益 10 + 10 = 80
    assert r.total == D(80)
    assert r.item("补助村(社区)数量").score == D(8)  # =8个 with 8 → 8 ÷ 8
    assert r.item("项目总成本").score == D(10)
    assert "132.912" in finding(r, "declared-rate-mismatch")


# ---------------------------------------------------------------- budget.sources


def test_budget_total_differs_from_its_parts_names_both_numbers() -> None:
    form = national(filler(50) + [], budget={
        "adjusted": 120, "executed": 90,
        "sources": {"appropriation": {"adjusted": 80, "executed": 60}, "carryover": {"adjusted": 20, "executed": 30}}})
    form["indicators"] = filler(50)
    r = score(form)
    adjusted = [f.message for f in r.findings if f.code == "budget-parts-mismatch" and f.path == "$.budget.adjusted"]
    assert adjusted and "120" in adjusted[0] and "100" in adjusted[0] and "相差 20" in adjusted[0]
    assert codes(r, "$.budget.executed") == []  # 60 + 30 = 90
    assert r.item("预算执行").score == D("7.50")  # scored from the written total: 10 × 90 ÷ 120


def test_budget_parts_within_rounding_are_an_info() -> None:
    form = national(filler(50), budget={"adjusted": 100.01, "executed": 100,
                                        "sources": {"appropriation": {"adjusted": 60}, "other": {"adjusted": 40}}})
    r = score(form)
    assert codes(r, "$.budget.adjusted") == ["budget-parts-rounding"]
    assert [f.severity for f in r.findings if f.code == "budget-parts-rounding"] == ["info"]


def test_blank_budget_total_with_parts_is_scored_not_refused() -> None:
    form = national(filler(50), budget={"adjusted": None, "executed": None,
                                        "sources": {"appropriation": {"adjusted": 30, "executed": 27}}})
    r = score(form)
    assert r.item("预算执行").score == D(9)  # 10 × 27 ÷ 30
    assert "未填写" in next(f.message for f in r.findings if f.path == "$.budget.adjusted")


def test_zero_total_without_parts_is_a_finding_not_a_division() -> None:
    r = score(national(filler(50), budget={"adjusted": 0, "executed": 0}))
    assert {"budget-total-zero", "missing-value"} <= set(codes(r))
    assert r.item("预算执行").score == 0 and r.total == D(90)


# ---------------------------------------------------------------- tiers written as the actual, bands of declared scores


@pytest.mark.parametrize("actual,tier,declared,expected", [
    ("达成预期指标", "达成", None, "50"),  # top of 达成: 50
    ("部分达成预期指标并具有一定效果", "部分达成", 35, "35"),  # 60–80% of 50 = 30–40
    ("未达成预期指标且效果较差", "未达成", None, "30"),  # top of 0–60%: 30
])
def test_an_actual_naming_a_tier_is_that_tier(actual: str, tier: str, declared: int | None, expected: str) -> None:
    extra = {"declared_score": declared} if declared is not None else {}
    r = score(national([row("制度执行", "严格执行", actual, **extra)] + filler()))
    item = r.item("制度执行")
    assert item.score == D(expected) and item.detail["tier"] == tier
    assert codes(r, "$.indicators[0]") == []


def test_tier_from_the_band_of_the_declared_score() -> None:
    # 黄石 bands: 达成 80–100% (含 80%), 部分达成 50–80% (含 50%): on a 10-point row 8 → 达成, 5 → 部分达成
    base = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022, "budget": {"adjusted": 1, "executed": 1}}
    rows = [{"name": "a", "weight": 60, "target": "≥1次", "actual": "1次"},
            {"name": "b", "weight": 10, "target": "有效提升", "actual": "基本提升", "declared_score": 8},
            {"goal": 2, "name": "c", "weight": 10, "target": "有效提升", "actual": "略有提升", "declared_score": 5}]
    r = score({**base, "indicators": rows}, HUANGSHI)
    assert r.item("b").detail["tier"] == "达成" and r.item("b").score == D(8)
    assert r.item("c").detail["tier"] == "部分达成" and r.item("c").score == D(5)
    assert codes(r, "$.indicators[1]") == ["tier-from-score"]
    assert r.total == D(20 + 60 + 8 + 5)


def test_a_declared_score_no_band_holds_is_a_band_violation() -> None:
    r = score(national([row("制度执行", "严格执行", "执行较好", declared_score=60)] + filler()))
    assert codes(r, "$.indicators[0].declared_score") == ["band-violation"]
    assert r.item("制度执行").score == D(50)  # clamped to the top of 达成


# ---------------------------------------------------------------- blank cells


def test_blank_actual_scores_zero_with_not_filled() -> None:
    r = score(national([row("人数", "≥100人", None, declared_score=50)] + filler()))
    item = r.item("人数")
    assert item.score == 0 and "未填写" in item.explain and item.detail["reason"] == "实际完成值未填写，记 0 分"
    assert codes(r, "$.indicators[0]") == ["blank-actual"]
    assert "missing-tier" not in codes(r) and "declared-score-mismatch" not in codes(r)


def test_unfilled_table_is_said_once() -> None:
    rows = [row(f"指标{i}", "≥1次", None, 10, declared_score=None) for i in range(5)]
    r = score(national(rows, declared_total=None))
    assert codes(r).count("unfilled-table") == 1 and "blank-actual" not in codes(r)
    assert "blank-score" in codes(r, "$.declared_total")
    assert all(f.path in ("$.indicators", "$.declared_total") or f.code != "blank-score" for f in r.findings)
    assert r.total == D(10)  # only the budget (100 ÷ 100)


def test_blank_target_with_a_tier_is_judged_and_reported() -> None:
    r = score(national([row("质量", None, "达成预期指标")] + filler()))
    assert r.item("质量").score == D(50) and codes(r, "$.indicators[0]") == ["blank-target"]


def test_null_is_accepted_where_the_contract_allows_it() -> None:
    form = national([row("人数", None, None, declared_score=None)] + filler(), declared_total=None)
    form["budget"]["declared_score"] = None
    read_form(form)  # no schema error


# ---------------------------------------------------------------- words for numbers, copies of the target


@pytest.mark.parametrize("actual,declared,expected,tier", [
    ("完成", None, "50", "达成"),  # names 达成 (an alias): top of its band
    ("已完成", 45, "45", "达成"),
    ("达成", None, "50", "达成"),
    ("显著提升", 50, "50", "达成"),  # names no tier: the band holding 50 of 50
    ("显著提升", 35, "35", "部分达成"),  # 35 of 50 = 70%
])
def test_word_actual_on_a_quantitative_row(actual: str, declared: int | None, expected: str, tier: str) -> None:
    extra = {"declared_score": declared} if declared is not None else {}
    r = score(national([row("覆盖率", "≥90%", actual, **extra)] + filler()))
    assert r.item("覆盖率").score == D(expected) and r.item("覆盖率").detail["tier"] == tier
    assert codes(r, "$.indicators[0]") == ["word-actual"]
    assert "按定性指标评价" in finding(r, "word-actual")


def test_word_actual_without_tier_or_score_is_missing_tier() -> None:
    r = score(national([row("覆盖率", "≥90%", "显著提升")] + filler()))
    assert codes(r, "$.indicators[0]") == ["missing-tier"] and r.item("覆盖率").score == 0


@pytest.mark.parametrize("target", ["≥90%", "≤5%", "≥6次", "不低于95%"])
def test_an_actual_copying_the_target_counts_as_met(target: str) -> None:
    r = score(national([row("指标", target, target)] + filler()))
    assert r.item("指标").score == D(50) and "照抄" in r.item("指标").detail["reason"]


# ---------------------------------------------------------------- fractions, bare numbers, units as words


def test_rate_written_as_a_fraction() -> None:
    r = score(national([row("合格率", "≥95%", "1")] + filler()))
    assert r.item("合格率").score == D(50) and codes(r, "$.indicators[0]") == ["rate-as-fraction"]
    r = score(national([row("合格率", "≥95%", "0.76")] + filler()))
    assert r.item("合格率").score == D(40)  # 50 × 0.76 ÷ 0.95 = 40
    form = national(filler(50))
    form["budget"]["declared_rate"] = 1
    assert codes(score(form), "$.budget.declared_rate") == ["rate-as-fraction"]  # 1 = 100% = 100 ÷ 100


def test_bare_actual_takes_the_targets_unit() -> None:
    r = score(national([row("合格率", "≥90%", "72")] + filler()))
    assert r.item("合格率").score == D(40)  # 72% of ≥90% → 50 × 0.8
    r = score(national([row("成本", "≤500元", "600", level1="产出指标")] + filler()))
    # 600 元 (not 600 万元) over ≤500元: national reverse → 50 × (1 − 100 ÷ 500) = 40
    assert r.item("成本").score == D(40) and codes(r, "$.indicators[0]") == ["unit-from-target"]


def test_units_written_as_words() -> None:
    r = score(national([row("合格率", "≥100百分比", "98%")] + filler()))
    assert r.item("合格率").score == D(49)  # 50 × 0.98
    assert codes(r, "$.indicators[0]") == []


# ---------------------------------------------------------------- OCR'd copies


def test_ge_read_as_2_is_a_warning_never_a_correction() -> None:
    r = score(national([row("合格率", "290%", "95%", 25, declared_score=25),
                        row("培训", "26次", "7次", 25, declared_score=25)] + filler()))
    # scored as written: 25 × 0.95 ÷ 2.9 = 8.189… → 8.19; 25 × 7 ÷ 26 = 6.730… → 6.73
    assert r.item("合格率").score == D("8.19") and r.item("培训").score == D("6.73")
    ocr = [f.message for f in r.findings if f.code == "ocr-suspect"]
    assert len(ocr) == 2 and "≥90%" in ocr[0] and "≥6次" in ocr[1]


def test_no_ocr_warning_for_a_plausible_row() -> None:
    r = score(national([row("人数", "26次", "30次", declared_score=50)] + filler()))
    assert "ocr-suspect" not in codes(r)


def test_rate_over_100_with_full_score() -> None:
    r = score(national([row("完成率", "≥95%", "996%", declared_score=50)] + filler()))
    assert "99.6%" in finding(r, "rate-over-100")
    r = score(national([row("完成人数", "≥95%", "996%", declared_score=50)] + filler()))
    assert "rate-over-100" not in codes(r)  # the name does not say 率


def test_unit_changed_gives_the_likely_reading() -> None:
    r = score(national([row("次数", "≥6次", "6个", declared_score=50)] + filler()))
    assert "'6次'" in finding(r, "unit-changed") and "unit-mismatch" in codes(r)


# ---------------------------------------------------------------- totals and unknown tables


def test_weights_adding_to_110_name_both_numbers() -> None:
    # 黄石 2022 fixes its weights: 预算执行 20 + 目标1 rows 80 + 目标2 10 = 110 under 100
    base = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022, "budget": {"adjusted": 1, "executed": 1}}
    rows = [{"name": "a", "weight": 80, "target": "≥1次", "actual": "1次"},
            {"goal": 2, "name": "b", "weight": 10, "target": "≥1次", "actual": "1次"}]
    r = score({**base, "indicators": rows}, HUANGSHI)
    message = finding(r, "weights-total-mismatch")
    assert "合计 110" in message and "满分 100" in message and "预算执行情况 20 + 指标行 90" in message
    assert r.total <= 100


def test_weights_said_once_where_the_form_supplies_them() -> None:
    # the national baseline admits form weights: form-weights-total names the 110, no second finding
    r = score(national([row("产出", "≥1次", "1次", 60)] + filler()))
    assert "form-weights-total" in codes(r) and "weights-total-mismatch" not in codes(r)


def test_unknown_table_is_said_once_with_the_rulesets_tried() -> None:
    # an older template (项目管理 60 + 项目绩效 40) that no bundled ruleset knows
    rows = [row("制度健全性", "健全", "健全", 30, "项目管理"), row("资金到位率", "100%", "100%", 30, "项目管理"),
            row("培训人次", "≥100人次", "120人次", 20, "项目绩效"), row("满意度", "≥90%", "92%", 10, "项目绩效")]
    form = {**national(rows), "jurisdiction": "甘肃省/兰州市", "year": 2021}
    scored = perfrules.Scorer().score(form)
    assert codes(scored).count("unknown-table-parts") == 1 and "unmatched-row" not in codes(scored)
    assert "missing-rows" not in codes(scored)  # the message names the ruleset's parts: not once more per part
    message = finding(scored, "unknown-table-parts")
    assert "表中 4 个指标行" in message and "表中的部分: 项目管理、项目绩效" in message
    assert "甘肃省/兰州市 → 甘肃省 → 全国" in message and "national/project-2020" in message
    assert "ningxia/yinchuan/project-2021" in message and "也都不能识别全部指标行" in message
    # with a ruleset that knows the parts, the message names it as the one to use
    rows = [row("立项依据充分性", "充分", "充分", 10, "项目决策"), row("资金到位率", "100%", "100%", 25, "项目管理"),
            row("培训人次", "≥100人次", "120人次", 30, "项目产出"), row("满意度", "≥90%", "92%", 35, "项目效益")]
    scored = perfrules.Scorer().score({**national(rows), "jurisdiction": "甘肃省/兰州市", "year": 2021})
    assert "能识别表中全部指标行的规则: ningxia/yinchuan/project-2021" in finding(scored, "unknown-table-parts")


def test_an_unknown_table_whose_weights_fall_short_is_said_once() -> None:
    # 10 + 30 + 30 + 20 = 90 under a 100: unknown-table-parts explains it, as the per-part
    # missing-rows it replaces did; no second error about the total
    rows = [row(f"管理{i}", "≥1次", "1次", w, "项目管理") for i, w in enumerate([30, 30, 20])]
    scored = perfrules.Scorer().score({**national(rows), "jurisdiction": "甘肃省/兰州市", "year": 2021})
    assert "unknown-table-parts" in codes(scored)
    assert "weights-total-mismatch" not in codes(scored) and "missing-rows" not in codes(scored)


def test_the_published_tables_in_yaml_stay_yaml_safe() -> None:
    for p in DATA.glob("*.yaml"):
        assert yaml.safe_load(p.read_text(encoding="utf-8"))["kind"] == "project"


# ---------------------------------------------------------------- docs


def test_every_new_finding_code_is_documented_with_its_severity() -> None:
    root = DATA.parent.parent.parent
    doc = (root / "docs" / "forms.md").read_text(encoding="utf-8")
    rows = {line for line in doc.splitlines() if line.startswith("| `")}
    emitted: set[tuple[str, str]] = set()
    for module in ("cells", "budget_sources", "conventions", "plausibility", "totals"):
        text = (root / "perfrules" / f"{module}.py").read_text(encoding="utf-8")
        emitted |= set(re.findall(r'Note\(\s*"(error|warning|info)",\s*"([a-z0-9-]+)"', text))
    emitted |= {("error", "unknown-table-parts"), ("error", "unfilled-table")}
    assert len(emitted) >= 17
    for severity, code in emitted:
        assert any(f"`{code}`" in line and f"| {severity} |" in line for line in rows), (code, severity)


def test_the_budget_example_in_the_docs_reads() -> None:
    doc = (DATA.parent.parent.parent / "docs" / "forms.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", doc, flags=re.DOTALL) if "sources:" in b]
    form = read_form({"kind": "project", "jurisdiction": "安徽省", "year": 2022, **yaml.safe_load(block)})
    assert form.budget is not None and form.budget.adjusted == D("99.974")  # 89.974 + 10


def test_floats_from_python_callers_are_read_by_their_digits() -> None:
    form = read_form(national(filler(50), budget={"adjusted": 0.1, "executed": 0.07,
                                                  "sources": {"appropriation": {"adjusted": 0.1}}}))
    assert form.budget is not None and form.budget.adjusted == D("0.1") and form.budget.executed == D("0.07")
    assert not any(f.code.startswith("budget-") for f in form.notices)  # 0.1 == 0.1 exactly


def test_golden_messages_of_the_conventions(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The Chinese messages of every new finding, as a reviewer reads them (tests/golden)."""
    assert score(load("conventions-gallery.yaml")).total == D("79.69")  # worked out in the file's comment
    forms = [DATA / "anhui-chizhou-tangxi-2022-weituo.yaml", DATA / "conventions-gallery.yaml"]
    assert main(["explain", *[str(p.relative_to(repo_root)) for p in forms]]) == 1
    golden("explain-field-conventions.txt", capsys.readouterr().out)


def test_workbook_cells_follow_the_same_conventions() -> None:
    """A filled 黄石 template with a blank 实际完成值 and a tier written as the actual: read, scored, placed."""
    import io

    from openpyxl import load_workbook

    from perfrules.tables import TableForm, read_tables
    from perfrules.tables.template import build_template
    from tests.tables_build import HUANGSHI as EXAMPLES
    from tests.tables_build import example

    from .test_tables_template import fill

    form = example(EXAMPLES[1])  # 02-kaifaqu-peitao: 预计参保人数 20 × 11789 ÷ 13000 = 18.14 on the YAML
    wb = load_workbook(io.BytesIO(fill(build_template(HUANGSHI.model, rows_per_section=6), form)))
    ws = wb["自评表"]
    rows = {ws.cell(r, 4).value: r for r in range(1, ws.max_row + 1)}
    blank_row = rows["预计参保人数"]
    ws.cell(blank_row, 6).value = None  # 实际完成值 left blank
    buf = io.BytesIO()
    wb.save(buf)
    [item] = read_tables(buf.getvalue(), "filled.xlsx")
    assert isinstance(item, TableForm)
    r = perfrules.Scorer().score(item.raw)
    (blank,) = [f for f in r.findings if f.code == "blank-actual"]
    assert r.item("预计参保人数").score == 0 and blank.place is not None and blank.place.startswith("自评表!")
    assert r.total == D("91.64") - D("18.14")  # the YAML's total without the blank row's 18.14
