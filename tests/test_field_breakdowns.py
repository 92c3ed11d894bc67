"""Two breakdowns of the same spending (issue 12, point 6): ``budget.breakdowns``.

The real numbers are seed 004's 部门整体支出绩效自评表 (岳阳楼区医疗保障局 2023): 年度资金总额
全年执行数 2299.31, split 按收入性质 into 一般公共预算 2277.28 + 其他资金 22.03 and 按支出性质
into 基本支出 1304.81 + 项目支出 994.5 — both add up to 2299.31.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.api import Scorer
from perfrules.errors import FormError
from perfrules.forms import load_documents, parse_documents, read_form
from perfrules.result import Result
from perfrules.values import fmt_number

from .conftest import RULESETS

SEED_004 = RULESETS / "hunan" / "yueyang" / "yueyanglou" / "2023" / "examples" / "department-2023.yaml"
NATIONAL = perfrules.load_ruleset("national/project-2020")
D = Decimal

BY_INCOME = {"label": "按收入性质分", "parts": {"一般公共预算": {"executed": 2277.28}, "其他资金": {"executed": 22.03}}}
BY_SPENDING = {"label": "按支出性质分", "parts": {"基本支出": {"executed": 1304.81}, "项目支出": {"executed": 994.5}}}


def seed_004(*breakdowns: dict[str, Any]) -> Result:
    data = yaml.safe_load(SEED_004.read_text(encoding="utf-8"))
    data["budget"]["breakdowns"] = list(breakdowns)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (form,) = parse_documents(text, "seed-004.yaml")
    return Scorer().score(form)


def budget_findings(r: Result) -> list[tuple[str, str, str, str]]:
    return [(f.severity, f.code, f.path, f.message) for f in r.findings if f.path.startswith("$.budget.breakdowns")]


def test_seed_004_both_breakdowns_agree_with_the_total() -> None:
    r = seed_004(BY_INCOME, BY_SPENDING)
    assert budget_findings(r) == []
    assert r.total == seed_004().total  # nothing here changes the score


def test_seed_004_a_transposed_part_is_an_error_naming_both_numbers_and_places() -> None:
    # 基本支出 1304.81 copied as 1340.81: 1340.81 + 994.5 = 2335.31 ≠ 2299.31, 36 apart.
    wrong = {"label": "按支出性质分", "parts": {"基本支出": {"executed": 1340.81}, "项目支出": {"executed": 994.5}}}
    r = seed_004(BY_INCOME, wrong)
    assert budget_findings(r) == [(
        "error", "budget-breakdown-mismatch", "$.budget.breakdowns[1].parts",
        "全年执行数：年度资金总额 2299.31（$.budget.executed）与“按支出性质分”各项合计 2335.31（基本支出 1340.81 + "
        "项目支出 994.5；$.budget.breakdowns[1].parts）不一致，相差 36；“按收入性质分”与总额一致；"
        "同一笔资金的几种分法应合计相同，请核对原表")]
    (f,) = [f for f in r.findings if f.code == "budget-breakdown-mismatch"]
    assert f.line is not None  # the YAML line of the breakdown


def form(budget: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "project", "jurisdiction": "安徽省/池州市", "year": 2022, "budget": budget,
            "indicators": [{"level1": "产出指标", "name": "数量", "weight": 50, "target": "≥1个", "actual": "1个"},
                           {"level1": "效益指标", "name": "效益", "weight": 30, "target": "≥1个", "actual": "1个"},
                           {"level1": "满意度指标", "name": "满意度", "weight": 10, "target": "≥90%", "actual": "95%"}]}


def score(data: dict[str, Any]) -> Result:
    compiled, walked = NATIONAL.evaluate(data), NATIONAL.interpret(data)
    assert compiled.to_dict() == walked.to_dict()
    return compiled


def test_with_no_total_the_breakdown_is_compared_with_the_other_rows() -> None:
    # 棠溪 2022 shape: 年度资金总额 0, the money in 其中：本年财政拨款 89.974 (scored from it: 10).
    # A second split 省级 50 + 市县级 38.974 = 88.974 for 全年执行数: 1 below the 其中 rows' 89.974.
    r = score(form({"adjusted": 0, "executed": 0,
                    "sources": {"appropriation": {"adjusted": 89.974, "executed": 89.974}},
                    "breakdowns": [{"label": "按资金级次", "parts": {"省级资金": {"adjusted": 50, "executed": 50},
                                                                  "市县级资金": {"adjusted": 39.974,
                                                                               "executed": 38.974}}}]}))
    assert r.item("预算执行").score == D(10)
    assert budget_findings(r) == [(
        "error", "budget-breakdowns-disagree", "$.budget.breakdowns[0].parts",
        "全年执行数：其中各项合计 89.974（当年财政拨款 89.974；$.budget.sources）与“按资金级次”各项合计 88.974"
        "（省级资金 50 + 市县级资金 38.974；$.budget.breakdowns[0].parts）不一致，相差 1；"
        "同一笔资金的几种分法应合计相同，请核对原表")]


def test_two_breakdowns_and_no_total_at_all() -> None:
    # No 年度资金总额 and no 其中 rows: the second breakdown is compared with the first.
    r = score(form({"executed": None, "adjusted": 100,
                    "breakdowns": [{"label": "资金来源", "parts": {"财政拨款": {"executed": 60}, "其他": {"executed": 30}}},
                                   {"label": "基础数据表", "parts": {"项目支出": {"executed": 95}}}]}))
    (f,) = [f for f in r.findings if f.code == "budget-breakdowns-disagree"]
    assert "“资金来源”合计 90" in f.message and "“基础数据表”各项合计 95" in f.message and "相差 5" in f.message


def test_a_rounding_difference_is_a_note() -> None:
    # 33.33 + 33.33 + 33.33 = 99.99 under a total of 100: 0.01, within 0.01 × 3 parts → info.
    r = score(form({"adjusted": 100, "executed": 100, "breakdowns": [
        {"label": "按资金级次", "parts": {k: {"adjusted": 33.33} for k in ("中央资金", "省级资金", "市县级资金")}}]}))
    assert [(s, c) for s, c, _, _ in budget_findings(r)] == [("info", "budget-parts-rounding")]


@pytest.mark.parametrize("breakdowns, field", [
    ([{"label": "按资金级次", "parts": {}}], "parts"),
    ([{"label": "按资金级次"}], "parts"),
    ([{"parts": {"中央资金": {"adjusted": "一百"}}}], "adjusted"),
])
def test_a_malformed_breakdown_is_a_located_schema_error(breakdowns: list[dict[str, Any]], field: str,
                                                         tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(yaml.safe_dump(form({"adjusted": 1, "executed": 1, "breakdowns": breakdowns}),
                                   allow_unicode=True), encoding="utf-8")
    (doc,) = load_documents(path)
    with pytest.raises(FormError) as exc:
        read_form(doc)
    assert "$.budget.breakdowns[0]" in str(exc.value) and field in str(exc.value)


def test_an_unknown_field_in_a_breakdown_is_a_warning() -> None:
    r = score(form({"adjusted": 1, "executed": 1,
                    "breakdowns": [{"parts": {"中央资金": {"adjusted": 1, "spent": 1}}}]}))
    assert [(f.severity, f.path) for f in r.findings if f.code == "unknown-field"] == [
        ("warning", "$.budget.breakdowns[0].parts.中央资金.spent")]


amounts = st.lists(st.integers(1, 10**8).map(lambda c: D(c) / 100), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(parts=amounts, bump=st.integers(0, 5), index=st.integers(0, 5))
def test_a_breakdown_is_silent_exactly_when_it_adds_up(parts: list[Decimal], bump: int, index: int) -> None:
    """Parts adding up to the total say nothing; one part off by more than 0.01 × parts is one error."""
    total = sum(parts, D(0))
    shown = list(parts)
    delta = D(bump) * D("0.01") * len(parts) + (D("0.01") if bump else 0)  # 0, or beyond the rounding
    shown[index % len(parts)] += delta
    named = {f"第{i + 1}项": {"executed": v} for i, v in enumerate(shown)}
    data = form({"adjusted": total, "executed": total, "breakdowns": [{"label": "明细", "parts": named}]})
    found = budget_findings(score(data))
    if not delta:
        assert found == []
    else:
        ((severity, code, _, message),) = found
        assert (severity, code) == ("error", "budget-breakdown-mismatch")
        assert f"年度资金总额 {fmt_number(total)}" in message
        assert f"相差 {fmt_number(delta)}" in message
