"""The summary path (perfrules.summary) reports exactly what the full path reports.

``Ruleset.evaluate(form)`` scores a plain form on the summary path: total, grade and findings
at once, items and sections worked out by the full path when first read.  Here every bundled
example and generated forms of every bundled ruleset are scored both ways (``detail=True`` is the
full path) and compared field by field, findings in order, then ``to_dict()`` and ``explain()``
byte for byte.  Each comparison also records whether the summary path was really taken, and the
tests assert it was for the forms it is meant for, so they cannot pass by always falling back.
"""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal, getcontext, localcontext
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.operations import STRICT
from perfrules.registry import Registry
from perfrules.testing import forms

from .conftest import ROOT, RULESETS

PEER = ROOT / "benchmarks" / "peer" / "peer.rules"
_ENTRIES = Registry([]).entries()
_SUMMARIZED = [e for e in _ENTRIES if perfrules.load_ruleset(e.path).program._summary is not None]


def _took_summary(result: perfrules.Result) -> bool:
    return "items" not in vars(result)


def _both(rs: perfrules.Ruleset, form: Any) -> tuple[perfrules.Result, perfrules.Result, bool]:
    summary = rs.evaluate(form)
    took = _took_summary(summary)
    return summary, rs.evaluate(form, detail=True), took


def _same(summary: perfrules.Result, full: perfrules.Result) -> None:
    assert (summary.total, summary.grade, summary.max) == (full.total, full.grade, full.max)
    assert [f.to_dict() for f in summary.findings] == [f.to_dict() for f in full.findings]
    assert summary.exit_status == full.exit_status
    assert summary.to_dict() == full.to_dict()  # reads the items: the summary result fills them in
    assert summary.explain() == full.explain()
    assert summary == full


def test_the_rulesets_meant_for_it_have_a_summary_path() -> None:
    names = {str(Path(e.path).relative_to(RULESETS)) for e in _SUMMARIZED}
    assert {"hubei/2020/project.rules", "hubei/huangshi/2022/project.rules", "national/2020/project.rules",
            "shandong/jinan/licheng/2019/project.rules"} <= names
    # `when` classes (银川), nested sections and judged items (示范, 常州) stay on the full path
    assert "ningxia/yinchuan/2021/project.rules" not in names
    assert perfrules.load_ruleset(str(PEER)).program._summary is not None


def _examples() -> list[tuple[str, Path]]:
    out = []
    for entry in _ENTRIES:
        folder = Path(entry.path).parent / "examples"
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            out.append((entry.path, path))
    return out


@pytest.mark.parametrize("ruleset_path, example", _examples(), ids=lambda p: Path(str(p)).name)
def test_every_bundled_example_the_same_both_ways(ruleset_path: str, example: Path) -> None:
    rs = perfrules.load_ruleset(ruleset_path)
    for doc in yaml.safe_load_all(example.read_text(encoding="utf-8")):
        if not isinstance(doc, dict):
            continue
        try:
            summary, full, _ = _both(rs, doc)
        except perfrules.PerfrulesError:
            continue  # an example of a refused form: no result either way
        _same(summary, full)


def test_the_summary_path_is_taken_for_plain_examples() -> None:
    taken = 0
    for ruleset_path, example in _examples():
        rs = perfrules.load_ruleset(ruleset_path)
        for doc in yaml.safe_load_all(example.read_text(encoding="utf-8")):
            if isinstance(doc, dict):
                try:
                    taken += _took_summary(rs.evaluate(doc))
                except perfrules.PerfrulesError:
                    pass
    assert taken >= 3


PLAIN = {
    "kind": "project", "jurisdiction": "全国", "year": 2024,
    "budget": {"adjusted": "100", "executed": "95"},
    "indicators": [
        {"goal": 1, "level2": "数量指标", "name": "i1", "weight": 20, "target": "83000", "actual": "73731",
         "declared_score": 20},  # the rule gives 17.766506
        {"goal": 1, "level2": "成本指标", "name": "i2", "weight": 10, "target": "116", "actual": "122"},
        {"goal": 1, "level2": "时效指标", "name": "i3", "weight": 10, "target": "≥100%", "actual": "100%"},
        {"goal": 1, "level2": "社会效益指标", "name": "i4", "weight": 10, "target": "90", "actual": "95"},
        {"goal": 1, "level2": "社会效益指标", "name": "i5", "weight": 10, "target": "≤5天", "actual": "4天"},
        {"goal": 1, "level2": "满意度指标", "name": "i6", "weight": 10, "target": "100", "actual": "98.5"},
        {"goal": 1, "level2": "定性指标", "name": "i7", "weight": 10, "target": "达成预期目标", "actual": "见自评报告",
         "tier": "partial", "declared_score": 7},
    ],
    "declared_total": 95, "declared_grade": "优秀",
}


