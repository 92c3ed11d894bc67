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
