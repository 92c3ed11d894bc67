"""Every seed document scores or checks under its bundled ruleset, with the findings it really contains.

Expected values are worked out by hand from the seed texts (see each example's comments).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules
from perfrules.api import Scorer
from perfrules.forms import load_documents

from .conftest import RULESETS

D = Decimal


def score(rel: str) -> perfrules.Result:
    (doc,) = load_documents(RULESETS / rel)
    result = Scorer().score(doc)
    again = perfrules.load_ruleset(result.ruleset_id).interpret(perfrules.read_form(doc))
    looked_up = result.to_dict()  # only the look-up knows it fell back to a wider area's ruleset
    looked_up["findings"] = [f for f in looked_up["findings"] if f["code"] != "ruleset-fallback"]
    assert again.to_dict() == looked_up
    return result


def errors(result: perfrules.Result) -> set[tuple[str, str]]:
    return {(f.code, f.path) for f in result.findings if f.severity == "error"}


def test_yueyanglou_department() -> None:
    r = score("hunan/yueyang/yueyanglou/2023/examples/department-2023.yaml")
    assert r.ruleset_id == "hunan/yueyang/yueyanglou/department-2023"
    # 10 + 产出 (20 + 10 + 10 + 10) + 效益 (9.5 + 10 + 10) + 满意度 10 × 95 ÷ 98 = 9.6938… → 9.69
    assert [s.score for s in r.sections] == [D(10), D(50), D("29.5"), D("9.69")]
    assert r.total == D("99.19") and r.grade == "优"
    assert errors(r) == {
        ("declared-rate-mismatch", "$.budget.declared_rate"),           # 224.81% = executed ÷ initial budget
        ("declared-score-mismatch", "$.indicators[7].declared_score"),  # 满意度 9 declared, 9.69 by formula
        ("declared-total-mismatch", "$.declared_total"),                # 98.5 declared
    }
    rate = next(f for f in r.findings if f.code == "declared-rate-mismatch")
    assert "年初预算数" in rate.message and "1022.77" in rate.message
    assert not [f for f in r.findings if f.code == "check-failed"]  # 基础数据表 is consistent


def test_yueyanglou_project() -> None:
    r = score("hunan/yueyang/yueyanglou/2023/examples/project-2023-yibao-zhuanxiang.yaml")
    assert r.ruleset_id == "hunan/yueyang/yueyanglou/project-2023"
    assert r.total == D(100) and not r.findings


def test_yueyanglou_department_checks_catch_a_wrong_detail() -> None:
    (doc,) = load_documents(RULESETS / "hunan/yueyang/yueyanglou/2023/examples/department-2023.yaml")
    data = dict(doc.data, facts=dict(doc.data["facts"], 项目支出决算明细=[154, 16.1, 77.19, 703.21, 4]))
    r = Scorer().score(data)
    (f,) = [f for f in r.findings if f.code == "check-failed"]
    assert "954.5" in f.message and "994.5" in f.message and "40" in f.message


def test_review_of_the_bureau() -> None:
    r = score("hunan/yueyang/yueyanglou/2023/examples/review-yibaoju.yaml")
    assert r.ruleset_id == "hunan/yueyang/yueyanglou/review-2023"
    # 30 + 15 + 20 + 问题 不全面 14 + 建议 比较全面 13
    assert r.total == D(92) and not r.findings
    names = [s.name for s in r.sections]
    assert names == ["实施评价", "自评报告", "自评报告的完整性", "绩效自评表"]
    assert [s.score for s in r.sections] == [D(30), D(62), D(15), D(20)]


def test_review_deductions_caps_and_band_violation() -> None:
    r = score("hunan/yueyang/yueyanglou/2023/examples/review-with-deductions.yaml")
    got = {it.id: it.score for it in r.items}
    assert got == {
        "单位自查": D(0),       # 25 units, −1 each, at most −20
        "提交报告": D(7),       # 3 days late
        "正文": D(6),           # 1 part missing, −2
        "附件": D(0),           # 5 parts missing, −2 each, at most −7
        "权重": D(3),           # 5 × 60%
        "细化": D(5),           # 部分细化, no score given → top of 0–5
        "内涵明确": D(5),
        "核心指标": D(0),
        "密切相关": D(2),       # "是"
        "问题": D(18),          # 较全面 given 19 → clamped into 16–18
        "建议": D(8),           # 过于简单, no score → top of 6–8
    }
    assert r.total == D(54) and r.grade == "差"
    assert errors(r) == {("band-violation", "$.facts.问题反映得分"), ("declared-total-mismatch", "$.declared_total")}


def test_linxiang_department() -> None:
    r = score("hunan/yueyang/linxiang/2023/examples/department-2023.yaml")
    assert r.total == D(96) and r.grade == "优秀"
    (f,) = [f for f in r.findings if f.code == "check-failed"]
    assert f.path == "$.facts.支出合计" and "394.71" in f.message and "374.12" in f.message  # 262.71 + 132
    assert errors(r) == {("check-failed", "$.facts.支出合计")}


def test_linxiang_project() -> None:
    r = score("hunan/yueyang/linxiang/2023/examples/project-2023-yiliao-baoxian-jijin.yaml")
    assert r.total == D(98) and r.grade == "优秀"
    (f,) = [f for f in r.findings if f.code == "check-failed"]
    assert "1324" in f.message and "132" in f.message  # the detail row does not add up to its total


def test_changzhou() -> None:
    r = score("jiangsu/changzhou/2019/examples/chengxiang-yibao-2019.yaml")
    assert [it.score for it in r.items] == [D("38.2"), D("23.06"), D(20), D(15)]
    assert r.total == D("96.26") and r.grade == "优" and not r.findings


def test_changzhou_rate_check() -> None:
    (doc,) = load_documents(RULESETS / "jiangsu/changzhou/2019/examples/chengxiang-yibao-2019.yaml")
    r = Scorer().score(dict(doc.data, facts=dict(doc.data["facts"], 产出得分率="92.4%")))
    assert any(f.code == "check-failed" and "产出得分率" in f.path for f in r.findings)


def test_panzhihua() -> None:
    r = score("sichuan/panzhihua/xiqu/2023/examples/buzhu-kuomian-2023.yaml")
    assert r.total == D(100)
    (f,) = [f for f in r.findings if f.code == "check-failed"]
    # 50000 persons × 35 元 = 175 万元, but the plan says 165 万元
    assert "175" in f.message and "165" in f.message and f.path == "$.facts.计划补助人数"
    assert errors(r) == {("check-failed", "$.facts.计划补助人数")}


@pytest.mark.parametrize("path", sorted(str(p.relative_to(RULESETS)) for p in RULESETS.rglob("examples/*.yaml")))
def test_every_example_scores_under_the_ruleset_found_for_it(path: str) -> None:
    r = score(path)
    assert Decimal(0) <= r.total <= r.max
