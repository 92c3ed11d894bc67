"""Issue 12's last engine gaps: ``when`` classes whose formula reads no target, and equality targets.

Expected scores are worked out by hand in the comment beside each assertion; every form is
scored by both runners, which must agree exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.errors import RulesetError
from perfrules.notation import read_cell
from perfrules.result import Result

NATIONAL = perfrules.load_ruleset("national/project-2020")
YINCHUAN = perfrules.load_ruleset("ningxia/yinchuan/project-2021")
D = Decimal

# A ruleset with both kinds of class formula: one reads the actual only (a rate), one reads no cell.
RATES = """
ruleset "test/rates"
jurisdiction "演示省"
years 2024
kind project
full 100
bands 三档 {
  "达成" 80% .. 100%
  "部分达成" 60% .. 80%
  "未达成" 0% .. 60%
}
indicators {
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
  按实际率: min(actual, 1)
  按执行率: ratio(budget.executed, budget.adjusted)
  when name == "资金到位率": 按实际率
  when name == "预算执行率": 按执行率
  qualitative: 三档
}
section 管理 "项目管理" weight 100 {
  rows where level1 == "项目管理"
}
"""


def score(form: dict[str, Any], rs: perfrules.Ruleset) -> Result:
    compiled, walked = rs.evaluate(form), rs.interpret(form)
    assert compiled.to_dict() == walked.to_dict()
    return compiled


def management(rows: list[dict[str, Any]], budget: dict[str, Any] | None = None) -> dict[str, Any]:
    form: dict[str, Any] = {"kind": "project", "jurisdiction": "演示省", "year": 2024, "indicators": rows}
    if budget is not None:
        form["budget"] = budget
    return form


def row(name: str, target: Any, actual: Any, weight: int, **extra: Any) -> dict[str, Any]:
    return {"level1": "项目管理", "name": name, "weight": weight, "target": target, "actual": actual, **extra}


def codes(r: Result) -> list[str]:
    return [f.code for f in r.findings]


RULES = perfrules.ruleset_from_text(RATES, "rates.rules")


def test_a_class_formula_without_target_scores_a_dash_target_row() -> None:
    # 资金到位率: target “—”, actual 95% → 40 × min(0.95, 1) = 38.
    # 预算执行率: target “—”, actual “已完成” (a word) → the formula reads no cell: 40 × 45 ÷ 50 = 36.
    # 制度: target “—”, actual 健全, declared 18 of 20 → 达成 band 16–20 → 18.  Total 92.
    r = score(management([row("资金到位率", "—", "95%", 40), row("预算执行率", "—", "已完成", 40),
                          row("制度", "—", "健全", 20, declared_score=18)],
                         {"adjusted": 50, "executed": 45}), RULES)
    assert (r.item("资金到位率").score, r.item("预算执行率").score, r.item("制度").score) == (D(38), D(36), D(18))
    assert r.total == D(92)
    assert r.item("资金到位率").explain == "40 × min(95%, 1) = 38"
    assert r.item("预算执行率").explain == "40 × ratio(45 ÷ 50) = 36"
    reason = r.to_dict()["items"][0]["detail"]["reason"]
    assert reason == "三级指标为 资金到位率，按“按实际率”公式计分（公式不读本行的年度指标值，年度指标值 '—' 不参与计分）"
    assert "word-actual" not in codes(r) and "tier-from-score" in codes(r)  # only 制度 is judged by its band


def test_a_class_formula_reading_the_actual_needs_a_number_there() -> None:
    # 资金到位率 with a word actual and no declared score: the class cannot read it; judged as before
    # (a word beside a dash target, no tier, no declared score → missing-tier), 0.
    # A blank actual: blank-actual, 0.  A negative actual: read as 0 with an info → 0.
    r = score(management([row("资金到位率", "—", "基本到位", 40), row("资金到位率", None, None, 30),
                          row("资金到位率", "—", "-5%", 30)]), RULES)
    assert [i.score for i in r.items] == [D(0), D(0), D(0)]
    assert codes(r).count("missing-tier") == 1 and "blank-actual" in codes(r) and "negative-actual" in codes(r)


def test_a_class_formula_reading_no_cell_scores_even_a_blank_row_and_needs_the_budget() -> None:
    # 预算执行率, both cells blank: 100 × 30 ÷ 40 = 75 from the budget.  Without a budget: missing-value, 0.
    r = score(management([row("预算执行率", None, None, 100)], {"adjusted": 40, "executed": 30}), RULES)
    assert r.total == D(75) and "blank-actual" not in codes(r)
    r = score(management([row("预算执行率", "—", "100%", 100)]), RULES)
    assert r.total == D(0) and codes(r) == ["missing-value"]


def test_quantitative_rows_of_a_class_are_unchanged() -> None:
    # 资金到位率 ≥90% / 95%: the class still decides, reading the actual: 40 × 0.95 = 38 (not 40 × 95 ÷ 90 → 40).
    r = score(management([row("资金到位率", "≥90%", "95%", 40), row("其他", "≥10个", "5个", 60)]), RULES)
    assert r.item("资金到位率").score == D(38) and r.item("其他").score == D(30)


def test_the_checker_records_which_cells_a_class_formula_reads() -> None:
    model = RULES.model
    assert model.policy is not None and model.policy.loose_classes
    assert [k.cells for k in model.policy.classes] == [("actual",), ()]
    assert NATIONAL.model.policy is not None and not NATIONAL.model.policy.loose_classes


def test_a_class_formula_without_target_is_still_proved_within_the_weight() -> None:
    bad = RATES.replace("按实际率: min(actual, 1)", "按实际率: actual")
    with pytest.raises(RulesetError) as exc:
        perfrules.ruleset_from_text(bad, "bad.rules")
    assert any(d.code == "bound" and d.severity == "error" for d in exc.value.diagnostics)


def test_yinchuan_budget_row_with_a_dash_target() -> None:
    # 银川 2021 form shape: 预算执行率 10, target “—”, actual 100%, budget 64.8 / 64.8 → 10 (declared 9).
    form = {"kind": "project", "jurisdiction": "宁夏回族自治区/银川市", "year": 2021,
            "budget": {"adjusted": 64.8, "executed": 60},
            "indicators": [{"level1": "项目管理(100分)", "name": "预算执行率", "weight": 100, "target": "—",
                            "actual": "100%", "declared_score": 90}]}
    r = score(form, YINCHUAN)
    # 100 × 60 ÷ 64.8 = 92.592… → 92.59 (the budget decides; the row's “100%” is not read).
    assert r.total == D("92.59")
    assert "declared-score-mismatch" in codes(r)


# ---------------------------------------------------------------- equality targets


@pytest.mark.parametrize("text", ["=8个", "＝8个", "等于8个", "==8个"])
def test_equality_targets_read_as_relation_equal(text: str) -> None:
    q = read_cell(text)
    assert q is not None and (q.value, q.unit, q.relation) == (D(8), "个", "=")


def national(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "project", "jurisdiction": "安徽省/池州市", "year": 2022,
            "budget": {"adjusted": 100, "executed": 100}, "indicators": rows}


def eq_row(name: str, target: str, actual: str, weight: int, level1: str = "产出指标") -> dict[str, Any]:
    return {"level1": level1, "level2": "数量指标", "name": name, "weight": weight, "target": target,
            "actual": actual}


def test_national_equal_formula_by_hand() -> None:
    # 财预〔2020〕10号: reached → full, short → B ÷ A; target 0 (domain.md): actual ≤ 0 full, else 0.
    # =8个 / 6个 → 20 × 6 ÷ 8 = 15; ＝42人 / 50人 → 20 (over the target is not cut);
    # 等于0起 / 1起 → 0; =0件 / 0件 → 30; 满意度 ≥90% / 90% → 10; 执行率 10.  Total 85.
    r = score(national([eq_row("补助村数量", "=8个", "6个", 20), eq_row("保障人数", "＝42人", "50人", 20),
                        eq_row("事故数", "等于0起", "1起", 10), eq_row("投诉", "=0件", "0件", 30, "效益指标"),
                        eq_row("满意度", "≥90%", "90%", 10, "满意度指标")]), NATIONAL)
    assert [i.score for i in r.items] == [D(10), D(15), D(20), D(0), D(30), D(10)]
    assert r.total == D(85) and r.findings == []
    assert r.to_dict()["items"][1]["detail"]["direction"] == "equal"
    assert r.to_dict()["items"][1]["detail"]["reason"] == "目标值带 =，按等值指标计分"


def test_a_ruleset_without_equal_scores_an_equality_target_as_unsigned_and_says_so() -> None:
    # 银川 2021 has positive, reverse and a class, no equal: =2370人 of 2300人 → scored as a target
    # written without ≥/≤ (positive: 100 × 2300 ÷ 2370 = 97.05), with a warning saying what to add.
    form = {"kind": "project", "jurisdiction": "宁夏回族自治区/银川市", "year": 2021,
            "indicators": [{"level1": "项目产出", "name": "保障人数", "weight": 100, "target": "=2370人",
                            "actual": "2300人"}]}
    r = score(form, YINCHUAN)
    assert r.item("保障人数").score == D("97.05")
    (f,) = [f for f in r.findings if f.code == "equal-as-unsigned"]
    assert f.severity == "warning" and "'=2370人' 是等值目标" in f.message and "equal:" in f.message
    assert "正向" in f.message and not [f for f in r.findings if f.code == "no-formula"]


def test_an_equal_formula_is_not_reported_unused() -> None:
    text = RATES.replace("  按实际率: min(actual, 1)\n", "  按实际率: min(actual, 1)\n  equal: if target > 0 then "
                         "min(actual / target, 1) else if actual <= 0 then 1 else 0\n")
    rs = perfrules.ruleset_from_text(text, "eq.rules")
    assert [d for d in rs.diagnostics if d.code == "unused"] == []


@settings(max_examples=60, deadline=None)
@given(target=st.integers(0, 500), actual=st.integers(0, 1000))
def test_equal_scores_like_the_published_rule(target: int, actual: int) -> None:
    """Any =A target: B ≥ A full, B < A → 50 × B ÷ A (2 places, half up); A = 0: B ≤ 0 full, else 0."""
    r = score(national([eq_row("数量", f"={target}个", f"{actual}个", 50), eq_row("效益", "≥1个", "1个", 30, "效益指标"),
                        eq_row("满意度", "≥1个", "1个", 10, "满意度指标")]), NATIONAL)
    if target == 0:
        expected = D(50) if actual <= 0 else D(0)
    else:
        expected = min(D(50) * actual / target, D(50)).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert r.item("数量").score == expected


def test_a_class_formula_reading_no_cell_ignores_a_unit_mismatch_it_does_not_read() -> None:
    # 预算执行率 ≥95% beside 90万元: units differ, but the formula reads neither cell: 100 × 45 ÷ 50 = 90.
    r = score(management([row("预算执行率", "≥95%", "90万元", 100)], {"adjusted": 50, "executed": 45}), RULES)
    assert r.total == D(90) and "unit-mismatch" not in codes(r)
    assert r.to_dict()["items"][0]["detail"]["reason"].endswith("年度指标值 '≥95%' 不参与计分）")
