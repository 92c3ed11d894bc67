"""Issue 7, the guarantee: each class of defect found there, held closed.

Every test here failed on the main branch before the fix (see the docstrings).
"""

from __future__ import annotations

import json
from decimal import Decimal, Inexact, localcontext
from pathlib import Path
from typing import Any

import pytest

import perfrules
from perfrules.cli import main
from perfrules.errors import EngineError, RulesetError, RuleSyntaxError

HEADER = '''ruleset "test/guarantee"
jurisdiction "湖北省/黄石市"
years 2022
kind project
full {full}
'''

FORM: dict[str, Any] = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
                        "budget": {"adjusted": 100, "executed": 90}}


def ruleset(body: str, full: str = "100", *, prove: bool = True) -> perfrules.Ruleset:
    return perfrules.ruleset_from_text(HEADER.format(full=full) + body, "g.rules", prove=prove)


def codes(body: str, full: str = "100") -> list[tuple[str, int]]:
    with pytest.raises((RulesetError, RuleSyntaxError)) as exc:
        ruleset(body, full)
    return [(d.code, d.line) for d in exc.value.diagnostics]


# ---------------------------------------------------------------- 1. one meaning of clamp


def test_clamp_with_bounds_swapped_scores_what_the_proof_says() -> None:
    """main: `check` accepted this and it scored 50 on a weight of 20 (score-clamped)."""
    rs = ruleset("item a weight 20 { score clamp(budget.executed - 80, 50, 20) }", full="20")
    result = rs.evaluate(FORM)
    assert result.total == Decimal(20)
    assert not [f for f in result.findings if f.code == "score-clamped"]
    assert rs.interpret(FORM).total == result.total


def test_clamp_with_a_huge_lower_bound_is_refused_not_nan() -> None:
    """main: lower bound 10^40 gave 总分 NaN, 未发现问题, exit 0."""
    big = "1" + "0" * 40
    found = codes(f"item a weight 20 {{ score clamp(budget.executed, {big}, 20) }}", full="20")
    assert ("magnitude", 6) in found


# ---------------------------------------------------------------- 2. magnitudes


def test_full_beyond_precision_does_not_check() -> None:
    """main: full 10^30 with rounding half_up 6 checked, then scored NaN, grade 差, exit 0."""
    big = "1" + "0" * 30
    with pytest.raises(RulesetError) as exc:
        ruleset(f"rounding half_up 6\nitem a weight {big} {{ score min(budget.executed, weight) }}", full=big)
    found = {(d.code, d.line, d.column) for d in exc.value.diagnostics}
    assert ("magnitude", 5, 1) in found  # the full line
    assert ("magnitude", 7, 15) in found  # the item's weight
    message = exc.value.render()
    assert "34 位有效数字" in message and "^" in message and "提示" in message


def test_the_same_magnitude_fits_with_fewer_places() -> None:
    big = "1" + "0" * 30
    rs = ruleset(f"rounding half_up 2\nitem a weight {big} {{ score min(budget.executed, weight) }}", full=big)
    assert rs.evaluate(FORM).total == Decimal(90)


# ---------------------------------------------------------------- 3. no NaN or Infinity in a Result

UNPROVEN = "fact x number\nrounding half_up 2\nitem a weight 100 { score x * x * x }"


def test_a_non_finite_value_is_a_located_engine_error() -> None:
    """main (prove=False, as `fuzz` runs): the score was NaN and passed every clamp."""
    rs = ruleset(UNPROVEN, prove=False)
    form = dict(FORM, facts={"x": "100000000000000"})  # x³ = 10^42: beyond 34 digits at 2 places
    for run in (rs.evaluate, rs.interpret):
        with pytest.raises(EngineError) as exc:
            run(form)
        (d,) = exc.value.diagnostics
        assert (d.code, d.file, d.line) == ("non-finite", "g.rules", 8)
        assert "精度" in d.message
        rendered = exc.value.render()  # the rule's line with a caret under it, and what to do
        assert "   8 | item a weight 100 { score x * x * x }" in rendered and "^" in rendered and "提示" in rendered