def test_a_plain_form_with_every_declared_value_wrong() -> None:
    rs = perfrules.load_ruleset(str(PEER))
    summary, full, took = _both(rs, PLAIN)
    assert took
    # worked out by hand: 19 + 17.766506 + 9.508197 + 10 + 10 + 10 + 9.85 + 7 = 93.124703
    assert summary.total == Decimal("93.124703") and summary.grade == "优秀"
    assert [(f.code, f.path) for f in summary.findings] == [
        ("declared-score-mismatch", "$.indicators[0].declared_score"),
        ("declared-total-mismatch", "$.declared_total")]
    _same(summary, full)


def test_the_callers_decimal_context_comes_back_on_every_path() -> None:
    """The summary path installs STRICT itself, not a copy per form: the caller's own context
    object, and its settings, come back whether the form stays on the summary path or leaves it,
    and STRICT's settings are the same after."""
    rs = perfrules.load_ruleset(str(PEER))
    strict = (STRICT.prec, STRICT.rounding, dict(STRICT.traps), STRICT.Emax, STRICT.Emin)
    leaves = {**PLAIN, "indicators": [*PLAIN["indicators"][:2], {**PLAIN["indicators"][2], "actual": "完成"},  # type: ignore[index]
                                      *PLAIN["indicators"][3:]]}  # type: ignore[index]
    with localcontext() as caller:
        caller.prec = 3
        for doc, on_summary in ((PLAIN, True), (leaves, False)):
            result = rs.evaluate(doc)
            assert _took_summary(result) is on_summary
            assert getcontext() is caller and caller.prec == 3
        assert rs.evaluate(PLAIN).total == Decimal("93.124703")  # not rounded to the caller's 3 digits
    assert strict == (STRICT.prec, STRICT.rounding, dict(STRICT.traps), STRICT.Emax, STRICT.Emin)


@pytest.mark.parametrize("change, why", [
    ({"indicators": 0, "goal": 2}, "a row no section draws"),
    ({"indicators": 1, "weight": 15}, "row weights that do not add up"),
    ({"indicators": 2, "actual": "100人"}, "a unit that does not match"),
    ({"indicators": 3, "target": "290%", "actual": "95%", "declared_score": 10}, "an OCR-suspect cell"),
    ({"indicators": 4, "actual": "完成"}, "an actual in words"),
    ({"indicators": 5, "actual": None}, "a blank actual"),
    ({"indicators": 6, "declared_score": 10}, "a tier outside its band (said on the summary path too)"),
    ({"indicators": 5, "target": "=100"}, "an equality target the ruleset has no formula for"),
    ({"indicators": 4, "applicable": False}, "a 不适用 row"),
    ({"budget": {"adjusted": "100", "executed": "95", "declared_rate": "96%"}}, "a declared rate"),
])
def test_forms_that_leave_the_summary_path_get_the_full_answer(change: dict[str, Any], why: str) -> None:
    doc = {**PLAIN, "indicators": [dict(r) for r in PLAIN["indicators"]]}  # type: ignore[union-attr]
    change = dict(change)
    if "indicators" in change:
        doc["indicators"][change.pop("indicators")].update(change)
    else:
        doc.update(change)
    rs = perfrules.load_ruleset(str(PEER))
    summary, full, _ = _both(rs, doc)
    _same(summary, full)


@pytest.mark.parametrize("entry", _SUMMARIZED, ids=lambda e: str(Path(e.path).relative_to(RULESETS)))
def test_generated_forms_the_same_both_ways(entry: Any) -> None:
    """perfrules' own form strategy: adversarial forms, most of which leave the summary path."""
    rs = perfrules.load_ruleset(entry.path)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(forms(rs))
    def prop(doc: dict[str, Any]) -> None:
        summary, full, _ = _both(rs, doc)
        _same(summary, full)
        _same(rs.interpret(doc), rs.interpret(doc, detail=True))

    prop()


