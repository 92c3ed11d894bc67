"""The checker: located diagnostics for bad rulesets, and the bound proof."""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules
from perfrules.errors import RulesetError, RuleSyntaxError

from .conftest import RULESETS, golden

HEADER = '''ruleset "test/x"
jurisdiction "湖北省/黄石市"
years 2022
kind project
full 100
'''

POLICY = '''bands 三档 { "达成" 80% .. 100%  "部分达成" 50% .. 80%  "未达成" 0% .. 50% }
indicators {
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
  qualitative: 三档
}
'''


def load(body: str, header: str = HEADER) -> perfrules.Ruleset:
    return perfrules.ruleset_from_text(header + body, "bad.rules")


def diagnostics(body: str, header: str = HEADER) -> list[perfrules.Diagnostic]:
    with pytest.raises((RulesetError, RuleSyntaxError)) as exc:
        load(body, header)
    return list(exc.value.diagnostics)


def test_bundled_rulesets_pass() -> None:
    for path in sorted(RULESETS.rglob("*.rules")):
        rs = perfrules.load_ruleset(str(path))
        assert not [d for d in rs.diagnostics if d.severity == "error"], path


def test_unknown_name_with_did_you_mean() -> None:
    (d,) = diagnostics('item a weight 100 { score min(budget.exectued, 100) }')
    assert d.code == "unknown-name"
    assert (d.line, d.column) == (6, 31)
    assert "budget.exectued" in d.message and "budget.executed" in (d.hint or "")


def test_children_weights_must_add_up() -> None:
    (d,) = diagnostics('section s "部分" weight 100 {\n  item a weight 60 { score 0 }\n  item b weight 30 { score 0 }\n}')
    assert d.code == "weights" and d.line == 6
    assert "90" in d.message and "60" in d.message and "30" in d.message


def test_top_level_weights_must_add_up_to_full() -> None:
    (d,) = diagnostics('item a weight 60 { score 0 }\nitem b weight 30 { score 0 }')
    assert d.code == "weights" and "满分 100" in d.message


@pytest.mark.parametrize("bands, fragment", [
    ('"达成" 80% .. 100%  "部分达成" 40% .. 80%  "未达成" 0% .. 50%', "重叠"),
    ('"达成" 80% .. 100%  "部分达成" 60% .. 80%  "未达成" 0% .. 50%', "空缺"),
    ('"达成" 80% .. 100%  "部分达成" 50% .. 80%  "未达成" 10% .. 50%', "0%"),
    ('"达成" 80% .. 90%  "部分达成" 50% .. 80%  "未达成" 0% .. 50%', "100%"),
    ('"达成" 80% .. 120%  "部分达成" 50% .. 80%  "未达成" 0% .. 50%', "超出"),
])
def test_bands_must_tile_zero_to_hundred(bands: str, fragment: str) -> None:
    body = POLICY.replace('"达成" 80% .. 100%  "部分达成" 50% .. 80%  "未达成" 0% .. 50%', bands)
    ds = diagnostics(body + 'section s weight 100 { rows }')
    assert any(d.code == "bands" and fragment in d.message for d in ds), [d.message for d in ds]


def test_unbounded_score_is_refused_with_a_counterexample() -> None:
    (d,) = diagnostics('item a weight 100 { score 100 * budget.executed / budget.adjusted }')
    assert d.code == "bound"
    assert d.line == 6 and d.column == 27
    assert "[0, +∞)" in d.message or "(0, +∞)" in d.message
    assert "例如" in d.message and "budget.executed" in d.message and "budget.adjusted" in d.message


def test_a_capped_score_is_proven() -> None:
    rs = load('item a weight 100 { score 100 * ratio(budget.executed, budget.adjusted) }')
    assert rs.model.root[0].weight == Decimal(100)


def test_possible_division_by_zero() -> None:
    body = POLICY.replace("if target > 0 then min(actual / target, 1) else 1", "min(actual / target, 1)")
    ds = diagnostics(body + 'section s weight 100 { rows }')
    (d,) = ds
    assert d.code == "division-by-zero" and d.line == 8
    assert "target = 0" in d.message


def test_deductions_beyond_the_weight() -> None:
    ds = diagnostics('fact n count\nitem a weight 100 { deduct 2 per n limit 120 }')
    assert any(d.code == "bound" and "120" in d.message for d in ds)


def test_percent_fact_needs_a_range_for_a_proportional_score() -> None:
    (d,) = diagnostics('fact p percent\nitem a weight 100 { score 100 * p }')
    assert d.code == "bound" and "p = " in d.message
    load('fact p percent 0% .. 100%\nitem a weight 100 { score 100 * p }')


def test_grades_in_order() -> None:
    header = HEADER + 'grades { "优" >= 80 "良" >= 90 "差" otherwise }\n'
    (d,) = diagnostics('item a weight 100 { score 0 }', header)
    assert d.code == "grades" and "从高到低" in d.message


def test_judge_must_cover_the_enum() -> None:
    ds = diagnostics('fact 问题 enum ("全面", "较全面", "不全面")\n'
                     'item a weight 100 { judge 问题 { "全面": 100 "较全面": 60..80 "不全面": 0..120 "其他": 0 } }')
    codes = {d.code for d in ds}
    assert codes == {"bound", "unknown-name"}


def test_syntax_error_points_at_the_token() -> None:
    (d,) = diagnostics('item a weight 100 { score 100 * }')
    assert d.code == "syntax" and (d.line, d.column) == (6, 33)


def test_type_errors() -> None:
    ds = diagnostics('fact t text\nitem a weight 100 { score if t then 1 else 0 }')
    assert any(d.code == "type" and "条件" in d.message for d in ds)


def test_checker_collects_every_problem() -> None:
    ds = diagnostics('item a weight 60 { score min(x, 60) }\nitem b weight 30 { score min(y, 30) }')
    assert {d.code for d in ds} == {"unknown-name", "weights"}
    assert len(ds) == 3


def test_golden_messages() -> None:
    cases = {
        "syntax": 'item a weight 100 { score 100 * }',
        "unknown-name": 'item a weight 100 { score min(budget.exectued, 100) }',
        "weights": 'section s "部分" weight 100 {\n  item a weight 60 { score 0 }\n  item b weight 30 { score 0 }\n}',
        "bound": 'item a weight 100 { score 100 * budget.executed / budget.adjusted }',
        "unclosed": 'item a weight 100 { score 1',
    }
    out = []
    for name, body in cases.items():
        try:
            load(body)
        except (RulesetError, RuleSyntaxError) as e:
            out.append(f"== {name}\n{e.render()}\n")
    golden("checker-messages.txt", "\n".join(out))
