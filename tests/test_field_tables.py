"""Real self-evaluation tables from the field, transcribed as published, scored by hand.

Each form's source (address, title, date) is at the top of its file.  The expected values
below were worked out by hand from the rules that apply, arithmetic in the comments; where
a table's own declared scores contradict those rules, the finding is asserted too.  Tables
that need the cell conventions of branch ``field`` (blank cells, tiers written in the actual
column, ``budget.sources``) are in ``test_field_tables_pending.py``.
"""

from __future__ import annotations

from decimal import Decimal

import perfrules
from perfrules.api import Scorer
from perfrules.forms import load_documents

from .conftest import RULESETS

FIELD = RULESETS.parent / "tests" / "data" / "field"
D = Decimal


def _score(path: str) -> perfrules.Result:
    (doc,) = load_documents(path)
    result = Scorer().score(doc)
    again = perfrules.load_ruleset(result.ruleset_id).interpret(perfrules.read_form(doc))
    assert again.total == result.total  # the tree-walker agrees on the adapted weights
    return result


def test_sichuan_zhongjiang_2022_weights_add_to_110() -> None:
    """四川中江 2022 水标尺: 产出 70 + 效益 20 + 满意度 10 + 预算执行率 10 = 110 under a total of 100.

    The national baseline admits form weights only when they add up to 100: here an error
    names both numbers, and the ruleset's 50/30/10 apply.
    执行率 10 × 20 ÷ 20 = 10.  产出: every row meets its target (≥266米 vs ≥266米 → 10, ≥50厘米 → 10,
    100% → 20, ≥90% → 10 twice, 20万元 ÷ 20万元 → 10) = 70, over 50 → 50 (score-clamped).
    效益: ≥1000人 → 10, 显著提升 = 显著提升 → 达成, declared 10 in 8–10 → 10; = 20.  满意度 ≥95% → 10.
    Total 10 + 50 + 20 + 10 = 90; the table says 100.
    """
    r = _score(str(RULESETS / "national/2020/examples/sichuan-zhongjiang-2022-shuibiaochi.yaml"))
    assert r.ruleset_id == "national/project-2020"
    assert r.total == D(90) and r.grade == "优"
    assert {s.id: s.score for s in r.sections if s.parent is None} == {"预算执行": D(10), "产出": D(50),
                                                                       "效益": D(20), "满意度": D(10)}
    (total,) = [f for f in r.findings if f.code == "form-weights-total"]
    assert total.severity == "error" and "110" in total.message and "满分 100" in total.message
    assert "产出指标 70" in total.message and "产出指标 50" in total.message
    codes = {f.code for f in r.findings if f.severity == "error"}
    assert codes == {"form-weights-total", "weights-mismatch", "score-clamped", "declared-total-mismatch"}


def test_hebei_langfang_2019_falls_back_to_2020_visibly() -> None:
    """河北廊坊 2019 暖通改造: a 2019 table, scored under the 2020 baseline with a warning.

    执行率 37.24 ÷ 43.2 = 86.2037…% (declared 86%: agrees at 0 places); 得分 10 × 0.862037… = 8.62,
    declared 9.  工程资金金额 (no direction → positive) 10 × 37.24 ÷ 43.2 = 8.62, declared 9.
    The other eight rows are 100 of 100 → 10 each.  产出 8.62 + 40 = 48.62, 效益 30, 满意度 10;
    total 8.62 + 48.62 + 30 + 10 = 97.24.
    """
    r = _score(str(FIELD / "hebei-langfang-2019-nuantong.yaml"))
    assert r.ruleset_id == "national/project-2020"
    assert r.total == D("97.24") and r.grade == "优"
    assert r.item("预算执行").score == D("8.62") and r.item("指标1工程资金金额").score == D("8.62")
    (fallback,) = [f for f in r.findings if f.code == "ruleset-year-fallback"]
    assert fallback.severity == "warning" and fallback.path == "$.year" and fallback.line == 9
    assert "2019" in fallback.message and "national/project-2020" in fallback.message
    assert {(f.code, f.path) for f in r.findings if f.severity == "error"} == {
        ("declared-score-mismatch", "$.budget.declared_score"),
        ("declared-score-mismatch", "$.indicators[0].declared_score"),
    }


def test_a_table_within_its_years_has_no_fallback_warning() -> None:
    (doc,) = load_documents(RULESETS / "national/2020/examples/sichuan-zhongjiang-2022-shuibiaochi.yaml")
    r = Scorer().score(doc)
    assert not [f for f in r.findings if f.code == "ruleset-year-fallback"]


def test_hubei_template_matches_huangshi_on_every_seed_table() -> None:
    """Where the 湖北 2020 template and 黄石 2022 agree, the 黄石 tables score the same under both."""
    hubei = perfrules.load_ruleset("hubei/project-2020")
    huangshi = perfrules.load_ruleset("hubei/huangshi/project-2022")
    for path in sorted((RULESETS / "hubei/huangshi/2022/examples").glob("*.yaml")):
        (doc,) = load_documents(path)
        form = perfrules.read_form(doc)
        a, b = hubei.evaluate(form), huangshi.evaluate(form)
        assert a.total == b.total, path.name
        assert [(i.name, i.score) for i in a.items] == [(i.name, i.score) for i in b.items]


def test_shandong_jinan_licheng_2019_local_rules_before_2020() -> None:
    """山东济南历城区 2019 文化馆: the district's own pre-2020 rules, printed in the table itself.

    Only the part our copy shows is transcribed (it is cut inside the 社会效益 row), so the score
    below covers those rows; the two findings are the cut, not the unit's doing.
    执行率 45 ÷ 45 → 10 × 100% = 10 (declared 10).  产出: four rows of 12.5, each 100% of 100% (and
    45万 of 45万, read as 万元) → 50.  经济效益 100% of 100% → 10.  Visible total 10 + 50 + 10 = 70.
    The labels 产出指标(50分), 效益指标(30分) match the district's fixed weights: read off, no finding.
    """
    r = _score(str(FIELD / "shandong-jinan-licheng-2019-wenhuaguan.yaml"))
    assert r.ruleset_id == "shandong/jinan/licheng/project-2019"  # in force for 2019: no fallback
    assert r.total == D(70)
    assert r.item("预算执行").score == D(10) and r.item("实际成本与工作内容的匹配程度").score == D("12.5")
    assert {s.id: s.score for s in r.sections if s.parent is None} == {"预算执行": D(10), "产出": D(50),
                                                                       "效益": D(10), "满意度": D(0)}
    assert {f.code for f in r.findings} == {"weights-mismatch", "missing-rows"}  # the rows our copy lacks


def test_a_label_against_a_fixed_weight_is_an_error() -> None:
    """历城 fixes 产出 at 50: a table labelled 产出指标(60分) is told so, and scored at 50."""
    (doc,) = load_documents(FIELD / "shandong-jinan-licheng-2019-wenhuaguan.yaml")
    data = dict(doc.data)
    data["indicators"] = [dict(r, level1=r["level1"].replace("(50分)", "(60分)")) for r in data["indicators"]]
    r = perfrules.load_ruleset("shandong/jinan/licheng/project-2019").evaluate(data)
    (fixed,) = [f for f in r.findings if f.code == "form-weights-fixed"]
    assert fixed.severity == "error" and "60" in fixed.message and "50" in fixed.message
    assert {s.id: s.weight for s in r.sections if s.parent is None}["产出"] == D(50)
