"""The rubrics bureaus really write (issue 10): classes of rows, 不适用 with rescaling, row reasons."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules.cli import main
from perfrules.formatter import format_text
from perfrules.forms import load_documents
from perfrules.testing import forms

from .conftest import RULESETS

DEMO = perfrules.load_ruleset("demo/shifan/project-2024")
EXAMPLES = RULESETS / "demo/shifan/2024/examples"


def _example(name: str) -> dict[str, Any]:
    (doc,) = load_documents(EXAMPLES / name)
    data: dict[str, Any] = doc.data
    return data


def _with(base: str, changes: dict[int, dict[str, Any]], **top: Any) -> dict[str, Any]:
    data = _example(base)
    rows = [dict(r) for r in data["indicators"]]
    for i, change in changes.items():
        rows[i].update(change)
    return {**data, "indicators": rows, **top}


def _ruleset(body: str, policy: str = "") -> perfrules.Ruleset:
    return perfrules.ruleset_from_text(f'''ruleset "t"
jurisdiction "演示省"
years 2024
kind project
full 100
indicators {{
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
{policy}
}}
{body}
''')


# ---------------------------------------------------------------- 1. classes of rows


def test_satisfaction_class_overrides_the_target_relation() -> None:
    r = DEMO.evaluate(_example("01-peixun.yaml"))
    # 78% against ≥90%: the positive formula would give 10 × 78 ÷ 90 = 8.67; the class says below 80% → 0
    assert r.item("学员满意度").score == 0
    assert r.item("学员满意度").detail["reason"] == "一级指标为 满意度指标，按“满意度”公式计分"
    assert r.item("学员满意度").detail["direction"] == "满意度"
    # 85% is not below 80%: 10 × 85 ÷ 90 = 9.444… → 9.44
    assert DEMO.evaluate(_example("03-zhixinglv.yaml")).item("学员满意度").score == Decimal("9.44")


def test_execution_rate_tiers() -> None:
    # ≥ 95% full marks; 60–95% weight × rate; below 60% nothing (hand-worked from the rule's comment)
    for executed, expected in (("98", "10"), ("95", "10"), ("90", "9"), ("60", "6"), ("59.9", "0")):
        form = {**_example("03-zhixinglv.yaml"), "budget": {"adjusted": 100, "executed": Decimal(executed)}}
        assert DEMO.evaluate(form).item("预算执行").score == Decimal(expected), executed


def test_level1_resolves_inside_a_formula() -> None:
    rs = _ruleset('section s "s" weight 100 { rows }',
                  '  一级: if level1 == "满意度指标" and actual < 80% then 0 else if target > 0 then '
                  'min(actual / target, 1) else 1\n'
                  '  when goal == 1: 一级')
    form = {"kind": "project", "jurisdiction": "演示省", "year": 2024, "indicators": [
        {"level1": "满意度指标", "name": "满意度", "weight": 50, "target": "≥90%", "actual": "70%"},
        {"level1": "产出指标", "name": "人数", "weight": 50, "target": "100人", "actual": "70人"}]}
    r = rs.evaluate(form)
    assert [it.score for it in r.items] == [Decimal(0), Decimal(35)]
    assert rs.interpret(form).to_dict() == r.to_dict()


@pytest.mark.parametrize(("policy", "message"), [
    ('  when level1 == "满意度指标": 满意', "未定义的计分公式 满意"),
    ('  满意度: min(actual, 1)\n  when level1: 满意度', "when 后应为条件"),
    ('  满意度: actual / 80%\n  when level1 == "x": 满意度', "满意度 方向的得分比例可能超出 [0, 1]"),
    ('  inapplicable: rescale everything', "未知的折算方式 everything"),
])
def test_check_reports_class_problems(policy: str, message: str) -> None:
    with pytest.raises(perfrules.RulesetError) as exc:
        _ruleset('section s "s" weight 100 { rows }', policy)
    assert message in exc.value.render()


def test_unused_formula_and_bands_are_warnings(tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "t.rules"
    path.write_text('''ruleset "t"
jurisdiction "演示省"
years 2024
kind project
full 100
bands 甲 { "好" 0% .. 100% }
bands 乙 { "好" 0% .. 100% }
indicators {
  positive: 1
  reverse: 1
  满意度: min(actual, 1)
  qualitative: 甲
}
section s "s" weight 100 { rows }
''', encoding="utf-8")
    rs = perfrules.load_ruleset(path)
    warnings = [d for d in rs.diagnostics if d.severity == "warning"]
    assert [d.message for d in warnings] == ["计分公式 满意度 没有被任何 when 或 unsigned 使用", "分档 乙 没有被使用"]
    assert [d.line for d in warnings] == [11, 7]
    assert main(["check", str(path)]) == 0
    assert "warning[unused]" in capsys.readouterr().err


# ---------------------------------------------------------------- 2. 不适用 and rescaling


def test_inapplicable_rows_rescale_their_section_and_a_whole_part_the_total() -> None:
    r = DEMO.evaluate(_example("02-bushiyong.yaml"))
    out = r.to_dict()
    produce = r.section("产出")
    # 产出: 培训人数 12 + 完成时间 5 = 17 on the applicable 20 + 5 = 25 points → 17 × 50 ÷ 25 = 34
    assert produce.score == 34 and out["sections"][1]["rescaled"] == {"from": "17", "applicable_weight": "25",
                                                                     "weight": "50"}
    # the whole 满意度 part is 不适用: (10 + 34 + 27) × 100 ÷ 90 = 78.888… → 78.89
    assert r.total == Decimal("78.89") and out["rescaled"] == {"from": "71", "applicable_weight": "90",
                                                               "weight": "100"}
    assert [it["name"] for it in out["items"] if it.get("applicable") is False] == ["培训合格率", "人均培训成本", "学员满意度"]
    assert DEMO.interpret(_example("02-bushiyong.yaml")).to_dict() == out
    text = perfrules.api.Ruleset.evaluate(DEMO, _example("02-bushiyong.yaml")).explain()
    assert "不适用 25 分，适用部分得 17 / 25，折算为 17 × 50 ÷ 25 = 34" in text
    assert "总分不适用 10 分，适用部分得 71 / 90，折算为 71 × 100 ÷ 90 = 78.89" in text


@pytest.mark.parametrize("mark", [{"applicable": False}, {"actual": "不适用"}, {"tier": "不适用"},
                                  {"target": "不适用"}])
def test_every_way_of_writing_inapplicable(mark: dict[str, Any]) -> None:
    form = _with("03-zhixinglv.yaml", {6: mark})
    r = DEMO.evaluate(form)
    assert not r.item("学员满意度").applicable
    # 预算执行 0 + 产出 50 + 效益 25 = 75 on the applicable 90 points → 75 × 100 ÷ 90 = 83.33
    assert r.total == Decimal("83.33")


def test_rescale_total_keeps_sections_and_scales_the_total() -> None:
    rs = _ruleset('section a "甲" weight 60 { rows where goal == 1 }\nsection b "乙" weight 40 { rows where goal == 2 }',
                  "  inapplicable: rescale total")
    form = {"kind": "project", "jurisdiction": "演示省", "year": 2024, "indicators": [
        {"goal": 1, "name": "x", "weight": 30, "target": "100", "actual": "50"},
        {"goal": 1, "name": "y", "weight": 30, "target": "100", "actual": "不适用"},
        {"goal": 2, "name": "z", "weight": 40, "target": "100", "actual": "100"}]}
    r = rs.evaluate(form)
    # 甲 keeps 15 of its applicable 30 (no rescale inside); total (15 + 40) × 100 ÷ 70 = 78.571… → 78.57
    assert r.section("甲").score == 15 and r.section("甲").rescaled is None
    assert r.total == Decimal("78.57")
    assert rs.interpret(form).to_dict() == r.to_dict()


def test_inapplicable_without_a_rescale_rule_is_an_error_not_a_silent_drop() -> None:
    rs = _ruleset('section a "甲" weight 100 { rows }')
    r = rs.evaluate({"kind": "project", "jurisdiction": "演示省", "year": 2024, "indicators": [
        {"name": "x", "weight": 50, "target": "100", "actual": "100"},
        {"name": "y", "weight": 50, "target": "100", "actual": "不适用", "declared_score": 50}]})
    assert r.total == 50
    assert [(f.code, f.path) for f in r.findings] == [
        ("inapplicable-not-allowed", "$.indicators[1]"), ("inapplicable-declared", "$.indicators[1].declared_score")]


def test_everything_inapplicable_is_reported() -> None:
    rs = _ruleset('section a "甲" weight 100 { rows }', "  inapplicable: rescale section")
    r = rs.evaluate({"kind": "project", "jurisdiction": "演示省", "year": 2024, "indicators": [
        {"name": "x", "weight": 100, "target": "100", "actual": "不适用"}]})
    assert r.total == 0 and [f.code for f in r.findings] == ["all-inapplicable"]
    # only the budget item left applicable: it alone is rescaled to the full 100 (0 here)
    form = _with("03-zhixinglv.yaml", {i: {"applicable": False} for i in range(7)})
    assert DEMO.evaluate(form).total == 0


@given(forms(DEMO), st.lists(st.booleans(), min_size=7, max_size=7))
def test_rescaling_never_lifts_a_score_above_its_weight(form: dict[str, Any], dropped: list[bool]) -> None:
    rows = [dict(r, applicable=False) if drop else r for r, drop in zip(form.get("indicators", []), dropped)]
    form = {**form, "indicators": rows}
    r = DEMO.evaluate(form)
    for it in r.items:
        assert 0 <= it.score <= it.weight
    for s in r.sections:
        assert 0 <= s.score <= s.weight
    assert 0 <= r.total <= r.max
    assert DEMO.interpret(form).to_dict() == r.to_dict()


# ---------------------------------------------------------------- 3. reasons


def test_unmet_without_a_reason_loses_a_fifth_of_the_weight() -> None:
    # 400 of 500 people, no reason: 20 × max(80% − 20%, 0) = 12; with a reason 20 × 80% = 16
    assert DEMO.evaluate(_example("02-bushiyong.yaml")).item("培训人数").score == 12
    given_reason = _with("02-bushiyong.yaml", {0: {"reason": "部分学员推迟到下年度"}})
    assert DEMO.evaluate(given_reason).item("培训人数").score == 16
    # 无 is no reason
    assert DEMO.evaluate(_with("02-bushiyong.yaml", {0: {"reason": "无"}})).item("培训人数").score == 12


def test_check_that_a_reason_exists() -> None:
    r = DEMO.evaluate(_example("01-peixun.yaml"))
    (warning,) = [f for f in r.findings if f.code == "check-failed"]
    assert warning.path == "$.indicators[4]" and "没有写偏差原因" in warning.message
    explained = _with("01-peixun.yaml", {4: {"reason": "当地企业用工需求下降，已调整培训方向"}})
    assert "check-failed" not in [f.code for f in DEMO.evaluate(explained).findings]


# ---------------------------------------------------------------- the formatter


def test_fmt_keeps_the_parentheses_a_nested_if_needs() -> None:
    src = ('ruleset "t"\nlet a = if year > 2020 then (if year > 2022 then 1 else 2) else 3\n'
           'let b = if year > 2020 then 1 else (if year > 2022 then 2 else 3)\n')
    out = format_text(src)
    assert "let a = if year > 2020 then (if year > 2022 then 1 else 2) else 3" in out
    assert "let b = if year > 2020 then 1 else if year > 2022 then 2 else 3" in out


def test_explanations_say_which_branch_was_taken() -> None:
    one, two, three = (DEMO.evaluate(_example(n)) for n in ("01-peixun.yaml", "02-bushiyong.yaml",
                                                            "03-zhixinglv.yaml"))
    assert one.item("学员满意度").explain == "78% 低于 80%，得 0 分"
    assert three.item("学员满意度").explain == "85% 不低于 80%：10 × min(85% ÷ 90%, 1) = 9.44"
    assert two.item("预算执行").explain == "执行率 98% ≥ 95%，得满分 10"
    assert one.item("预算执行").explain == "执行率 90% 未达到 95%，执行率 90% ≥ 60%：10 × 0.9 = 9"
    assert three.item("预算执行").explain == "执行率 55% 未达到 95%，执行率 55% 未达到 60%，得 0 分"
    assert two.item("培训人数").explain == "400人 低于 500人 且 偏差原因为空：20 × max(min(400人 ÷ 500人, 1) − 20%, 0) = 12"
    assert one.item("培训人数").explain == "偏差原因已填写：20 × min(450人 ÷ 500人, 1) = 18"
    assert two.item("培训合格率").explain == "不适用，不计分；分值按所在部分折算"


def test_a_failed_check_says_which_part_failed() -> None:
    (warning,) = [f for f in DEMO.evaluate(_example("01-peixun.yaml")).findings if f.code == "check-failed"]
    assert warning.message == ("参训人员就业率: 效益指标未完成目标，但没有写偏差原因分析及改进措施："
                               "实际值 0.75 未达到 目标值 0.8 且 偏差原因为空")
