"""Fuzzing: the guarantees under generated forms and rulesets; parser and loaders never crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.cli import main
from perfrules.errors import PerfrulesError
from perfrules.forms import parse_documents, read_form
from perfrules.fuzzing import load_form_text, load_ruleset_text, ruleset_texts
from perfrules.testing import assert_guarantees, forms, rulesets

from .conftest import RULESETS

SEEDS = [p.read_text(encoding="utf-8") for p in sorted(RULESETS.rglob("*.rules"))]
BROKEN = (RULESETS / "hubei/2020/project.rules").read_text(encoding="utf-8").replace(
    "score weight * ratio(budget.executed, budget.adjusted)", "score weight * budget.executed / budget.adjusted"
).replace('"hubei/project-2020"', '"test/broken"')


@given(rulesets().flatmap(lambda text: st.tuples(st.just(text), forms(perfrules.ruleset_from_text(text)))))
@settings(max_examples=80)
def test_random_valid_rulesets_keep_every_guarantee(case: tuple[str, dict[str, Any]]) -> None:
    text, form = case
    assert_guarantees(perfrules.ruleset_from_text(text), form)


@given(ruleset_texts(SEEDS))
def test_parser_raises_only_located_perfrules_errors(text: str) -> None:
    load_ruleset_text(text)  # asserts every diagnostic has a position; anything else escaping fails the test


_json = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6),
                               st.floats(allow_nan=True)), lambda k: st.one_of(st.lists(k, max_size=4),
                               st.dictionaries(st.text(max_size=6), k, max_size=5)), max_leaves=20)


@given(st.one_of(st.text(max_size=400), _json.map(repr), st.sampled_from(SEEDS)))
def test_form_reader_raises_only_perfrules_errors(text: str) -> None:
    load_form_text(text, as_json=False)
    load_form_text(text, as_json=True)


@given(forms(perfrules.load_ruleset("hubei/huangshi/project-2022")), st.data())
def test_random_values_in_valid_forms(form: dict[str, Any], data: st.DataObject) -> None:
    key = data.draw(st.sampled_from(sorted(form)))
    form[key] = data.draw(st.one_of(st.none(), st.text(max_size=5), st.integers(-5, 10**6), st.booleans(),
                                    st.lists(st.integers(), max_size=2)))
    try:
        perfrules.load_ruleset("hubei/huangshi/project-2022").evaluate(read_form(form))
    except PerfrulesError:
        pass


def test_deep_nesting_and_long_lines_are_refused_with_a_position() -> None:
    with pytest.raises(PerfrulesError) as exc:
        perfrules.ruleset_from_text('ruleset "x"\nitem a weight 1 { score ' + "(" * 500 + "1" + ")" * 500 + " }")
    assert exc.value.diagnostics[0].line == 2
    with pytest.raises(PerfrulesError):
        parse_documents("a: " + "[" * 100 + "]" * 100)


def test_fuzz_cli_on_a_bundled_ruleset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "hubei/huangshi/project-2022", "--examples", "60", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "全部保证成立" in out and "规则覆盖率" in out


def test_fuzz_refuses_a_ruleset_that_fails_the_checker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "broken.rules"
    p.write_text(BROKEN, encoding="utf-8")
    assert main(["fuzz", str(p)]) == 2
    err = capsys.readouterr().err
    assert "error[bound]" in err and "broken.rules:49:" in err


def test_fuzz_finds_and_prints_a_counterexample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "broken.rules"
    p.write_text(BROKEN, encoding="utf-8")
    saved = tmp_path / "ce.yaml"
    assert main(["fuzz", str(p), "--no-prove", "--seed", "1", "--save", str(saved)]) == 1
    out = capsys.readouterr().out
    assert "违反保证" in out and "kind: project" in out
    # the printed counterexample is a ready-to-run form that reproduces the defect
    assert main(["score", str(saved), "--ruleset", str(p), "--no-prove", "--format", "json"]) == 1
    assert "score-clamped" in capsys.readouterr().out


def test_parser_campaign_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--parser", "--time", "3s", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "0 个意外错误" in out


# the documented three-line pytest (docs/testing.md), exactly as written there
from perfrules.testing import assert_guarantees as _ag, forms as _forms, load as _load  # noqa: E402, I001

_rs = _load("hubei/huangshi/project-2022"); test_documented_three_lines = given(_forms(_rs))(lambda form: _ag(_rs, form))  # noqa: E702,E501

from perfrules.testing import guarantee_test  # noqa: E402

test_documented_guarantee_test = guarantee_test("hubei/huangshi/project-2022", examples=50)
