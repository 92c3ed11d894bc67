"""Generated row scorers (perfrules.codegen): the same value as the closures, and no ruleset text.

Over random expression trees (every construct the generator knows, constants up to 10^30, and
form values read by name), the generated ``(w × formula).quantize(…)`` — the expression the rows
loop inlines — equals the compiled closure's
``round_to(multiply(w, formula))`` — the same Decimal, digit for digit — or both raise (the
closure an EvalError or a trapped signal, the generated code a trapped signal or an EvalError).
The generated text holds nothing but this package's fragments and indices: no quote, no
ruleset name, whatever the ruleset's strings and names hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import codegen, nodes
from perfrules.codegen import item_scorer, row_scorer, row_scorer_source
from perfrules.compiler import compile_expr
from perfrules.names import ROW_FIELDS, ROW_NAMES
from perfrules.operations import NON_FINITE, ROUNDING_MODES, STRICT, multiply, quantizer, round_to, rounder
from perfrules.registry import Registry
from perfrules.values import CONTEXT, EvalError

ROW = frozenset(ROW_NAMES) | frozenset(ROW_FIELDS)
LOCAL = frozenset(ROW)
SPAN = nodes.Span(1, 1, 1, 1)
HOSTILE = ['a"b', "c'd", "e\\nf", "g\nh", "i\\", '"""', "'''", "}{", "%s", "{0}", "\x00"]

_NUMBERS = st.one_of(
    st.sampled_from([Decimal(x) for x in ("0", "1", "-1", "0.5", "2", "1.0", "0.75")]),  # ties and the edges
    st.decimals(min_value=Decimal("-1e30"), max_value=Decimal("1e30"), allow_nan=False, allow_infinity=False,
                places=None).filter(lambda d: d.adjusted() < 31))


def _num(d: Decimal) -> nodes.Expr:
    return nodes.Num(d, str(d), False, SPAN)


_LEAVES = st.one_of(
    _NUMBERS.map(_num),
    st.sampled_from(["actual", "target"]).map(lambda n: nodes.Ref(n, SPAN)),
    st.just(nodes.WeightRef(SPAN)),
    st.sampled_from(["rate", "missing"]).map(lambda n: nodes.Ref(n, SPAN)),  # a form value, and one absent
)


def _extend(inner: st.SearchStrategy[nodes.Expr]) -> st.SearchStrategy[nodes.Expr]:
    cond = st.builds(lambda op, a, b: nodes.Compare(op, a, b, SPAN),
                     st.sampled_from([">", ">=", "<", "<=", "==", "!="]), inner, inner)
    logic = st.one_of(cond, st.builds(lambda op, a, b: nodes.Logic(op, a, b, SPAN), st.sampled_from(["and", "or"]),
                                      cond, cond), cond.map(lambda c: nodes.Not(c, SPAN)))
    return st.one_of(
        st.builds(lambda op, a, b: nodes.BinOp(op, a, b, SPAN), st.sampled_from(["+", "-", "*", "/"]), inner, inner),
        inner.map(lambda a: nodes.Neg(a, SPAN)),
        st.builds(lambda f, a, b: nodes.Call(f, (a, b), SPAN), st.sampled_from(["min", "max", "ratio"]), inner, inner),
        st.builds(lambda a, b, c: nodes.Call("min", (a, b, c), SPAN), inner, inner, inner),
        st.builds(lambda a, b, c: nodes.Call("clamp", (a, b, c), SPAN), inner, inner, inner),
        inner.map(lambda a: nodes.Call("abs", (a,), SPAN)),
        st.builds(lambda k, a, b: nodes.If(k, a, b, SPAN), logic, inner, inner),
    )


FORMULAS = st.recursive(_LEAVES, _extend, max_leaves=12)


def _outcome(fn: Any) -> Decimal | str:
    try:
        with localcontext(STRICT):
            value = fn()
    except EvalError as err:
        return f"error: {err.message}"
    except NON_FINITE:
        return "non-finite"
    assert isinstance(value, Decimal)
    return value


def _same_outcome(closure: Decimal | str, generated: Decimal | str) -> None:
    if isinstance(closure, Decimal) or isinstance(generated, Decimal):
        assert isinstance(closure, Decimal) and isinstance(generated, Decimal)
        assert str(closure) == str(generated)  # the same digits, not only the same value
    # both raised: the summary path falls back to the full path, which reports it; which of the
    # two kinds each raised may differ (a zero divisor is an EvalError in the closure, a trapped
    # signal in the generated code), so only "raised" is compared


@settings(max_examples=400, deadline=None)
@given(FORMULAS, _NUMBERS, _NUMBERS, st.decimals(0, 100, places=2), st.integers(0, 6),
       st.sampled_from(["half_up", "half_even", "down", "up"]))
def test_generated_equals_closure(formula: nodes.Expr, actual: Decimal, target: Decimal, weight: Decimal,
                                  places: int, mode: str) -> None:
    env = {"rate": Decimal("0.75")}
    closure = compile_expr(formula, local_names=LOCAL)
    generated = row_scorer(formula, ROW, quantizer(places), ROUNDING_MODES[mode])
    assert generated is not None

    def by_closure() -> Any:
        with localcontext(CONTEXT):
            share = closure(env, {"actual": actual, "target": target}, weight)
            return round_to(multiply(weight, share), places, mode)

    _same_outcome(_outcome(by_closure), _outcome(lambda: generated(actual, target, weight, env)))


_SAFE_TEXT = re.compile(r"[A-Za-z0-9_\[\]() +\-*/<>=!,:.\n]*")


@settings(max_examples=200, deadline=None)
@given(FORMULAS)
def test_generated_text_is_only_our_fragments(formula: nodes.Expr) -> None:
    source = row_scorer_source(formula, ROW)
    assert source is not None
    assert _SAFE_TEXT.fullmatch(source.text), source.text
    assert "missing" not in source.text and "rate" not in source.text  # names are N[i], read by REF


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_and_names_stay_values(hostile: str) -> None:
    """A ruleset string with quotes, newlines, backslashes or braces is a constant K[i]: compared as
    a value, never part of the code (the function still scores, the text is still ours)."""
    name = f"类别{len(hostile)}"  # a form value's name (identifiers cannot hold quotes: see the next test)
    formula = nodes.If(nodes.Compare("==", nodes.Ref(name, SPAN), nodes.Str(hostile, SPAN), SPAN),
                       nodes.Call("min", (nodes.BinOp("/", nodes.Ref("actual", SPAN), nodes.Ref("target", SPAN), SPAN),
                                          _num(Decimal(1))), SPAN), _num(Decimal(0)), SPAN)
    source = row_scorer_source(formula, ROW)
    assert source is not None and hostile not in source.text and name not in source.text
    assert _SAFE_TEXT.fullmatch(source.text)
    score = row_scorer(formula, ROW, quantizer(2), ROUNDING_MODES["half_up"])
    assert score is not None
    with localcontext(STRICT):
        assert score(Decimal(9), Decimal(10), Decimal(10), {name: hostile}) == Decimal("9.00")
        assert score(Decimal(9), Decimal(10), Decimal(10), {name: hostile + "x"}) == Decimal("0.00")

#: Quotes, backslashes and braces in every name and string a ruleset can write.
BAD = "q\"uote \\back \\n {0} %s 'x' \"\"\""
HOSTILE_RULESET = f'''ruleset "hostile/x"
title “{BAD}”
jurisdiction "全国"
years 2024
kind project
full 100
rounding half_up 2
grades {{
  “{BAD}优” >= 90
  “{BAD}差” otherwise
}}
bands 档 {{
  “{BAD}达成” aka "achieved" 80% .. 100%
  “{BAD}未达成” aka "failed" 0% .. 80%
}}
indicators {{
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
  unsigned: by level2 {{
    “{BAD}成本”: reverse
    otherwise: positive
  }}
  qualitative: 档
}}
item 预算 “{BAD}预算” weight 20 {{
  score weight * min(budget.executed / budget.adjusted, 1)
}}
section 指标 “{BAD}指标” weight 80 {{
  rows where goal == 1
}}
'''


def test_a_ruleset_with_hostile_text_everywhere_scores_the_same_both_ways() -> None:
    """Every name and string a ruleset can write — title, grades, bands, section names, the
    unsigned field's cases — holding quotes, backslashes and braces (the language has no escapes
    and no line breaks in a string: ``“…”`` quotes a text holding ``"``)."""
    text = HOSTILE_RULESET
    rs = perfrules.ruleset_from_text(text, "hostile.rules")
    assert rs.program._summary is not None
    level2 = BAD + "成本"
    doc = {"kind": "project", "jurisdiction": "全国", "year": 2024, "budget": {"adjusted": "100", "executed": "90"},
           "indicators": [
               {"goal": 1, "level2": level2, "name": 'n"\\', "weight": 40, "target": "116", "actual": "122"},
               {"goal": 1, "level2": "数量", "name": "m'\n", "weight": 30, "target": "≥100", "actual": "96"},
               {"goal": 1, "level2": "定性", "name": "t", "weight": 10, "target": "好", "actual": "好", "tier": "failed"}]}
    summary = rs.evaluate(doc)
    assert "items" not in vars(summary)  # the summary path, with the generated scorers
    full = rs.evaluate(doc, detail=True)
    # by hand: 20 × 90/100 = 18; 40 × 116/122 = 38.03 (reverse: the level2 case); 30 × 96/100 = 28.80; tier top 8
    assert summary.total == full.total == Decimal("92.83")
    assert summary.to_dict() == full.to_dict()


@pytest.mark.parametrize("entry", Registry([]).entries(), ids=lambda e: e.id)
def test_every_bundled_formula_is_generated(entry: Any) -> None:
    policy = perfrules.load_ruleset(entry.path).model.policy
    if policy is None:
        pytest.skip("no indicator policy")
    for direction, expr in policy.formulas.items():
        if policy.reads_row_fields:
            continue
        assert row_scorer_source(expr, ROW) is not None, direction


@settings(max_examples=300, deadline=None)
@given(FORMULAS, st.decimals(0, 100, places=2), st.integers(0, 6), st.sampled_from(["half_up", "half_even", "down"]))
def test_generated_item_equals_closure(formula: nodes.Expr, weight: Decimal, places: int, mode: str) -> None:
    """An item's ``score`` as one generated function: the closure's digits, or both raise; a formula
    that reads a row's value (``actual``) is not an item's, and is not generated."""
    env = {"rate": Decimal("0.75")}
    generated = item_scorer(formula, weight, rounder(places, mode), ROW)
    reads_row = any(name in ROW for name in nodes.free_names(formula))
    assert (generated is None) == reads_row
    if generated is None:
        return
    closure = compile_expr(formula)

    def by_closure() -> Any:
        with localcontext(CONTEXT):
            return round_to(closure(env, {}, weight), places, mode)

    _same_outcome(_outcome(by_closure), _outcome(lambda: generated(env)))


def _generated_texts(load: Callable[[], perfrules.Ruleset]) -> list[str]:
    """The text of every function generated by `load` (a ruleset's rows loop and items)."""
    texts: list[str] = []
    real = codegen._compiled

    def spy(source: codegen.GeneratedSource, name: str, **values: Any) -> Any:
        texts.append(source.text)
        return real(source, name, **values)

    codegen._compiled = spy  # type: ignore[assignment]
    try:
        load().program.summarize  # noqa: B018 - the compiled program and its summary path are made
    finally:
        codegen._compiled = real  # type: ignore[assignment]
    return texts


@pytest.mark.parametrize("entry", Registry([]).entries(), ids=lambda e: e.id)
def test_every_generated_text_is_only_our_fragments(entry: Any) -> None:
    """The rows loop and the item functions of every bundled ruleset: this module's fragments and
    indices, no quote and no name or string of the ruleset."""
    texts = _generated_texts(lambda: perfrules.Ruleset(Registry([]).chain(entry.path)))
    model = perfrules.load_ruleset(entry.path)
    assert bool(texts) == (model.program._summary is not None)
    for text in texts:
        assert _SAFE_TEXT.fullmatch(text), text
    for node in model.model.nodes():
        for text in texts:
            assert f"{node.id}" not in text and node.name not in text


def test_the_hostile_rulesets_generated_texts_hold_none_of_it() -> None:
    texts = _generated_texts(lambda: perfrules.ruleset_from_text(HOSTILE_RULESET, "hostile.rules"))
    assert any(t.startswith("def rows(") for t in texts) and any(t.startswith("def item(") for t in texts)
    for text in texts:
        assert _SAFE_TEXT.fullmatch(text), text
        assert "uote" not in text and "成本" not in text and "预算" not in text
