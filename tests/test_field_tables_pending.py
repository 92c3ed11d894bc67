"""Real tables whose correct score needed the cell conventions of branch ``field``.

Each test holds the hand-worked CORRECT values.  They were marked ``xfail(strict=True)`` while
the convention they wait for was missing; every mark is now removed (the last, 银川 2021, waited
for a ``when`` class whose formula reads no target).  Sources are at the top of each form in
``tests/data/field``.

Conventions (docs/forms.md, contract.md): ``null`` is a blank cell — a missing value, the row
scores 0 with a "not filled" finding; a word in the actual column (``达成预期指标``) is judged
like a qualitative row, its tier from the word if it names one, else from the band of the
declared score; ``budget.sources`` holds the 其中 rows when 年度资金总额 is left at 0.
"""

from __future__ import annotations

from decimal import Decimal

import perfrules
from perfrules.api import Scorer
from perfrules.forms import load_documents

from .conftest import RULESETS

FIELD = RULESETS.parent / "tests" / "data" / "field"
D = Decimal


def _score(name: str) -> perfrules.Result:
    (doc,) = load_documents(FIELD / name)
    return Scorer().score(doc)


def test_anhui_tianchang_2022_blank_cells() -> None:
    """安徽天长 2022 水旱灾害防御经费, national baseline (50/30/10 as labelled, nothing adjusted).

    执行率 10 × 880 ÷ 880 = 10 (declared 10).  数量: 1 of 1 → 10, 1 of 1 → 10.
    质量、时效、成本、经济、社会、可持续: target and actual blank → not filled, 0 each
    (each declared 10: six declared-score mismatches).  满意度 10 × min(100% ÷ 90%, 1) = 10.
    Total 10 + 20 + 0 + 10 = 40 (差); the table says 100.
    """
    r = _score("anhui-tianchang-2022-shuihan.yaml")
    assert r.ruleset_id == "national/project-2020"
    assert r.total == D(40) and r.grade == "差"
    assert r.item("指标1:完成中型灌区节水改造项目数量").score == D(10)
    assert r.item("指标1:工程质量合格").score == D(0)
    assert r.item("指标1:服务对象满意度").score == D(10)
    assert any(f.code == "declared-total-mismatch" for f in r.findings)


def test_anhui_chizhou_tangxi_2022_tier_words_and_zero_total_row() -> None:
    """安徽池州棠溪镇 2022 委托业务项目, national baseline with the labelled 50/30/10.

    预算执行: 年度资金总额 0, 其中本年财政拨款 89.974 of 89.974 → 10 × 100% = 10 (declared 0).
    产出: ≥50个 vs 50 → 8; ≥100百分比 vs 100 → 8; 项目总成本 ≤90万元 vs 90 → reverse, not over → 8;
    three rows whose actual is 达成预期指标 → 达成, declared 8 / 8 / 10 within 80–100% → 8, 8, 10.  = 50.
    效益: three rows 达成预期指标 → 达成, declared 10 each → 30.
    满意度: our copy of the table is cut at “公众满” — blank here, 0 (not the table's fault).
    Total 10 + 50 + 30 + 0 = 90.
    """
    r = _score("anhui-chizhou-tangxi-2022-weituo.yaml")
    assert r.total == D(90)
    assert r.item("预算执行").score == D(10)
    assert r.item("经费支出合规性").score == D(8) and r.item("单项业务成本").score == D(10)
    assert r.item("项目总成本").score == D(8)


def test_ningxia_yinchuan_2021_decision_management_family() -> None:
    """宁夏银川 2021 初中公用经费, ruleset ningxia/yinchuan/project-2021 (10 / 25 / 30 / 35 as labelled).

    决策: four rows with target “—” or blank and a sentence as actual → tier from the declared
    score's band (4 of 4, 2 of 2, 2 of 2, 2 of 2 → 达成) → 4 + 2 + 2 + 2 = 10.
    管理: 预算执行率 actual 100% with no target (“—”): the rate's own rule, 分值 × 执行率 = 10 × 100% = 10
    (declared 9, and the budget block says 64.8 of 64.8) — the ruleset's ``when name == "预算执行率"``
    class, whose formula reads neither cell; 财务管理制度 7, 绩效监控 2, 管理制度 6 (达成 by
    band) → 25.
    产出: 2370人 of 2370人 → 10; 符合相关文件要求 = same → 达成, 5; 2021年12月完成 = same → 达成, declared 4
    within 4–5 → 4; 15/15 → 4, 35/35 → 3, 14.8/14.8 → 3 → 29.
    效益: 改善学校的办学条件 = same → 达成, declared 13 within 12–15 → 13; 社会认可的办学环境 = same → 8;
    满意度: our copy is cut at “学生和老” — blank, 0.  Total 10 + 25 + 29 + 21 = 85; the table says 98,
    though its visible row scores add up to at most 84 + 10 = 94.
    """
    r = _score("ningxia-yinchuan-2021-gongyong-jingfei.yaml")
    assert r.ruleset_id == "ningxia/yinchuan/project-2021"
    assert r.total == D(85)
    assert r.item("完整性").score == D(4) and r.item("预算执行率").score == D(10)
    assert r.item("预算执行率").explain == "10 × ratio(64.8 ÷ 64.8) = 10"
    assert any(f.code == "declared-score-mismatch" and f.path == "$.indicators[4].declared_score"
               for f in r.findings)
    assert r.item("公用经费完成时间").score == D(4) and r.item("效果显著").score == D(13)
    assert any(f.code == "declared-total-mismatch" for f in r.findings)


def test_sichuan_qingshen_2023_split_target_template_published_unfilled() -> None:
    """四川青神 2023 工资性支出 (split 指标性质 / 指标值 / 度量单位 template), national baseline.

    Form weights 产出 60 + 效益 30 + 满意度 0 + 执行率 10 = 100 → used (info form-weights).
    执行率 10 × 251.89 ÷ 251.89 = 10 (the 得分 cell is blank).  Both rows: 完成值 blank → not filled, 0.
    Total 10 (差).
    """
    r = _score("sichuan-qingshen-2023-gongzi.yaml")
    assert r.ruleset_id == "national/project-2020"
    assert r.total == D(10) and r.grade == "差"
    assert {s.id: s.weight for s in r.sections if s.parent is None} == {"预算执行": 10, "产出": 60, "效益": 30}
    assert any(f.code == "form-weights" for f in r.findings)
