"""The short path for plain rows (row_section.score_rows) gives what the general rule gives.

The general rule (scoring.score_row) is forced by making no weight "already checked": then no
row is plain.  Over generated forms of every bundled ruleset with rows, and of a hand-made
table that mixes plain rows with every kind of row that must leave the short path, the two
results agree in every byte of ``to_dict()`` and ``explain()``, and the short path is really
taken (a test that could not fail otherwise).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules import row_section, scoring
from perfrules.registry import Registry
from perfrules.testing import forms

from .conftest import RULESETS

_BUNDLED = [e for e in Registry([]).entries() if e.kind == "project"]


def _both(rs: perfrules.Ruleset, doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    short = rs.evaluate(doc)
    with monkeypatch.context() as m:
        m.setattr(row_section, "good_weights", lambda places: set())
        general = rs.evaluate(doc)
    return short, general


def _same(short: perfrules.Result, general: perfrules.Result) -> None:
    assert short.to_dict() == general.to_dict()
    assert short.explain() == general.explain()
    assert [it.source.plan if it.source else None for it in short.items] == \
        [it.source.plan if it.source else None for it in general.items]


MIXED = {
    "kind": "project", "jurisdiction": "全国", "year": 2024,
    "budget": {"adjusted": "100", "executed": "95"},
    "indicators": [
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "plain ≥", "weight": 10, "target": "≥100个", "actual": "96个",
         "declared_score": 9},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "plain unsigned", "weight": 10, "target": "50", "actual": "60"},
        {"goal": 1, "level1": "产出指标", "level2": "成本指标", "name": "plain reverse", "weight": 10, "target": "≤90万元", "actual": "95万元"},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "copy", "weight": 10, "target": "≥90%", "actual": "≥90%"},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "bare actual", "weight": 5, "target": "≥100个", "actual": "100"},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "unit mismatch", "weight": 5, "target": "≥100个",
         "actual": "100人"},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "zero target", "weight": 5, "target": "0", "actual": "3"},
        {"goal": 1, "level1": "产出指标", "level2": "质量指标", "name": "ocr 2", "weight": 5, "target": "290%", "actual": "95%",
         "declared_score": 5},
        {"goal": 1, "level1": "产出指标", "level2": "质量指标", "name": "rate over 100", "weight": 5, "target": "≥90%", "actual": "996%",
         "declared_score": 5},
        {"goal": 1, "level1": "产出指标", "level2": "质量指标", "name": "words", "weight": 5, "target": "≥95%", "actual": "完成",
         "declared_score": 5},
        {"goal": 1, "level1": "产出指标", "level2": "质量指标", "name": "blank", "weight": 5, "target": "≥95%", "actual": None},
        {"goal": 1, "level1": "产出指标", "level2": "时效指标", "name": "tier", "weight": 10, "target": "按时", "actual": "按时完成",
         "tier": "达成"},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "fine weight", "weight": "5.123", "target": "10", "actual": "9"},
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "negative", "weight": "4.877", "target": "10", "actual": "-2"},
    ],
}


def test_mixed_table_same_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    rs = perfrules.load_ruleset(str(RULESETS / "national" / "2020" / "project.rules"))
    short, general = _both(rs, MIXED, monkeypatch)
    _same(short, general)
    # the plain rows really took the short path: their plan was made once, not twice
    calls: list[str] = []
    real = row_section.score_row
    monkeypatch.setattr(row_section, "score_row", lambda *a, **k: calls.append(a[3].name) or real(*a, **k))
    rs.evaluate(MIXED)
    assert "plain ≥" not in calls and "plain reverse" not in calls and "copy" not in calls
    assert {"words", "blank", "tier", "ocr 2", "unit mismatch", "zero target", "rate over 100", "fine weight", "negative"} <= set(calls)


@pytest.mark.parametrize("entry", _BUNDLED, ids=lambda e: e.id)
def test_generated_forms_same_on_both_paths(entry: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rs = perfrules.load_ruleset(entry.path)

    @settings(max_examples=25, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(forms(rs))
    def prop(doc: dict[str, Any]) -> None:
        try:
            short, general = _both(rs, doc, monkeypatch)
        except perfrules.PerfrulesError:
            return
        _same(short, general)

    prop()


def test_good_weights_bounded() -> None:
    good = scoring.good_weights(3)
    good.clear()
    for k in range(scoring._GOOD_WEIGHTS_MAX + 10):
        row = type("R", (), {"weight": Decimal(k), "name": "r"})()
        assert scoring.row_weight_problem(type("M", (), {"places": 3, "id": "x"})(), row) is None  # type: ignore[arg-type]
    assert len(good) <= scoring._GOOD_WEIGHTS_MAX