_AMOUNT = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)


@st.composite
def _plain_forms(draw: st.DrawFn) -> dict[str, Any]:
    """Peer-rubric tables of plain rows with any numbers, comparators, units and declared values."""
    rows = []
    for name, weight, level2 in (("i1", 20, "数量指标"), ("i2", 10, "成本指标"), ("i3", 10, "时效指标"),
                                 ("i4", 10, "社会效益指标"), ("i5", 10, "社会效益指标"), ("i6", 10, "满意度指标")):
        unit = draw(st.sampled_from(["", "个", "万元", "%"]))
        relation = draw(st.sampled_from(["", "≥", "≤", ">", "<"]))
        row = {"goal": 1, "level2": level2, "name": name, "weight": weight,
               "target": f"{relation}{draw(_AMOUNT)}{unit}", "actual": f"{draw(_AMOUNT)}{unit}"}
        if draw(st.booleans()):
            row["declared_score"] = str(draw(st.decimals(min_value=0, max_value=weight, places=2)))
        rows.append(row)
    tier = {"goal": 1, "level2": "定性指标", "name": "i7", "weight": 10, "target": "达成预期目标",
            "actual": "见自评报告", "tier": draw(st.sampled_from(["achieved", "partial", "failed"]))}
    if draw(st.booleans()):
        tier["declared_score"] = str(draw(st.decimals(min_value=0, max_value=10, places=1)))
    rows.append(tier)
    doc: dict[str, Any] = {"kind": "project", "jurisdiction": "全国", "year": 2024,
                           "budget": {"adjusted": str(draw(_AMOUNT)), "executed": str(draw(_AMOUNT))},
                           "indicators": rows}
    if draw(st.booleans()):
        doc["declared_total"] = str(draw(st.decimals(min_value=0, max_value=100, places=2)))
    return doc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plain_forms())
def test_plain_tables_the_same_both_ways(doc: dict[str, Any]) -> None:
    summary, full, took = _both(_PEER_RULESET, doc)
    _same(summary, full)
    interpreted = _PEER_RULESET.interpret(doc)  # the interpreter's summary path: formulas walked
    assert _took_summary(interpreted) == took
    _same(interpreted, full)
    if not {f.code for f in full.findings} - {"declared-score-mismatch", "declared-total-mismatch", "band-violation"}:
        assert took, "a plain table left the summary path"


_PEER_RULESET = perfrules.load_ruleset(str(PEER))


def test_a_deferred_result_is_an_ordinary_result() -> None:
    rs = perfrules.load_ruleset(str(PEER))
    result = rs.evaluate(PLAIN)
    assert _took_summary(result)
    copy = pickle.loads(pickle.dumps(result))  # a worker's result crosses processes whole
    assert copy == rs.evaluate(PLAIN, detail=True) and "_detail" not in vars(copy)
    again = rs.evaluate(PLAIN)
    assert dataclasses.replace(again, grade="x").items == result.items
    with pytest.raises(AttributeError):
        again.no_such_field  # type: ignore[attr-defined]  # noqa: B018
    assert [s.id for s in again.sections] == ["预算", "指标"] and again.item("i1").score == Decimal("17.766506")


def test_items_read_from_many_threads_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rs = perfrules.load_ruleset(str(PEER))
    want = [it.score for it in rs.evaluate(PLAIN, detail=True).items]
    for _ in range(20):
        result = rs.evaluate(PLAIN)
        with ThreadPoolExecutor(8) as pool:
            seen = list(pool.map(lambda r: [it.score for it in r.items], [result] * 8))
        assert seen == [want] * 8


def test_a_csv_batch_writes_the_same_rows_without_building_items() -> None:
    from perfrules.api import Scored
    from perfrules.batch import csv_row, needs_items

    assert not needs_items("csv") and needs_items("jsonl") and needs_items("json") and needs_items("text")
    rs = perfrules.load_ruleset(str(PEER))
    for doc in (PLAIN, {**PLAIN, "declared_total": "93.124703"}, {k: v for k, v in PLAIN.items() if k != "declared_total"}):
        summary = rs.evaluate(doc)
        row = csv_row(Scored("f.yaml", summary, None))
        assert _took_summary(summary)  # the row was written from the summary alone
        assert row == csv_row(Scored("f.yaml", rs.evaluate(doc, detail=True), None))
    assert row["total"] == "93.124703" and row["declared_total"] == "" and row["difference"] == ""


