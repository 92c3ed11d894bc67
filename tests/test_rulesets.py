"""Versioned rulesets: look-up by jurisdiction and year, extends, new-year, diff, schema."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

import perfrules
from perfrules.api import Scorer
from perfrules.cli import main
from perfrules.forms import load_documents
from perfrules.registry import Registry
from perfrules.schema import ruleset_schema

from .conftest import RULESETS


def find(kind: str, where: str, year: int, paths: list[str] | None = None) -> str:
    return Registry(paths or []).find(kind, tuple(where.split("/")), year).id


def test_walks_up_from_the_most_specific_area() -> None:
    assert find("project", "湖南省/岳阳市/岳阳楼区", 2023) == "hunan/yueyang/yueyanglou/project-2023"
    assert find("department", "湖南省/岳阳市/临湘市", 2023) == "hunan/yueyang/linxiang/department-2023"
    assert find("project", "湖北省/黄石市/铁山区", 2022) == "hubei/huangshi/project-2022"
    # another year, or an area without its own ruleset: up to the national baseline
    assert find("project", "湖北省/黄石市/铁山区", 2024) == "national/project-2020"
    assert find("department", "湖南省/长沙市", 2023) == "national/department-2020"


def test_no_ruleset_lists_the_nearest_candidates() -> None:
    with pytest.raises(perfrules.LookupFailure) as exc:
        find("review", "湖南省/长沙市", 2023)
    text = exc.value.render()
    assert "hunan/yueyang/yueyanglou/review-2023" in text and "--ruleset" in text
    with pytest.raises(perfrules.LookupFailure) as exc:
        find("department", "湖南省/岳阳市/岳阳楼区", 2019)
    assert "2019" in exc.value.render()


def test_the_forms_ruleset_field_overrides(tmp_path: Path) -> None:
    (doc,) = load_documents(RULESETS / "hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml")
    r = Scorer().score(dict(doc.data, ruleset="national/project-2020"))
    assert r.ruleset_id == "national/project-2020"
    copy = tmp_path / "mine.rules"
    copy.write_text((RULESETS / "hubei/huangshi/2022/project.rules").read_text(encoding="utf-8")
                    .replace('ruleset "hubei/huangshi/project-2022"', 'ruleset "mine"'), encoding="utf-8")
    form = tmp_path / "f.yaml"
    form.write_text((RULESETS / "hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml").read_text(encoding="utf-8")
                    + "ruleset: mine.rules\n", encoding="utf-8")
    # a path inside a folder the caller configured is allowed; elsewhere it is refused
    (scored,) = Scorer(paths=[str(tmp_path)]).score_files([str(form)])
    assert scored.result is not None and scored.result.ruleset_id == "mine"
    (scored,) = Scorer().score_files([str(form)])
    assert scored.error is not None
    assert scored.error.diagnostics[0].code == "ruleset-outside-folders"


def _write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


BASE = '''ruleset "{id}"
jurisdiction "湖北省/黄石市"
years {years}
kind project
full 100
item a weight 100 {{ score weight * ratio(budget.executed, budget.adjusted) }}
'''


def test_two_rulesets_for_the_same_year_are_ambiguous(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, "a.rules", BASE.format(id="a", years="2030..2031"))
    _write(tmp_path, "b.rules", BASE.format(id="b", years="2031"))
    with pytest.raises(perfrules.LookupFailure) as exc:
        find("project", "湖北省/黄石市", 2031, [str(tmp_path)])
    assert "a" in exc.value.render() and "b.rules" in exc.value.render()
    assert find("project", "湖北省/黄石市", 2030, [str(tmp_path)]) == "a"
    assert main(["rulesets", "--path", str(tmp_path)]) == 2
    assert "ambiguous-ruleset" in capsys.readouterr().err


def test_extends_cycle_and_missing_parent(tmp_path: Path) -> None:
    _write(tmp_path, "a.rules", 'ruleset "cy/a"\nextends "cy/b"\nyears 2030\n')
    _write(tmp_path, "b.rules", 'ruleset "cy/b"\nextends "cy/a"\nyears 2030\n')
    with pytest.raises(perfrules.RulesetError) as exc:
        perfrules.load_ruleset(str(tmp_path / "a.rules"), paths=[str(tmp_path)])
    d = exc.value.diagnostics[0]
    assert "循环" in d.message and "cy/a" in d.message and d.line == 2
    _write(tmp_path, "c.rules", 'ruleset "cy/c"\nextends "nowhere/2022"\nyears 2030\n')
    with pytest.raises(perfrules.RulesetError) as exc:
        perfrules.load_ruleset(str(tmp_path / "c.rules"), paths=[str(tmp_path)])
    assert "nowhere/2022" in exc.value.render() and "c.rules:2:" in exc.value.render()


def test_overriding_something_that_does_not_exist(tmp_path: Path) -> None:
    _write(tmp_path, "x.rules", 'ruleset "hs/2023"\nextends "hubei/huangshi/project-2022"\nyears 2023\n'
                                'weight 预算执型 10\nremove 目标9\n')
    with pytest.raises(perfrules.RulesetError) as exc:
        perfrules.load_ruleset(str(tmp_path / "x.rules"))
    ds = exc.value.diagnostics
    assert [(d.code, d.line) for d in ds] == [("unknown-name", 4), ("unknown-name", 5)]
    assert "预算执行" in (ds[0].hint or "")


def test_extension_is_rechecked(tmp_path: Path) -> None:
    _write(tmp_path, "x.rules", 'ruleset "hs/2023"\nextends "hubei/huangshi/project-2022"\nyears 2023\n'
                                'weight 预算执行 10\n')
    with pytest.raises(perfrules.RulesetError) as exc:
        perfrules.load_ruleset(str(tmp_path / "x.rules"))
    assert exc.value.diagnostics[0].code == "weights" and "90" in exc.value.diagnostics[0].message


def test_new_year_then_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "2023.rules"
    assert main(["new-year", "hubei/huangshi/project-2022", "2023", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert 'extends "hubei/huangshi/project-2022"' in text and "years 2023" in text
    assert 'ruleset "hubei/huangshi/project-2023"' in text
    assert main(["new-year", "hubei/huangshi/project-2022", "2023", "-o", str(out)]) == 2  # no overwrite
    out.write_text(text + "weight 预算执行 10\nweight 目标1 80\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    assert main(["diff", "hubei/huangshi/project-2022", str(out), "--forms",
                 str(RULESETS / "hubei/huangshi/2022/examples")]) == 0
    report = capsys.readouterr().out
    assert "分值：预算执行（预算执行情况） 20 → 10" in report
    assert "分值：目标1（年度绩效目标1） 70 → 80" in report
    assert "适用年度：2022 → 2023" in report
    # 目标1 now weighs 80 but the 2022 forms' rows add up to 70: they stop fitting, not "-6.75" (issue 10 §5)
    assert "02-kaifaqu-peitao.yaml" in report and "91.64" in report and "不适合" in report
    assert "张表单不再适合新规则" in report and "-6.75" not in report


def test_diff_national_vs_yueyanglou(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "national/department-2020", "hunan/yueyang/yueyanglou/department-2023"]) == 0
    out = capsys.readouterr().out
    assert "适用地区：全国 → 湖南省/岳阳市/岳阳楼区" in out
    assert "新增检查 支出性质合计（error）：基本支出 + 项目支出 == budget.executed" in out
    assert "- 分值：" not in out  # same weights …
    assert "表上自定分值：产出（产出指标） 可在 0–90 之间 → 不可调" in out  # … but 岳阳楼区 fixes them


def test_diff_states_band_grade_and_formula_changes() -> None:
    from perfrules.diff import diff_models

    old = perfrules.load_ruleset("national/project-2020").model
    new = perfrules.load_ruleset("hubei/huangshi/project-2022").model
    text = "\n".join(c.text for c in diff_models(old, new))
    assert "删除：产出（产出指标）（50 分）" in text
    assert "新增：目标1（年度绩效目标1）（70 分）" in text
    assert "分值：预算执行（预算执行情况） 10 → 20" in text
    assert "未写方向的指标：一律按正向 → 按二级指标：成本指标 → 反向，其余 → 正向" in text
    assert "reverse 方向的指标计分公式" in text


@pytest.mark.parametrize("path", sorted(str(p.relative_to(RULESETS)) for p in RULESETS.rglob("examples/*.yaml")))
def test_examples_follow_their_rulesets_schema(path: str) -> None:
    (doc,) = load_documents(RULESETS / path)
    rs = perfrules.load_ruleset(Scorer().score(doc).ruleset_id)
    jsonschema.Draft202012Validator(ruleset_schema(rs.model)).validate(doc.data)


def test_schema_and_engine_agree_on_bad_facts(capsys: pytest.CaptureFixture[str]) -> None:
    rs = perfrules.load_ruleset("hunan/yueyang/yueyanglou/review-2023")
    (doc,) = load_documents(RULESETS / "hunan/yueyang/yueyanglou/2023/examples/review-yibaoju.yaml")
    validator = jsonschema.Draft202012Validator(ruleset_schema(rs.model))
    # (a percentage written as text, "120%", is range-checked by the engine only: JSON Schema cannot)
    for bad in ({"问题反映": "很全面"}, {"未自查单位数": -1}, {"权重符合比例": Decimal("1.2")}, {"附件缺少部分数": "两个"}):
        data = dict(doc.data, facts=dict(doc.data["facts"], **bad))
        assert not validator.is_valid(data), bad
        (name,) = bad
        r = rs.evaluate(data)
        assert any(f.code == "invalid-fact" and f.path == f"$.facts.{name}" for f in r.findings), bad
    assert main(["schema", "hunan/yueyang/yueyanglou/review-2023"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["facts"]["properties"]["问题反映"]["enum"][0] == "全面"
    assert "未自查单位数" in schema["properties"]["facts"]["required"]


def test_unknown_fact_is_a_warning_with_suggestion() -> None:
    rs = perfrules.load_ruleset("hunan/yueyang/yueyanglou/review-2023")
    (doc,) = load_documents(RULESETS / "hunan/yueyang/yueyanglou/2023/examples/review-yibaoju.yaml")
    r = rs.evaluate(dict(doc.data, facts={**doc.data["facts"], "推迟报送天": 2}))
    (f,) = [f for f in r.findings if f.code == "unknown-fact"]
    assert f.severity == "warning" and "推迟报送天数" in f.message
    assert r.total == Decimal(92)
