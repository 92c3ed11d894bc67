"""For every generated ruleset `check` accepts and every form: no score is non-finite, outside
[0, weight], or needs the run-time clamp (issue 7's property over generated rulesets)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.errors import RulesetError, RuleSyntaxError
from perfrules.testing import check_guarantees, forms, rulesets


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_checked_ruleset_keeps_the_guarantee(data: st.DataObject) -> None:
    text = data.draw(rulesets(adversarial=True), label="ruleset")
    try:
        rs = perfrules.ruleset_from_text(text, "generated.rules")
    except (RulesetError, RuleSyntaxError) as refused:
        assert all(d.line > 0 and d.file == "generated.rules" for d in refused.diagnostics)
        return
    for _ in range(2):
        form = data.draw(forms(rs), label="form")
        result = check_guarantees(rs, form)  # [0, weight] before the clamp, compiled = interpreted, …
        for number in (result.total, *(it.score for it in result.items), *(s.score for s in result.sections)):
            assert number.is_finite()
        assert "NaN" not in str(result.to_dict()) and "Infinity" not in str(result.to_dict())


@settings(max_examples=60, deadline=None)
@given(rulesets(adversarial=True))
def test_the_generator_reaches_both_verdicts(text: str) -> None:
    # not a guarantee, a sanity check of the strategy: texts parse (refusals come from the checker)
    try:
        perfrules.ruleset_from_text(text, "generated.rules")
    except RulesetError as refused:
        assert {d.code for d in refused.diagnostics} <= {"bound", "magnitude", "division-by-zero", "weights",
                                                         "rounding"}
