"""Property tests: the guarantees hold for random forms valid for each bundled ruleset."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.testing import GuaranteeViolation, assert_guarantees, forms

from .conftest import RULESETS

HUANGSHI = perfrules.load_ruleset("hubei/huangshi/project-2022")


@given(forms(HUANGSHI))
def test_huangshi_guarantees(form: dict[str, Any]) -> None:
    assert_guarantees(HUANGSHI, form)


@given(forms(HUANGSHI))
def test_scores_within_weights_and_sums(form: dict[str, Any]) -> None:
    r = HUANGSHI.evaluate(form)
    for it in r.items:
        assert Decimal(0) <= it.score <= it.weight
    for s in r.sections:
        assert Decimal(0) <= s.score <= s.weight
    assert sum(s.score for s in r.sections if s.parent is None) == r.total
    assert r.total <= r.max


@given(forms(HUANGSHI), st.integers(min_value=0, max_value=5))
def test_positive_rows_are_monotonic(form: dict[str, Any], pick: int) -> None:
    rows = form.get("indicators", [])
    if not rows:
        return
    i = pick % len(rows)
    row = rows[i]
    if not isinstance(row["target"], str) or not isinstance(row["actual"], str):
        return  # a blank cell (docs/forms.md): no actual to raise
    if "%" in row["target"] and row["actual"].strip().replace(".", "", 1).isdigit():
        return  # a bare number beside a percentage: up to 1.5 a fraction, above it percent (docs/forms.md)
    if row["target"].startswith(("≤", "<=", "不高于", "不超过")) or row["target"].endswith("以内"):
        return
    before = HUANGSHI.evaluate(form)
    bigger = dict(row, actual=_scaled(row["actual"], Decimal(2)))
    after = HUANGSHI.evaluate(dict(form, indicators=[*rows[:i], bigger, *rows[i + 1:]]))
    b = next(x for x in before.items if x.path == f"$.indicators[{i}]")
    a = next(x for x in after.items if x.path == f"$.indicators[{i}]")
    if b.detail.get("direction") == "positive" and a.detail.get("direction") == "positive":
        assert a.score >= b.score


def _scaled(cell: str, factor: Decimal) -> str:
    import re

    m = re.search(r"\d+(\.\d+)?", cell)
    if not m:
        return cell
    value = Decimal(m.group(0)) * factor + 1
    return cell[: m.start()] + format(value, "f") + cell[m.end():]


@given(forms(HUANGSHI))
@settings(max_examples=50)
def test_pickled_ruleset_gives_the_same_result(form: dict[str, Any]) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(HUANGSHI))
    assert copy.evaluate(form).to_dict() == HUANGSHI.evaluate(form).to_dict()


@pytest.mark.parametrize("path", sorted(str(p) for p in RULESETS.rglob("*.rules")))
def test_every_bundled_ruleset(path: str) -> None:
    rs = perfrules.load_ruleset(path)

    @given(forms(rs))
    @settings(max_examples=60)
    def check(form: dict[str, Any]) -> None:
        assert_guarantees(rs, form)

    check()


def test_guarantees_catch_a_broken_ruleset() -> None:
    """With the proof switched off, an unbounded formula is caught at run time and by assert_guarantees."""
    text = (RULESETS / "hubei/2020/project.rules").read_text(encoding="utf-8")  # 黄石 2022 inherits the formula
    broken = text.replace("score weight * ratio(budget.executed, budget.adjusted)",
                          "score weight * budget.executed / budget.adjusted")
    with pytest.raises(perfrules.RulesetError):
        perfrules.ruleset_from_text(broken)
    rs = perfrules.ruleset_from_text(broken, prove=False)
    form = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
            "budget": {"adjusted": 100, "executed": 150}}
    result = rs.evaluate(form)
    assert result.item("预算执行").score == Decimal(20)  # clamped at run time …
    assert any(f.code == "score-clamped" for f in result.findings)  # … and reported as a ruleset defect
    with pytest.raises(GuaranteeViolation) as exc:
        assert_guarantees(rs, form)
    assert "clamp" in exc.value.guarantee