def test_non_finite_from_the_cli_exits_2_and_names_the_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "g.rules"
    rules.write_text(HEADER.format(full="100") + UNPROVEN, encoding="utf-8")
    form = tmp_path / "f.json"
    form.write_text(json.dumps(dict(FORM, facts={"x": "100000000000000"})), encoding="utf-8")
    code = main(["score", "--ruleset", str(rules), "--no-prove", str(form)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "NaN" not in out and "Infinity" not in out
    assert f"{rules}:8:" in err and "non-finite" in err and "Traceback" not in err
    assert "score x * x * x }\n" in err and "^" in err  # the rule's line, with a caret


def test_the_checker_refuses_the_same_ruleset() -> None:
    assert ("bound", 8) in codes(UNPROVEN)


# ---------------------------------------------------------------- 4. perfrules' own decimal context

TIGHT = "item a weight 100 { score min(budget.executed, 100) * 1.001 }"


def test_caller_precision_does_not_change_the_proof() -> None:
    """main: under localcontext(prec=2) this ruleset (max 100.1 on 100) was accepted."""
    assert ("bound", 6) in codes(TIGHT)
    with localcontext() as caller:
        caller.prec = 2
        assert ("bound", 6) in codes(TIGHT)


def test_trapped_inexact_does_not_break_loading_scoring_or_rendering() -> None:
    """A guard (issue 7 item 4): today's main already passes this; kept so a trapped Inexact stays harmless."""
    form = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
            "budget": {"adjusted": 3, "executed": 1}}
    plain = perfrules.load_ruleset("hubei/huangshi/project-2022").evaluate(form)
    with localcontext() as caller:
        caller.traps[Inexact] = True
        rs = perfrules.load_ruleset("hubei/huangshi/project-2022")
        result = rs.evaluate(form)
        assert result.to_dict() == plain.to_dict()
        assert result.explain() == plain.explain()
        assert [it.explain for it in result.items] == [it.explain for it in plain.items]


def test_rendering_ignores_the_caller_context() -> None:
    """main: under a caller's prec=3, Result.to_dict() raised InvalidOperation."""
    rs = ruleset("item a weight 100 { score min(budget.executed * 1.2345, 99.99) }")
    form = dict(FORM, budget={"adjusted": 100, "executed": Decimal("80.123")})
    result = rs.evaluate(form)
    expected_dict, expected_text = result.to_dict(), result.explain()
    assert expected_dict["total"] == "98.91"  # 80.123 × 1.2345 = 98.9118… → 98.91
    with localcontext() as caller:
        caller.prec = 3
        assert result.to_dict() == expected_dict
        assert result.explain() == expected_text
        assert rs.evaluate(form).to_dict() == expected_dict
        assert rs.interpret(form).to_dict() == expected_dict
    with localcontext() as caller:
        caller.traps[Inexact] = True
        assert rs.evaluate(form).to_dict() == expected_dict


# ---------------------------------------------------------------- 5. long expressions


def _long_sum(n: int) -> str:
    return "item a weight 100 { score min(" + " + ".join(["budget.executed"] * n) + ", 100) }"


def _long_chain(n: int) -> str:
    arms = "".join(f"if budget.executed > {i} then {i % 100} else " for i in range(n))
    return "item a weight 100 { score " + arms + "0 }"


@pytest.mark.parametrize("body", [_long_sum(500), _long_chain(500), _long_sum(5000)],
                         ids=["sum-500", "else-if-500", "sum-5000"])
def test_long_expressions_are_a_located_error(body: str) -> None:
    """main: a flat 500-term sum raised RecursionError, a long else-if chain a lark VisitError."""
    with pytest.raises(RulesetError) as exc:  # an embedder's `except RulesetError` sees it
        ruleset(body)
    (d,) = exc.value.diagnostics
    assert d.code == "too-long" and d.line == 6 and d.column > 0
    assert "let" in (d.hint or "")


def test_long_expression_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "long.rules"
    rules.write_text(HEADER.format(full="100") + _long_chain(500), encoding="utf-8")
    code = main(["check", str(rules)])
    _, err = capsys.readouterr()
    assert code == 2
    assert f"{rules}:6:" in err and "too-long" in err and "Recursion" not in err


@pytest.mark.parametrize("make", [_long_sum, _long_chain], ids=["sum", "else-if"])
def test_expressions_just_under_the_limit_work_everywhere(make: Any) -> None:
    from perfrules.formatter import format_text

    n = 100
    rs = ruleset(make(n))
    result = rs.evaluate(FORM)
    assert rs.interpret(FORM).to_dict() == result.to_dict()
    assert result.explain()
    assert format_text(HEADER.format(full="100") + make(n))


# ---------------------------------------------------------------- 6. row weights finer than the rounding

ROWS = '''bands 三档 { "达成" 80% .. 100%  "部分达成" 50% .. 80%  "未达成" 0% .. 50% }
indicators {
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
  qualitative: 三档
}
section r "产出" weight 70 { rows }
item b "预算执行" weight 30 { score 30 * ratio(budget.executed, budget.adjusted) }
'''


def _indicator(name: str, weight: str) -> dict[str, Any]:
    return {"goal": 1, "level1": "产出指标", "name": name, "weight": Decimal(weight), "target": "≥100",
            "actual": "100"}


def test_row_weights_with_too_many_decimals_are_a_form_finding() -> None:
    """main: 69.995 + 0.005 gave `score-clamped` "这是规则的缺陷" while the table printed 70 and 0."""
    rs = ruleset(ROWS)
    form = dict(FORM, indicators=[_indicator("甲", "69.995"), _indicator("乙", "0.005")])
    for run in (rs.evaluate, rs.interpret):
        result = run(form)
        found = {(f.code, f.path) for f in result.findings}
        assert ("row-weight-precision", "$.indicators[0].weight") in found
        assert ("row-weight-precision", "$.indicators[1].weight") in found
        assert not [f for f in result.findings if f.code == "score-clamped"]
        message = next(f.message for f in result.findings if f.code == "row-weight-precision")
        assert "69.995" in message and "2 位" in message and "规则的缺陷" not in message
        assert all(0 <= it.score <= it.weight for it in result.items)
        assert result.exit_status == 1


def test_row_weights_at_the_ruleset_precision_are_fine() -> None:
    rs = ruleset(ROWS)
    result = rs.evaluate(dict(FORM, indicators=[_indicator("甲", "69.99"), _indicator("乙", "0.010")]))
    assert not [f for f in result.findings if f.code in ("row-weight-precision", "score-clamped")]
    assert result.section("r").score == Decimal(70)