_SECTIONS = perfrules.ruleset_from_text('''ruleset "test/sections"
jurisdiction "全国"
years 2024
kind project
full 100
rounding half_up 2
grades {
  "优" >= 90
  "差" otherwise
}
bands 三档 {
  "达成" aka "achieved" 80% .. 100%
  "部分达成" aka "partial" 50% .. 80%
  "未达成" aka "failed" 0% .. 50%
}
indicators {
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
  unsigned: by level2 {
    "成本指标": reverse
    otherwise: positive
  }
  qualitative: 三档
}
item 预算 "预算执行" weight 10 {
  score weight * min(budget.executed / budget.adjusted, 1)
  declared budget.declared_score
}
section 产出 "产出指标" weight 40 {
  rows where level1 == "产出指标"
}
item 资金 "资金到位" weight 10 {
  score weight * min(budget.executed / budget.adjusted, 1)
}
section 效益 "效益指标" weight 30 {
  rows where level1 == "效益指标"
}
section 满意度 "满意度指标" weight 10 {
  rows where level1 == "满意度指标"
}
''', "sections.rules")


@st.composite
def _interleaved_forms(draw: st.DrawFn) -> dict[str, Any]:
    """Three rows sections and two items between them; the rows of the sections in any order, any
    declared score (mismatches, tiers declared outside their band): the findings must come in the
    full path's order, section by section."""
    rows: list[dict[str, Any]] = []
    for level1, weights in (("产出指标", (20, 10, 10)), ("效益指标", (20, 10)), ("满意度指标", (10,))):
        for k, weight in enumerate(weights):
            name = f"{level1[:2]}{k}"
            if draw(st.booleans()):
                row: dict[str, Any] = {"target": "达成预期目标", "actual": "见自评报告",
                                       "tier": draw(st.sampled_from(["achieved", "partial", "failed"]))}
            else:
                unit = draw(st.sampled_from(["", "%", "个"]))
                row = {"target": f"{draw(st.sampled_from(['', '≥', '≤']))}{draw(_AMOUNT)}{unit}",
                       "actual": f"{draw(_AMOUNT)}{unit}", "level2": draw(st.sampled_from(["成本指标", "数量指标"]))}
            row.update(goal=1, level1=level1, name=name, weight=weight)
            if draw(st.booleans()):
                row["declared_score"] = str(draw(st.decimals(min_value=0, max_value=weight, places=1)))
            rows.append(row)
    budget = {"adjusted": str(draw(_AMOUNT)), "executed": str(draw(_AMOUNT))}
    if draw(st.booleans()):
        budget["declared_score"] = str(draw(st.decimals(min_value=0, max_value=10, places=1)))
    return {"kind": "project", "jurisdiction": "全国", "year": 2024, "budget": budget,
            "indicators": draw(st.permutations(rows))}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_interleaved_forms())
def test_interleaved_sections_report_in_the_full_paths_order(doc: dict[str, Any]) -> None:
    summary, full, took = _both(_SECTIONS, doc)
    _same(summary, full)
    _same(_SECTIONS.interpret(doc), full)
    if not {f.code for f in full.findings} - {"declared-score-mismatch", "band-violation"}:
        assert took, "a plain table left the summary path"


def test_tier_rows_are_planned_once_per_shape_and_the_shapes_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tier row whose cells are text is planned once per (texts, tier, score declared or not);
    the shapes a ruleset keeps are bounded, a long text is planned every time and not kept."""
    from perfrules import summary as summary_module

    rs = perfrules.ruleset_from_text(PEER.read_text(encoding="utf-8"), "peer.rules")
    kept = rs.program._summary._tiers  # type: ignore[union-attr]
    monkeypatch.setattr(summary_module, "_SHAPES_MAX", 8)
    for k in range(30):
        doc = yaml.safe_load(yaml.safe_dump(PLAIN))
        doc["indicators"][-1]["target"] = f"达成预期目标{k}"
        result = rs.evaluate(doc)
        assert _took_summary(result) and result.total == rs.evaluate(doc, detail=True).total
        assert 1 <= len(kept) <= 8
    doc["indicators"][-1]["target"] = "很长的目标" * 50
    before = dict(kept)
    assert _took_summary(rs.evaluate(doc)) and kept == before
