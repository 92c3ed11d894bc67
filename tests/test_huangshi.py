"""The 黄石 2022 ruleset on the eight tables of seed 003.

Every expected score below was worked out by hand from the published rules
(备注 1–3 of the tables), not read off the engine:

- 预算执行 = 20 × 执行数 ÷ 调整后预算数, at most 20, rounded half-up to 2 places;
- positive rows (≥X or unsigned non-cost rows) = 权重 × B ÷ A, at most 权重;
- unsigned 成本指标 rows are reverse: 权重 × A ÷ B, at most 权重;
- a text row whose actual equals its target is 达成 and takes its declared score
  inside 80–100% of the weight.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules

from .conftest import RULESETS

EXAMPLES = RULESETS / "hubei" / "huangshi" / "2022" / "examples"
D = Decimal

# file → (budget item, [goal-1 row scores], goal-2 score, total, declared total)
EXPECTED = {
    # 110 ÷ 110 → 20;  20 × 14368 ÷ 16000 = 17.96;  10 × 95% ÷ 90% capped at 10
    "01-tieshan-peitao.yaml": ("20", ["17.96", "10", "10", "10", "10", "10"], "10", "97.96", "94"),
    # 20 × 67.51 ÷ 100 = 13.502 → 13.50;  20 × 11789 ÷ 13000 = 18.1369… → 18.14
    "02-kaifaqu-peitao.yaml": ("13.50", ["18.14", "10", "10", "10", "10", "10"], "10", "91.64", "88"),
    # 20 × 899.52 ÷ 960 = 18.74;  20 × 73731 ÷ 83000 = 17.7665… → 17.77;  10 × 116 ÷ 122 = 9.508… → 9.51
    "03-jinshan-wangren-peitao.yaml": ("18.74", ["17.77", "9.51", "10", "10", "10", "10"], "10", "96.02", "89"),
    # 20 × 638.43 ÷ 640 = 19.9509… → 19.95;  20 × 39902 ÷ 43800 = 18.2200… → 18.22
    "04-chaiqianhu-geren.yaml": ("19.95", ["18.22", "10", "10", "10", "10", "10"], "10", "98.17", "93"),
    "05-zhengshou-jingfei.yaml": ("20", ["20", "20", "15", "15"], "10", "100", "100"),
    "06-jiuzhu-jingfei.yaml": ("20", ["40", "15", "15"], "10", "100", "100"),
    "07-daye-weituo.yaml": ("20", ["40", "10", "10", "10"], "10", "100", "100"),
    "08-yangxin-weituo.yaml": ("20", ["40", "10", "10", "10"], "10", "100", "100"),
}

# file → the (code, path) of every error finding the seed really contains
DISAGREEMENTS = {
    "01-tieshan-peitao.yaml": {
        ("declared-score-mismatch", "$.indicators[0].declared_score"),   # 15 declared, 17.96 by formula
        ("declared-score-mismatch", "$.indicators[3].declared_score"),   # 9 declared for a row over target
        ("declared-total-mismatch", "$.declared_total"),
    },
    "02-kaifaqu-peitao.yaml": {
        ("declared-score-mismatch", "$.budget.declared_score"),          # 13 declared, 13.50 by formula
        ("declared-score-mismatch", "$.indicators[0].declared_score"),
        ("declared-total-mismatch", "$.declared_total"),
    },
    "03-jinshan-wangren-peitao.yaml": {
        ("declared-score-mismatch", "$.budget.declared_score"),
        ("declared-score-mismatch", "$.indicators[0].declared_score"),
        ("declared-score-mismatch", "$.indicators[1].declared_score"),   # 成本 6 declared, 9.51 by formula
        ("declared-total-mismatch", "$.declared_total"),
    },
    "04-chaiqianhu-geren.yaml": {
        ("declared-score-mismatch", "$.budget.declared_score"),
        ("declared-rate-mismatch", "$.budget.declared_rate"),            # 99.75% written as 99% (truncated)
        ("declared-score-mismatch", "$.indicators[0].declared_score"),
        ("declared-total-mismatch", "$.declared_total"),
    },
    "05-zhengshou-jingfei.yaml": set(),
    "06-jiuzhu-jingfei.yaml": {
        ("check-failed", "$.indicators[0]"),                             # 成本 16万 paid from a 15万 budget
    },
    "07-daye-weituo.yaml": set(),
    "08-yangxin-weituo.yaml": set(),
}


@pytest.fixture(scope="module")
def ruleset() -> perfrules.Ruleset:
    return perfrules.load_ruleset("hubei/huangshi/project-2022")


def _form(name: str) -> perfrules.Form:
    from perfrules.forms import load_documents, read_form

    (doc,) = load_documents(EXAMPLES / name)
    return read_form(doc)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("runner", ["evaluate", "interpret"])
def test_scores_worked_out_by_hand(ruleset: perfrules.Ruleset, name: str, runner: str) -> None:
    budget, goal1, goal2, total, declared_total = EXPECTED[name]
    result = getattr(ruleset, runner)(_form(name))
    assert result.item("预算执行").score == D(budget)
    rows = [it for it in result.items if it.section == "目标1"]
    assert [it.score for it in rows] == [D(s) for s in goal1]
    assert result.section("目标1").score == sum((D(s) for s in goal1), D(0))
    assert result.section("目标2").score == D(goal2)
    assert result.total == D(total)
    assert result.declared_total == D(declared_total)
    assert result.grade == "优"
    assert result.max == D(100)


@pytest.mark.parametrize("name", sorted(DISAGREEMENTS))
def test_declared_disagreements(ruleset: perfrules.Ruleset, name: str) -> None:
    result = ruleset.evaluate(_form(name))
    found = {(f.code, f.path) for f in result.findings if f.severity == "error"}
    assert found == DISAGREEMENTS[name]
    assert result.exit_status == (1 if DISAGREEMENTS[name] else 0)


def test_explanations_show_the_arithmetic(ruleset: perfrules.Ruleset) -> None:
    result = ruleset.evaluate(_form("02-kaifaqu-peitao.yaml"))
    assert result.item("预算执行").explain == "20 × ratio(67.51 ÷ 100) = 13.5"
    assert result.item("预计参保人数").explain == "20 × min(11789人 ÷ 13000人, 1) = 18.14"
    r3 = ruleset.evaluate(_form("03-jinshan-wangren-peitao.yaml"))
    # an unsigned 成本指标 row is reverse: A ÷ B
    cost = r3.item("116元/人/年")
    assert cost.explain == "10 × min(116元/人/年 ÷ 122元/人/年, 1) = 9.51"
    assert cost.detail["direction"] == "reverse"
    assert "成本指标" in cost.detail["reason"]


def test_rate_audit_names_the_cause(ruleset: perfrules.Ruleset) -> None:
    result = ruleset.evaluate(_form("04-chaiqianhu-geren.yaml"))
    (rate,) = [f for f in result.findings if f.code == "declared-rate-mismatch"]
    assert "99.75%" in rate.message and "截断" in rate.message
    assert rate.line == 8  # the budget line of the YAML file


def test_qualitative_and_deadline_rows(ruleset: perfrules.Ruleset) -> None:
    r1 = ruleset.evaluate(_form("01-tieshan-peitao.yaml"))
    cost = [it for it in r1.items if it.detail.get("level2") == "成本指标"][0]
    assert cost.detail["tier"] == "达成" and cost.score == D(10)
    r5 = ruleset.evaluate(_form("05-zhengshou-jingfei.yaml"))
    deadline = r5.item("支付完成时间")
    assert deadline.detail["tier"] == "达成" and deadline.score == D(20)
    assert "未晚于" in deadline.detail["reason"]


def test_cost_indicator_beyond_its_budget(ruleset: perfrules.Ruleset) -> None:
    for runner in (ruleset.evaluate, ruleset.interpret):
        result = runner(_form("06-jiuzhu-jingfei.yaml"))
        (f,) = [f for f in result.findings if f.code == "check-failed"]
        assert "16" in f.message and "15" in f.message and f.line == 11
        assert result.total == D(100)  # the score itself is not affected


def test_every_result_carries_a_receipt(ruleset: perfrules.Ruleset) -> None:
    import hashlib

    d = ruleset.evaluate(_form("05-zhengshou-jingfei.yaml")).to_dict()
    # the receipt covers the whole extends chain: the Hubei 2020 template, then 黄石's own file
    chain = [RULESETS / "hubei" / "2020" / "project.rules", RULESETS / "hubei" / "huangshi" / "2022" / "project.rules"]
    source = "\n\x00\n".join(p.read_text(encoding="utf-8") for p in chain)
    assert d["receipt"] == {"ruleset": "hubei/huangshi/project-2022", "version": "1",
                            "sha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
                            "perfrules": perfrules.__version__}
    assert d["ruleset"] == {"id": "hubei/huangshi/project-2022", "version": "1"}
