"""Bad forms: each gets a located message and exit status 2, or a finding — never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfrules.cli import main
from perfrules.forms import parse_documents, read_form

from .conftest import RULESETS

GOOD = (RULESETS / "hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml").read_text(encoding="utf-8")


def run(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], name: str = "form.yaml",
        fmt: str = "text") -> tuple[int, str, str]:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    code = main(["score", str(p), "--format", fmt])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_good_form_scores_with_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tmp_path, GOOD, capsys)
    assert code == 1 and "91.64" in out


def test_missing_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, GOOD.replace("year: 2022\n", ""), capsys)
    assert code == 2
    assert "缺少必填字段 year" in err and "form.yaml:" in err


def test_wrong_type_names_path_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace('weight: 20,\n     target: "13000人"', 'weight: 二十,\n     target: "13000人"')
    code, _, err = run(tmp_path, text, capsys)
    assert code == 2
    assert "$.indicators[0].weight" in err and "应为数字" in err
    assert "form.yaml:10:" in err  # the line of the weight
    assert "^" in err  # caret excerpt


def test_negative_weight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, GOOD.replace("weight: 20,\n     target: \"13000人\"", "weight: -20,\n     target: \"13000人\""), capsys)
    assert code == 2 and "$.indicators[0].weight" in err and "不能小于 0" in err


def test_zero_target_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tmp_path, GOOD.replace('target: "13000人"', 'target: "0人"'), capsys, fmt="json")
    assert code == 1
    codes = {(f["code"], f["path"]) for f in json.loads(out)["findings"]}
    assert ("zero-target", "$.indicators[0]") in codes


def test_unit_mismatch_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tmp_path, GOOD.replace('actual: "11789人"', 'actual: "11789户"'), capsys, fmt="json")
    doc = json.loads(out)
    (f,) = [f for f in doc["findings"] if f["code"] == "unit-mismatch"]
    assert f["path"] == "$.indicators[0]" and "人" in f["message"] and "户" in f["message"]
    assert f["line"] == 10
    assert code == 1


def test_unknown_field_is_a_warning_with_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(tmp_path, GOOD.replace("declared_total: 88", "declard_total: 88"), capsys, fmt="json")
    doc = json.loads(out)
    (f,) = [f for f in doc["findings"] if f["code"] == "unknown-field"]
    assert f["severity"] == "warning" and f["path"] == "$.declard_total" and "declared_total" in f["message"]


@pytest.mark.parametrize("value", ["1e999999", "123456789012345678901234567890", ".nan", ".inf", "-.inf"])
def test_huge_and_non_finite_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    code, _, err = run(tmp_path, GOOD.replace("adjusted: 100", f"adjusted: {value}"), capsys)
    assert code == 2 and "form.yaml" in err


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1" * 5000])
def test_json_nan_infinity_and_giant_integers(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    doc = '{"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022, "budget": {"adjusted": %s, "executed": 1}}'
    code, _, err = run(tmp_path, doc % value, capsys, name="form.json")
    assert code == 2 and "form.json" in err


def test_yaml_alias_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    code, _, err = run(tmp_path, bomb, capsys)
    assert code == 2 and "锚点或别名" in err and "form.yaml:1:" in err


def test_hundred_megabyte_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "huge.yaml"
    with open(p, "wb") as f:
        f.truncate(100 * 1024 * 1024)  # sparse: costs no disk
    code = main(["score", str(p)])
    _, err = capsys.readouterr()
    assert code == 2 and "超过上限" in err and "Traceback" not in err


def test_malformed_yaml_has_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, "kind: project\njurisdiction: [湖北省\nyear: 2022\n", capsys)
    assert code == 2 and "YAML 格式错误" in err and "form.yaml:" in err


def test_duplicate_keys_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, GOOD.replace("year: 2022\n", "year: 2022\nyear: 2023\n"), capsys)
    assert code == 2 and "重复" in err and "form.yaml:6:1" in err


def test_not_a_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(tmp_path, "- just\n- a list\n", capsys)
    assert code == 2 and "映射" in err


def test_binary_and_non_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "gbk.yaml"
    p.write_bytes("kind: 项目\n".encode("gbk"))
    assert main(["score", str(p)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_yaml_pitfalls_are_read_literally() -> None:
    (raw,) = parse_documents("""kind: project
jurisdiction: 湖北省/黄石市
year: 2022
budget: {adjusted: 0100.50, executed: 10.10}
indicators:
  - {name: 完成时间, weight: 10, target: 2022-12-31, actual: 2022-12-30, tier: no}
  - {name: 编号, weight: 0.1, target: 0123, actual: 0123}
