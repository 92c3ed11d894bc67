"""Aggregation of funds (汇总原则, seed 003 备注 2–3): hand-worked pairs, errors naming both places, properties."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules.aggregate import dump_form
from perfrules.cli import main
from perfrules.forms import load_documents, parse_documents, read_form
from perfrules.testing import forms

from .conftest import RULESETS

HUANGSHI = perfrules.load_ruleset("hubei/huangshi/project-2022")
EXAMPLES = RULESETS / "hubei/huangshi/2022/examples"
TIE, KAI = EXAMPLES / "01-tieshan-peitao.yaml", EXAMPLES / "02-kaifaqu-peitao.yaml"


def _forms(*paths: Path) -> list[perfrules.Form]:
    return [read_form(d) for p in paths for d in load_documents(p)]


def test_seed_003_tieshan_and_kaifaqu_hand_worked() -> None:
    combined = HUANGSHI.aggregate(_forms(TIE, KAI))
    data = combined.data
    # budgets summed: 110 + 100 = 210, 110 + 67.51 = 177.51
    assert data["budget"] == {"adjusted": 210, "executed": Decimal("177.51")}
    rows = {r["name"]: r for r in data["indicators"]}
    # 参保人数 is absolute: 16000 + 13000 = 29000, 14368 + 11789 = 26157
    assert (rows["预计参保人数"]["target"], rows["预计参保人数"]["actual"]) == ("29000人", "26157人")
    # percentages are relative, weighted by 预算数 110 : 100 — equal values stay: ≥90%, ≥95%
    cover = rows["全区所有城乡居民均纳入城乡居民基本医疗保险覆盖范围"]
    assert (cover["target"], cover["actual"]) == ("≥90%", "≥95%")
    assert data["aggregated_from"] == [str(TIE), str(KAI)]
    r = HUANGSHI.evaluate(data)
    # 预算执行 20 × 177.51 ÷ 210 = 16.905… → 16.91; 参保人数 20 × 26157 ÷ 29000 = 18.039… → 18.04;
    # every other row full: 16.91 + 18.04 + 50 + 10 = 94.95
    assert r.item("预算执行").score == Decimal("16.91")
    assert r.item("预计参保人数").score == Decimal("18.04")
    assert r.total == Decimal("94.95") and r.grade == "优"
    assert r.aggregated_from == (str(TIE), str(KAI))
    assert r.to_dict()["aggregated_from"] == [str(TIE), str(KAI)]
    assert [f.code for f in combined.notes] == ["aggregate-unit-missing", "aggregate-qualitative"]


def _fund(title: str, adjusted: int, executed: int, people: str, rate: str, cost: str, tier: str,
          declared: int) -> dict[str, Any]:
    return {"kind": "project", "jurisdiction": "湖北省/黄石市/铁山区", "year": 2022, "title": title,
            "budget": {"adjusted": adjusted, "executed": executed},
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "name": "参保人数", "weight": 20, "target": "1000人",
                 "actual": people},
                {"level1": "产出指标", "level2": "成本指标", "name": "配套标准", "weight": 20, "target": "116元/人/年",
                 "actual": cost},
                {"level1": "产出指标", "level2": "质量指标", "name": "政策落实", "weight": 10, "target": "落实",
                 "actual": "基本落实", "tier": tier, "declared_score": declared},
                {"level1": "效益指标", "level2": "社会效益", "name": "参保率", "weight": 20, "target": "≥90%",
                 "actual": rate},
                {"goal": 2, "level1": "满意度指标", "name": "满意度", "weight": 10, "target": "100%",
                 "actual": "100%"}]}


A = _fund("甲", 300, 270, "900人", "80%", "122元/人/年", "达成", 8)
B = _fund("乙", 100, 100, "500人", "100%", "116元/人/年", "部分达成", 6)


def _combined(*datas: dict[str, Any]) -> perfrules.Aggregated:
    return HUANGSHI.aggregate([read_form(d, f"{d['title']}.yaml") for d in datas])


def test_relative_and_qualitative_rows_are_weighted_by_fund_amount() -> None:
    data = _combined(A, B).data
    rows = {r["name"]: r for r in data["indicators"]}
    # absolute: 1000 + 1000 = 2000 people planned, 900 + 500 = 1400 reached
    assert (rows["参保人数"]["target"], rows["参保人数"]["actual"]) == ("2000人", "1400人")
    # relative: (80% × 300 + 100% × 100) ÷ 400 = 85%; per-capita (122 × 300 + 116 × 100) ÷ 400 = 120.5
    assert rows["参保率"]["actual"] == "85%" and rows["配套标准"]["actual"] == "120.5元/人/年"
    # qualitative: scores (8 × 300 + 6 × 100) ÷ 400 = 7.5, inside 部分达成 (50–80% of 10)
    assert (rows["政策落实"]["declared_score"], rows["政策落实"]["tier"]) == (Decimal("7.50"), "部分达成")
    r = HUANGSHI.evaluate(data)
    # 预算 20 × 370 ÷ 400 = 18.5; 人数 20 × 1400 ÷ 2000 = 14; 配套标准 (成本指标, reverse) 20 × 116 ÷ 120.5
    # = 19.253… → 19.25; 参保率 20 × 85 ÷ 90 = 18.888… → 18.89; 政策落实 7.5; 目标2 10
    scores = {it.name: it.score for it in r.items}
    assert scores == {"预算执行情况": Decimal("18.5"), "参保人数": Decimal(14), "配套标准": Decimal("19.25"),
                      "政策落实": Decimal("7.5"), "参保率": Decimal("18.89"), "满意度": Decimal(10)}
    # 目标1: 14 + 19.25 + 7.5 + 18.89 = 59.64 of 70; total 18.5 + 59.64 + 10 = 88.14
    assert r.total == Decimal("88.14")


def test_unmatched_rows_and_disagreeing_units_name_both_places() -> None:
    with pytest.raises(perfrules.AggregationError) as exc:
        HUANGSHI.aggregate(_forms(EXAMPLES / "07-daye-weituo.yaml", EXAMPLES / "08-yangxin-weituo.yaml"))
    text = exc.value.render()
    assert "07-daye-weituo.yaml:11:5: error[aggregate-unmatched]" in text
    assert "在 rulesets/hubei/huangshi/2022/examples/08-yangxin-weituo.yaml 中没有对应的行" in text.replace(
        str(RULESETS.parent) + "/", "")
    other = dict(B, indicators=[dict(B["indicators"][0], target="1000户", actual="500户"), *B["indicators"][1:]])
    with pytest.raises(perfrules.AggregationError) as exc:
        _combined(A, other)
    (diag,) = exc.value.diagnostics  # the forms are taken in the order of their names: 乙 before 甲
    assert diag.code == "aggregate-unit" and diag.file == "甲.yaml"
    assert "乙.yaml $.indicators[0] 为“户”" in diag.message and "甲.yaml $.indicators[0] 为“人”" in diag.message


def test_a_ruleset_without_an_aggregation_rule_says_so() -> None:
    national = perfrules.load_ruleset("national/project-2020")
    with pytest.raises(perfrules.AggregationError, match="没有规定汇总原则"):
        national.aggregate(_forms(TIE, KAI))


@given(forms(HUANGSHI))
def test_aggregating_one_form_is_that_form(form: dict[str, Any]) -> None:
    alone = HUANGSHI.evaluate(form)
    try:
        combined = HUANGSHI.aggregate([form])
    except perfrules.AggregationError:
        return  # two rows of the same name in one form cannot be told apart
    again = HUANGSHI.evaluate(combined.data)
    assert again.total == alone.total
    assert [(it.name, it.score) for it in again.items] == [(it.name, it.score) for it in alone.items]


C = _fund("丙", 50, 20, "1000人", "95%", "116元/人/年", "未达成", 4)


@given(st.permutations([A, B, C]))
def test_aggregation_does_not_depend_on_the_order_of_the_forms(datas: list[dict[str, Any]]) -> None:
    assert _combined(*datas).data == _combined(A, B, C).data


def test_the_written_form_reads_back_exactly(tmp_path: Path) -> None:
    data = _combined(A, B).data
    text = dump_form(data)
    (doc,) = parse_documents(text, "combined.yaml")
    assert HUANGSHI.evaluate(doc).to_dict()["items"] == HUANGSHI.evaluate(data).to_dict()["items"]
    assert yaml.safe_load(text)["budget"] == {"adjusted": 400, "executed": 370}


def test_cli_aggregate(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "combined.yaml"
    assert main(["aggregate", str(TIE), str(KAI), "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "总分 94.95 / 100  等级 优" in shown and f"汇总表已写入 {out}" in shown
    assert main(["score", str(out)]) == 0
    assert "总分 94.95 / 100" in capsys.readouterr().out
    assert main(["aggregate", str(EXAMPLES / "07-daye-weituo.yaml"), str(EXAMPLES / "08-yangxin-weituo.yaml")]) == 2
    assert "aggregate-unmatched" in capsys.readouterr().err
    assert main(["aggregate", str(tmp_path / "missing.yaml")]) == 2


def test_aggregate_help_states_its_exit_codes() -> None:
    done = subprocess.run([sys.executable, "-m", "perfrules.cli", "aggregate", "--help"], capture_output=True,
                          text=True, check=True)
    assert "0 汇总并计分，没有 error 级的发现" in done.stdout and "2 有表单或规则无法读取" in done.stdout
