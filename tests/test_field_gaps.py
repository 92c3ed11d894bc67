"""Issue 12's "What to build", tried on forms: what was found not working, and is now mended.

* A form of a province no bundled ruleset names (安徽省/池州市) was told “没有任何规则属于地区 …
  请核对 jurisdiction 的写法” — a typo warning on an ordinary table; now an info.
* A form of 全国 scored by the national rules was told it fell back from 全国 to 全国.
"""

from __future__ import annotations

from typing import Any

import pytest

from perfrules.api import Scorer
from perfrules.areas import PROVINCES, is_province
from perfrules.notation import read_cell


def fallback(jurisdiction: str) -> list[tuple[str, str]]:
    data: dict[str, Any] = {
        "kind": "project", "jurisdiction": jurisdiction, "year": 2022, "budget": {"adjusted": 10, "executed": 10},
        "indicators": [{"level1": "产出指标", "name": "人数", "weight": 50, "target": "≥1人", "actual": "1人"},
                       {"level1": "效益指标", "name": "效益", "weight": 30, "target": "≥1人", "actual": "1人"},
                       {"level1": "满意度指标", "name": "满意度", "weight": 10, "target": "≥90%", "actual": "95%"}]}
    result = Scorer().score(data)
    assert result.ruleset_id == "national/project-2020"
    return [(f.severity, f.message) for f in result.findings if f.code == "ruleset-fallback"]


@pytest.mark.parametrize("area", ["安徽省/池州市", "河北省", "宁夏/银川市/兴庆区", "广西壮族自治区/南宁市", "北京市"])
def test_a_province_without_rulesets_is_information(area: str) -> None:
    ((severity, message),) = fallback(area)
    assert severity == "info"
    assert message == f"没有 {area} 的 project 规则；按上级地区 全国 的规则 national/project-2020（2020–）计分"


@pytest.mark.parametrize("area", ["火星", "安徽", "安微省"])
def test_an_unknown_top_level_area_is_still_a_warning(area: str) -> None:
    found = fallback(area)
    if area == "安徽":  # the short name of a province is a province
        assert [s for s, _ in found] == ["info"]
    else:
        ((severity, message),) = found
        assert severity == "warning" and "请核对 jurisdiction 的写法" in message


@pytest.mark.parametrize("area", ["全国", "中国"])
def test_a_national_form_under_the_national_rules_has_no_fallback(area: str) -> None:
    assert fallback(area) == []


def test_thirty_four_province_level_areas() -> None:
    assert len(set(PROVINCES)) == 34
    assert all(is_province(p) for p in PROVINCES)
    assert is_province("内蒙古") and is_province("新疆") and not is_province("黄石市")


# ---------------------------------------------------------------- comparators as printed


@pytest.mark.parametrize("text, relation", [
    ("﹦72890元", "="), ("＞＝90%", ">="), ("＜＝5次", "<="), ("﹥3个", ">"), ("﹤3个", "<"), ("等于100%", "="),
    ("大于等于1次", ">="), ("小于等于1个", "<="),
])
def test_comparators_as_templates_print_them(text: str, relation: str) -> None:
    q = read_cell(text)
    assert q is not None and q.relation == relation


# ---------------------------------------------------------------- an OCR'd actual


def ocr(target: str, actual: str, declared: int | None = 40) -> list[tuple[str, str]]:
    data: dict[str, Any] = {
        "kind": "project", "jurisdiction": "湖北省", "year": 2020, "ruleset": "national/project-2020",
        "budget": {"adjusted": 10, "executed": 10},
        "indicators": [{"level1": "产出指标", "name": "人数", "weight": 50, "target": "≥1人", "actual": "1人"},
                       {"level1": "效益指标", "name": "效益", "weight": 30, "target": "≥1人", "actual": "1人"},
                       {"level1": "满意度指标", "name": "满意度", "weight": 10, "target": target, "actual": actual,
                        "declared_score": declared}]}
    result = Scorer().score(data)
    return [(f.severity, f.message) for f in result.findings if f.code == "ocr-suspect"]


def test_an_actual_copying_the_target_with_its_comparator_read_as_2() -> None:
    # 湖北 2020 长江禁捕: target 90%, actual 290% — the table copied ≥90% and the scan read ≥ as 2.
    ((severity, message),) = ocr("90%", "290%")
    assert severity == "warning"
    assert message == ("满意度: 实际完成值 '290%' 超过 100%，可能是 “≥90%” 被识别错（表上常照抄目标值连同 ≥，扫描件又常把 ≥ "
                       "识别成 2），与年度指标值 '90%' 相符；按表上文字计分，如属识别错误请更正")
    ((_, other),) = ocr("≥85%", "295%")  # not a copy of the target, still a rate over 100%
    assert "“≥95%”" in other and "相符" not in other


@pytest.mark.parametrize("target, actual", [("≥200人", "250人"), ("≥6次", "26次"), ("≤100万元", "2100万元"),
                                            ("90%", "92%"), ("≥90%", "200%"), ("≤5%", "25%")])
def test_a_plausible_actual_starting_with_2_is_not_suspect(target: str, actual: str) -> None:
    assert ocr(target, actual) == []


# ---------------------------------------------------------------- level-1 labels inside a goal


def hubei(level1_weights: dict[str, tuple[str, list[int]]]) -> list[tuple[str, str]]:
    rows = [{"goal": 1, "level1": label, "name": f"{part}{i}", "weight": w, "target": "≥1个", "actual": "1个"}
            for part, (label, weights) in level1_weights.items() for i, w in enumerate(weights)]
    data = {"kind": "project", "jurisdiction": "湖北省", "year": 2020, "ruleset": "hubei/project-2020",
            "budget": {"adjusted": 10, "executed": 10}, "indicators": rows}
    result = Scorer().score(data)
    return [(f.code, f.message) for f in result.findings if f.code.startswith("form-weights")]


def test_level1_labels_inside_a_goal_belong_to_their_parts() -> None:
    # 年度绩效目标1 draws by goal; 产出指标(50分) over 30 + 20, 效益指标(30分) over 30: each label matches
    # its rows, the goal's weight is the rows' 80 (within 0–80): used, no label error.
    found = hubei({"产出": ("产出指标(50分)", [30, 20]), "效益": ("效益指标(30分)", [30])})
    assert [c for c, _ in found] == ["form-weights"]


def test_a_label_inside_a_goal_that_its_rows_contradict_is_an_error() -> None:
    # 产出指标(60分) over 30 + 20 = 50: the label and its rows disagree.
    found = hubei({"产出": ("产出指标(60分)", [30, 20]), "效益": ("效益指标(30分)", [30])})
    assert ("form-weights-label", "年度绩效目标1 中的 产出指标: 表上标注 60 分，各行分值之和为 50") in found
