"""``adjustable``: rulesets that let a form set a section's weight, the checker's bounds, the run time.

The national baseline admits form weights 0–90 for 产出 / 效益 / 满意度 (with 预算执行率 fixed at 10).
Hand-worked cases are in rulesets/national/2020/*.test.yaml, rulesets/hubei/2020 and
rulesets/ningxia/yinchuan/2021; here: the language, the checker, and a property over every weight split.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules.formatter import format_text

from .conftest import RULESETS

D = Decimal
NATIONAL = perfrules.load_ruleset("national/project-2020")
PARTS = ("产出指标", "效益指标", "满意度指标")

TEMPLATE = '''ruleset "t/adjust"
kind project
years 2022
full 100
bands 三档 {{ "达成" 80% .. 100%  "部分达成" 60% .. 80%  "未达成" 0% .. 60% }}
indicators {{ positive: if target > 0 then min(actual / target, 1) else 1  qualitative: 三档 }}
item 预算执行 weight 10 {{ score weight * ratio(budget.executed, budget.adjusted) }}
{body}
'''


def _codes(text: str) -> list[str]:
    with pytest.raises(perfrules.RulesetError) as exc:
        perfrules.ruleset_from_text(text)
    return [d.code for d in exc.value.diagnostics]


def test_adjustable_only_on_a_top_level_rows_section() -> None:
    nested = TEMPLATE.format(body='section a weight 90 { section b weight 90 adjustable 0 .. 90 { rows } }')
    assert "adjustable" in _codes(nested)
    parts = TEMPLATE.format(body='section a weight 90 adjustable 0 .. 90 { item b weight 90 { score 90 } }')
    assert "adjustable" in _codes(parts)


def test_adjustable_bounds_are_checked() -> None:
    over_full = TEMPLATE.format(body="section a weight 90 adjustable 0 .. 120 { rows }")
    assert "adjustable" in _codes(over_full)
    weight_outside = TEMPLATE.format(body="section a weight 90 adjustable 0 .. 50 { rows }")
    assert "adjustable" in _codes(weight_outside)
    with pytest.raises(perfrules.PerfrulesError) as exc:  # lower bound above the upper: a parse error
        perfrules.ruleset_from_text(TEMPLATE.format(body="section a weight 90 adjustable 90 .. 10 { rows }"))
    assert "下限" in exc.value.render()


def test_a_valid_declaration_is_reported_by_check_and_kept_by_fmt(capsys: pytest.CaptureFixture[str]) -> None:
    from perfrules.cli import main

    assert main(["check", str(RULESETS / "national/2020/project.rules")]) == 0
    out = capsys.readouterr().out
    assert "产出指标 0–90、效益指标 0–90、满意度指标 0–90" in out
    text = TEMPLATE.format(body="section a weight 90 adjustable 0 .. 90 { rows }")
    assert "section a weight 90 adjustable 0 .. 90 {" in format_text(text)


def test_an_extending_ruleset_fixes_or_rebounds_a_weight() -> None:
    base = "national/project-2020"
    fixed = perfrules.ruleset_from_text(f'ruleset "t/fixed"\nextends "{base}"\nyears 2030\nweight 产出 50\n')
    assert {n.id: n.adjust for n in fixed.model.root}["产出"] is None
    text = f'ruleset "t/re"\nextends "{base}"\nyears 2030\nweight 产出 60 adjustable 40 .. 60\nweight 效益 20\n'
    rebound = perfrules.ruleset_from_text(text)
    assert {n.id: n.adjust for n in rebound.model.root}["产出"] == (D(40), D(60))
    assert format_text(text).count("weight 产出 60 adjustable 40 .. 60") == 1


def _form(rows: list[dict[str, Any]], executed: str = "100") -> dict[str, Any]:
    return {"kind": "project", "jurisdiction": "安徽省/池州市", "year": 2022,
            "budget": {"adjusted": 100, "executed": D(executed)}, "indicators": rows}


def test_labels_that_disagree_are_an_error_and_the_rows_decide() -> None:
    rows = [{"level1": "产出指标(60分)", "name": "a", "weight": 30, "target": "1", "actual": "1"},
            {"level1": "产出指标(50分)", "name": "b", "weight": 30, "target": "1", "actual": "1"},
            {"level1": "效益指标", "name": "c", "weight": 30, "target": "1", "actual": "1"}]
    r = NATIONAL.evaluate(_form(rows))
    (label,) = [f for f in r.findings if f.code == "form-weights-label"]
    assert label.severity == "error" and "50" in label.message and "60" in label.message
    # rows: 产出 60, 效益 30, 满意度 0 → with 10 adds up to 100 → used
    assert {s.id: s.weight for s in r.sections if s.parent is None} == {"预算执行": 10, "产出": 60, "效益": 30}
    assert r.total == D(100)


def test_a_rulesets_own_weights_give_no_finding() -> None:
    rows = [{"level1": f"{p}({w}分)", "name": p, "weight": w, "target": "1", "actual": "1"}
            for p, w in zip(PARTS, (50, 30, 10))]
    r = NATIONAL.evaluate(_form(rows))
    assert not [f for f in r.findings if f.code.startswith("form-weights")]
    assert [i.name for i in r.items] == ["预算执行率", *PARTS]  # labels read off, rows matched


@st.composite
def _weighted_forms(draw: st.DrawFn) -> tuple[list[int], dict[str, Any]]:
    """Forms whose level-1 weights are anything from 0 to 95 — adding up to 90 about half the time."""
    w1 = draw(st.integers(0, 90))
    w2 = draw(st.integers(0, 90 - w1))
    w3 = 90 - w1 - w2 if draw(st.booleans()) else draw(st.integers(0, 95))
    weights = [w1, w2, w3]
    rows: list[dict[str, Any]] = []
    for part, total in zip(PARTS, weights):
        left = total
        while left > 0:
            w = left if draw(st.booleans()) else draw(st.integers(1, left))
            left -= w
            label = f"{part}({total}分)" if draw(st.booleans()) else part
            if draw(st.booleans()):
                target, actual = draw(st.integers(1, 1000)), draw(st.integers(0, 2000))
                rows.append({"level1": label, "name": f"r{len(rows)}", "weight": w,
                             "target": f"≥{target}人", "actual": f"{actual}人"})
            else:
                declared = draw(st.integers(0, w))
                rows.append({"level1": label, "name": f"r{len(rows)}", "weight": w, "target": "达标",
                             "actual": "达标", "declared_score": declared})
    executed = draw(st.integers(0, 150))
    return weights, _form(rows, str(executed))


@given(_weighted_forms())
def test_form_weights_keep_every_bound(case: tuple[list[int], dict[str, Any]]) -> None:
    weights, form = case
    r = NATIONAL.evaluate(form)
    assert r.to_dict() == NATIONAL.interpret(form).to_dict()  # both runners, same adapted weights
    assert D(0) <= r.total <= D(100)
    for it in r.items:  # a row never scores above the weight the form gives it
        assert D(0) <= it.score <= it.weight
    top = {s.id: s for s in r.sections if s.parent is None}
    for s in top.values():
        assert D(0) <= s.score <= s.weight
    assert sum((s.score for s in top.values()), D(0)) == r.total
    codes = {f.code for f in r.findings}
    if not form["indicators"]:  # no rows: nothing supplied, the ruleset's weights (see the test above)
        assert "missing-rows" in codes and not {c for c in codes if c.startswith("form-weights")}
        return
    fits = sum(weights) == 90 and all(w <= 90 for w in weights)
    if fits:
        assert not codes & {"form-weights-total", "form-weights-out-of-range", "score-clamped", "weights-mismatch"}
        assert {k: s.weight for k, s in top.items() if k != "预算执行"} == {
            k: D(w) for k, w in zip(("产出", "效益", "满意度"), weights) if w > 0}
        assert ("form-weights" in codes) == (weights != [50, 30, 10])
    else:
        assert codes & {"form-weights-total", "form-weights-out-of-range"}
        assert "form-weights" not in codes
        assert {k: s.weight for k, s in top.items()} == {"预算执行": 10, "产出": 50, "效益": 30, "满意度": 10}
        (said,) = [f for f in r.findings if f.code in ("form-weights-total", "form-weights-out-of-range")][:1]
        assert said.severity == "error"


def test_the_authoring_guide_example_checks_and_scores() -> None:
    """The guide's adjustable example is a complete ruleset: it passes the checker and behaves as described."""
    import re

    text = (RULESETS.parent / "docs" / "authoring.zh.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```rules\n(.*?)```", text, flags=re.S) if "adjustable 30 .. 70" in b]
    rs = perfrules.ruleset_from_text(block)
    assert {n.id: n.adjust for n in rs.model.root} == {
        "预算执行": None, "产出": (D(30), D(70)), "效益": (D(10), D(50)), "满意度": (D(0), D(20))}
    rows = [{"level1": "产出指标(60分)", "name": "a", "weight": 60, "target": "≥10个", "actual": "10个"},
            {"level1": "效益指标(30分)", "name": "b", "weight": 30, "target": "好", "actual": "好"}]
    form = {"kind": "project", "jurisdiction": "安徽省/池州市", "year": 2024,
            "budget": {"adjusted": 100, "executed": 100}, "indicators": rows}
    r = rs.evaluate(form)
    assert r.total == D(100) and [f.code for f in r.findings] == ["form-weights"]
    rows[0]["weight"], rows[0]["level1"] = 75, "产出指标(75分)"  # above 70: refused
    r = rs.evaluate(form)
    assert "form-weights-out-of-range" in {f.code for f in r.findings}


def test_diff_says_when_a_weight_stops_being_adjustable(capsys: pytest.CaptureFixture[str]) -> None:
    from perfrules.cli import main

    main(["diff", str(RULESETS / "national/2020/project.rules"),
          str(RULESETS / "hunan/yueyang/yueyanglou/2023/project.rules")])
    out = capsys.readouterr().out
    assert "表上自定分值：产出（产出指标） 可在 0–90 之间 → 不可调" in out


def test_a_form_without_rows_supplies_no_weights() -> None:
    """No indicator rows at all: nothing to adapt — the ruleset's weights, reported as missing rows only."""
    r = NATIONAL.evaluate(_form([]))
    codes = [f.code for f in r.findings]
    assert "missing-rows" in codes and not [c for c in codes if c.startswith("form-weights")]
