"""``perfrules.testing.forms`` draws rows of the ``when`` classes and form-supplied weights (issue 12).

Before, ``perfrules fuzz`` never drew a row named 预算执行率, so the 银川 class formula
(``when name == "预算执行率": ratio(budget.executed, budget.adjusted)``) and both cells of
form-supplied weights stayed unreached: 75% (9/12) rubric coverage.  Nor did it draw equality
targets, 不适用 rows or list facts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings

import perfrules
from perfrules.coverage import Cell
from perfrules.fuzzing import fuzz_ruleset
from perfrules.testing import forms
from perfrules.testing_rows import class_choices, literal_constraints

YINCHUAN = perfrules.load_ruleset("ningxia/yinchuan/project-2021")
SHIFAN = perfrules.load_ruleset("demo/shifan/project-2024")


@pytest.mark.parametrize("rid", ["national/project-2020", "demo/shifan/project-2024",
                                 "hunan/yueyang/linxiang/project-2023"])
def test_fuzzing_reaches_equality_targets_inapplicable_rows_and_list_facts(rid: str) -> None:
    """Equality targets (the national ``equal`` formula), 不适用 rows (示范县's rescaling) and ``money
    list`` facts (临湘's checks that add them up) were never drawn either: 75%, 92.31%, 42.86% before."""
    out = fuzz_ruleset(perfrules.load_ruleset(rid), examples=200, seed=12)
    assert out.failure is None and out.crash is None, out.failure or out.crash
    assert out.coverage is not None and out.coverage.missed == [], out.coverage and out.coverage.report()


def test_fuzzing_yinchuan_reaches_every_rubric_cell() -> None:
    out = fuzz_ruleset(YINCHUAN, examples=200, seed=12)
    assert out.failure is None and out.crash is None, out.failure or out.crash
    assert out.coverage is not None
    assert out.coverage.missed == [], out.coverage.report()
    assert out.coverage.percent == Decimal(100)
    assert Cell("direction", "预算执行率") in out.coverage.reached  # the class formula
    assert {Cell("weights", "form"), Cell("weights", "refused")} <= out.coverage.reached


def _section(model: perfrules.Model, node_id: str) -> dict[str, list[Any]]:
    (node,) = [n for n in model.nodes() if n.id == node_id]
    return literal_constraints(node.rows_where)


def test_a_class_row_stays_inside_its_section() -> None:
    model = SHIFAN.model
    # shifan: when level1 == "满意度指标" / when level2 in ("数量指标", "质量指标")
    产出 = _section(model, "产出")
    assert 产出 == {"level1": ["产出指标"]}
    # the 满意度指标 class contradicts the 产出 section's level1: only the level2 class fits, keeping level1
    assert class_choices(model, 产出) == [{"level1": ["产出指标"], "level2": ["数量指标", "质量指标"]}]
    assert class_choices(model, _section(model, "满意度"))[0] == {"level1": ["满意度指标"]}
    assert class_choices(YINCHUAN.model, _section(YINCHUAN.model, "管理")) == [
        {"level1": ["项目管理"], "name": ["预算执行率"]}]


@settings(max_examples=80, deadline=None)
@given(forms(YINCHUAN))
def test_drawn_weights_never_exceed_the_full_score(form: dict[str, Any]) -> None:
    """Form weights are the ruleset's, moved between the adjustable parts, or short — never over."""
    parts: dict[str, Decimal] = {}
    for row in form["indicators"]:
        parts[row["level1"]] = parts.get(row["level1"], Decimal(0)) + Decimal(row["weight"])
    assert set(parts) == {"项目决策", "项目管理", "项目产出", "项目效益"}
    assert all(Decimal(0) < w <= 100 for w in parts.values())
    assert sum(parts.values()) <= YINCHUAN.model.full