""")
    assert raw.data["indicators"][0]["target"] == "2022-12-31"  # not a datetime.date
    assert raw.data["indicators"][0]["tier"] == "no"  # not False
    assert raw.data["indicators"][1]["target"] == "0123"  # not octal 83
    assert str(raw.data["budget"]["executed"]) == "10.10"  # exact decimal, no float
    assert raw.data["budget"]["adjusted"] == "0100.50"
    form = read_form(raw.data | {"budget": {"adjusted": 100, "executed": 10}})
    assert form.rows[0].target is not None and form.rows[0].target.is_date


def test_batch_keeps_going_after_a_bad_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    bad = tmp_path / "bad.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text("kind: project\n", encoding="utf-8")
    code = main(["score", str(bad), str(good), "--format", "json"])
    out, err = capsys.readouterr()
    docs = json.loads(out)
    assert code == 2
    assert "error" in docs[0] and docs[1]["total"] == "91.64"
    assert "bad.yaml" in err


def test_missing_value_is_a_finding_not_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace('budget: {adjusted: 100, executed: 67.51, declared_rate: "68%", declared_score: 13}\n', "")
    code, out, _ = run(tmp_path, text, capsys, fmt="json")
    doc = json.loads(out)
    (f,) = [f for f in doc["findings"] if f["code"] == "missing-value"]
    assert f["severity"] == "error" and f["path"] == "$.budget.executed"
    assert code == 1


def test_missing_tier_for_a_different_text_is_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = GOOD.replace('actual: "普通居民61元/人/年; 特殊人员140元/人/年"', 'actual: "基本达到"')
    code, out, _ = run(tmp_path, text.replace('actual: "基本达到", declared_score: 10', 'actual: "基本达到"'), capsys,
                       fmt="json")
    doc = json.loads(out)
    assert any(f["code"] == "missing-tier" and f["path"] == "$.indicators[1]" for f in doc["findings"])
    # with a declared score, the tier is the band holding it (tier-from-score), not missing-tier
    code, out, _ = run(tmp_path, text, capsys, fmt="json")
    doc = json.loads(out)
    assert [f["code"] for f in doc["findings"] if f["path"] == "$.indicators[1]"] == ["tier-from-score"]
    text2 = text.replace('actual: "基本达到", declared_score: 10', 'actual: "基本达到", tier: 部分达成, declared_score: 10')
    code, out, _ = run(tmp_path, text2, capsys, fmt="json")
    doc = json.loads(out)
    (f,) = [f for f in doc["findings"] if f["code"] == "band-violation"]
    assert "5–8" in f["message"]  # 部分达成 is 50–80% of 10
    row = [i for i in doc["items"] if i["path"] == "$.indicators[1]"][0]
    assert row["score"] == "8"


# ---- the fast validator agrees with the Draft 2020-12 validator on every document

from decimal import Decimal  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import perfrules  # noqa: E402
from perfrules.forms import _validator, is_valid_form  # noqa: E402
from perfrules.testing import forms  # noqa: E402

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 3000), st.text(max_size=5),
                     st.decimals(min_value=-5, max_value=10**13, places=2, allow_nan=False))
_keys = st.sampled_from(["kind", "jurisdiction", "year", "budget", "indicators", "facts", "adjusted", "executed",
                         "weight", "target", "actual", "name", "goal", "tier", "extra", "declared_score"])
_docs = st.recursive(_scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                       st.dictionaries(_keys, kids, max_size=6)), max_leaves=25)
_HS = perfrules.load_ruleset("hubei/huangshi/project-2022")


@given(st.one_of(_docs, forms(_HS), forms(_HS).flatmap(
    lambda f: st.sampled_from(sorted(f)).flatmap(lambda k: _scalars.map(lambda v: {**f, k: v})))))
def test_fast_validator_agrees_with_jsonschema(doc: object) -> None:
    assert is_valid_form(doc) == _validator().is_valid(doc)


def test_fast_validator_edge_cases() -> None:
    base = {"kind": "project", "jurisdiction": "湖北省", "year": 2022}
    for doc in [base, {**base, "year": True}, {**base, "budget": {"adjusted": Decimal(0), "executed": 1}},
                {**base, "budget": {"adjusted": Decimal("0.01"), "executed": 0}}, {**base, "facts": {"a": None}},
                {**base, "indicators": [{"name": "x", "weight": 1, "target": 1, "actual": True}]}]:
        assert is_valid_form(doc) == _validator().is_valid(doc), doc
