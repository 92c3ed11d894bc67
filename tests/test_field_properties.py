"""Properties of the cell conventions (blank, fraction, tier-as-actual), over generated forms."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

import perfrules
from perfrules.result import Result
from perfrules.testing import forms
from perfrules.values import fmt_number

NATIONAL = perfrules.load_ruleset("national/project-2020")
HUANGSHI = perfrules.load_ruleset("hubei/huangshi/project-2022")
RULESETS = st.sampled_from([NATIONAL, HUANGSHI])


def both(rs: perfrules.Ruleset, form: dict[str, Any]) -> Result:
    result = rs.evaluate(form)
    assert result.to_dict() == rs.interpret(form).to_dict()
    return result


def one_row_form(rs: perfrules.Ruleset, cells: dict[str, Any]) -> dict[str, Any]:
    """A form of `rs` whose first row carries `cells`; the other rows are plain and met."""
    base = {"kind": "project", "year": 2022, "budget": {"adjusted": 100, "executed": 80}}
    if rs is HUANGSHI:
        rows = [{"name": "被测", "weight": 70, **cells},
                {"goal": 2, "name": "满意度", "weight": 10, "target": "≥90%", "actual": "95%"}]
        return {**base, "jurisdiction": "湖北省/黄石市", "indicators": rows}
    rows = [{"level1": "产出指标", "name": "被测", "weight": 50, **cells},
            {"level1": "效益指标", "name": "效益", "weight": 30, "target": "有效提升", "actual": "有效提升"},
            {"level1": "满意度指标", "name": "满意度", "weight": 10, "target": "≥90%", "actual": "95%"}]
    return {**base, "jurisdiction": "安徽省", "indicators": rows}


@given(st.data(), RULESETS)
def test_a_blank_actual_never_scores_and_is_always_reported(data: st.DataObject, rs: perfrules.Ruleset) -> None:
    form = copy.deepcopy(data.draw(forms(rs)))
    rows = form.get("indicators") or []
    assume(rows)
    i = data.draw(st.integers(0, len(rows) - 1))
    rows[i]["actual"] = data.draw(st.sampled_from([None, "", "  "]))
    result = both(rs, form)
    (item,) = [it for it in result.items if it.path == f"$.indicators[{i}]"]
    assert item.score == 0
    unfilled = all(not str(r["actual"] or "").strip() and r.get("declared_score") is None for r in rows)
    assert ("unfilled-table" if unfilled else "blank-actual") in {f.code for f in result.findings}
    assert not any(f.code == "missing-tier" and f.path == f"$.indicators[{i}]" for f in result.findings)


@given(st.decimals(min_value=0, max_value=Decimal("1.5"), places=4),
       st.sampled_from(["≥90%", "≤5%", "100%", "≥0.5%", "不低于95%"]), RULESETS)
def test_a_fraction_and_its_percentage_score_the_same(fraction: Decimal, target: str, rs: perfrules.Ruleset) -> None:
    as_fraction = both(rs, one_row_form(rs, {"target": target, "actual": fmt_number(fraction)}))
    as_percent = both(rs, one_row_form(rs, {"target": target, "actual": f"{fmt_number(fraction * 100)}%"}))
    assert as_fraction.item("被测").score == as_percent.item("被测").score
    assert as_fraction.total == as_percent.total
    if fraction:
        assert "rate-as-fraction" in {f.code for f in as_fraction.findings}


@given(st.data(), RULESETS)
def test_an_actual_naming_a_tier_scores_as_that_tier(data: st.DataObject, rs: perfrules.Ruleset) -> None:
    policy = rs.model.policy
    assert policy is not None
    band = data.draw(st.sampled_from(policy.bands))
    word = data.draw(st.sampled_from([band.label, *band.aliases]))
    weight = Decimal(70 if rs is HUANGSHI else 50)
    declared = data.draw(st.one_of(st.none(), st.decimals(min_value=band.lo * weight, max_value=band.hi * weight,
                                                          places=1)))
    extra = {} if declared is None else {"declared_score": declared}
    named = both(rs, one_row_form(rs, {"target": "有效提升", "actual": word, **extra}))
    given_tier = both(rs, one_row_form(rs, {"target": "有效提升", "actual": "另有说明", "tier": band.label, **extra}))
    assert named.item("被测").score == given_tier.item("被测").score
    assert named.item("被测").detail["tier"] == band.label


@given(st.data(), RULESETS)
def test_the_band_of_a_declared_score_holds_it(data: st.DataObject, rs: perfrules.Ruleset) -> None:
    weight = Decimal(70 if rs is HUANGSHI else 50)
    declared = data.draw(st.decimals(min_value=0, max_value=weight, places=2))
    result = both(rs, one_row_form(rs, {"target": "有效提升", "actual": "基本实现", "declared_score": declared}))
    item = result.item("被测")
    assert item.score == declared  # inside the chosen band: taken as declared, never clamped
    assert not any(f.code == "band-violation" for f in result.findings)
