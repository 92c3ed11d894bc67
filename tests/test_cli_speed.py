"""Issue 9, reading and CLI throughput: each fast path gives exactly what the plain one gave.

- An explanation's words, planned once per expression (:mod:`perfrules.wording`), are those of the
  explanation hook walked over :func:`perfrules.unparse.expr` (the reference below), on generated
  expressions, values, shown texts and precedences.
- A JSON Lines form is bounded on the fast path: a number beyond the bounds, NaN or Infinity
  anywhere in a line (a cell, a fact, an amount) is refused with its path, exactly when
  :func:`perfrules.numbers.number_problem` refuses it; a repeated key is an error, not a value lost.
- ``--jobs 2`` gives ``--jobs 1``'s output for such lines too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrules import nodes, unparse
from perfrules.batch import jsonl_form
from perfrules.cli import main
from perfrules.errors import FormError
from perfrules.evaluate import eval_expr
from perfrules.forms import RawForm, read_form
from perfrules.numbers import number_problem
from perfrules.operations import in_engine_context
from perfrules.trace import render
from perfrules.values import EvalError, Value, fmt_number
from perfrules.wording import value_text

SPAN = nodes.Span.unknown()


# ---------------------------------------------------------------- explanations


@in_engine_context
def walked(expr: nodes.Expr, env: Mapping[str, Value], weight: Decimal | None = None,
           display: Mapping[str, str] | None = None, parent: int = 0) -> str:
    """The reference: the explanation hook over ``unparse.expr``, walked on every call."""
    shown = display or {}

    def again(e: nodes.Expr, p: int = 0) -> str:
        return walked(e, env, weight, shown, p)

    def hook(e: nodes.Expr, p: int) -> str | None:
        match e:
            case nodes.Str(value=value):
                return f"“{value}”"
            case nodes.BoolLit(value=value):
                return "是" if value else "否"
            case nodes.WeightRef():
                return fmt_number(weight) if weight is not None else "weight"
            case nodes.Ref(name=name):
                return value_text(env[name], shown.get(name)) if name in env else f"{name}(缺)"
            case nodes.InSet(operand=operand, options=options):
                text = f"{again(operand, 5)} ∈ {{{'，'.join(again(o) for o in options)}}}"
                return f"({text})" if 4 < p else text
            case nodes.Call(func="ratio", args=(b, a)):
                return f"ratio({again(b, 6)} ÷ {again(a, 7)})"
            case nodes.If(cond=cond, then=then, else_=else_):
                try:
                    taken = eval_expr(cond, env, weight)
                except (EvalError, ArithmeticError, TypeError):
                    text = f"若 {again(cond)} 则 {again(then)} 否则 {again(else_)}"
                    return f"({text})" if p > 0 else text
                branch = again(then if taken else else_, p)
                flag = cond.operand if isinstance(cond, nodes.Not) else cond
                if isinstance(flag, nodes.Ref) and isinstance(env.get(flag.name), bool):
                    return f"{flag.name}为{'是' if env[flag.name] else '否'} → {branch}"
                if isinstance(then if taken else else_, nodes.Num):
                    return f"({again(cond) if taken else '非 ' + again(cond, 3)} → {branch})"
                return branch
        return None

    return unparse.expr(expr, parent, hook, unparse.MATH)


NAMES = ["a", "b", "flag", "text", "list", "absent"]
NUMBERS = st.decimals(-1000, 1000, places=2, allow_nan=False, allow_infinity=False)


def _num(d: Decimal, percent: bool) -> nodes.Num:
    return nodes.Num(d / 100 if percent else d, f"{d}%" if percent else str(d), percent, SPAN)


LEAVES = st.one_of(
    st.builds(_num, NUMBERS, st.booleans()),
    st.text(max_size=3).map(lambda s: nodes.Str(s, SPAN)),
    st.booleans().map(lambda b: nodes.BoolLit(b, SPAN)),
    st.sampled_from(NAMES).map(lambda n: nodes.Ref(n, SPAN)),
    st.just(nodes.WeightRef(SPAN)),
)


def _compound(inner: st.SearchStrategy[nodes.Expr]) -> st.SearchStrategy[nodes.Expr]:
    return st.one_of(
        inner.map(lambda e: nodes.Neg(e, SPAN)),
        st.builds(lambda op, a, b: nodes.BinOp(op, a, b, SPAN), st.sampled_from("+-*/"), inner, inner),
        st.builds(lambda op, a, b: nodes.Compare(op, a, b, SPAN),
                  st.sampled_from([">=", "<=", "==", "!=", ">", "<"]), inner, inner),
        st.builds(lambda a, opts: nodes.InSet(a, tuple(opts), SPAN), inner, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda op, a, b: nodes.Logic(op, a, b, SPAN), st.sampled_from(["and", "or"]), inner, inner),
        inner.map(lambda e: nodes.Not(e, SPAN)),
        st.builds(lambda c, t, e: nodes.If(c, t, e, SPAN), inner, inner, inner),
        st.builds(lambda f, args: nodes.Call(f, tuple(args), SPAN),
                  st.sampled_from(["min", "max", "ratio", "clamp", "abs", "sum", "count"]),
                  st.lists(inner, min_size=1, max_size=3)),
    )


EXPRS = st.recursive(LEAVES, _compound, max_leaves=14)
ENVS = st.fixed_dictionaries({"a": NUMBERS, "b": NUMBERS, "flag": st.booleans(), "text": st.text(max_size=3),
                              "list": st.lists(NUMBERS, max_size=3).map(tuple)})


def _outcome(fn: Any, *args: Any) -> tuple[str, str]:
    try:
        return "text", fn(*args)
    except Exception as e:  # noqa: BLE001 - the same failure both ways (an operand of the wrong type, say)
        return "raised", type(e).__name__


@given(EXPRS, ENVS, st.none() | NUMBERS, st.dictionaries(st.sampled_from(NAMES), st.text(max_size=3), max_size=2),
       st.integers(0, 8))
def test_planned_words_are_the_walked_words(expr: nodes.Expr, env: dict[str, Value], weight: Decimal | None,
                                            display: dict[str, str], parent: int) -> None:
    want = _outcome(walked, expr, env, weight, display, parent)
    assert _outcome(render, expr, env, weight, display, parent) == want
    assert _outcome(render, expr, env, weight, display, parent) == want  # planned the second time round


def test_a_shared_subexpression_is_worded_in_each_place() -> None:
    share = nodes.BinOp("/", nodes.Ref("a", SPAN), nodes.Ref("b", SPAN), SPAN)
    expr = nodes.BinOp("*", share, nodes.BinOp("+", share, _num(Decimal(1), False), SPAN), SPAN)
    env = {"a": Decimal(3), "b": Decimal(4)}
    assert render(expr, env) == walked(expr, env) == "3 ÷ 4 × (3 ÷ 4 + 1)"


# ---------------------------------------------------------------- JSON Lines numbers

LINE = {"kind": "project", "jurisdiction": "全国", "year": 2024,
        "budget": {"adjusted": 960, "executed": 899.52},
        "facts": {"x": 1},
        "indicators": [{"goal": 1, "level2": "数量指标", "name": "r", "weight": 20, "target": "100",
                        "actual": "95"}]}
PLACES = {"cell": "$.indicators[0].actual", "fact": "$.facts.x", "amount": "$.budget.executed"}


def _line_with(number: str, place: str, space: str) -> bytes:
    marker = "__NUMBER__"
    doc = json.loads(json.dumps(LINE))
    if place == "cell":
        doc["indicators"][0]["actual"] = marker
    elif place == "fact":
        doc["facts"]["x"] = marker
    else:
        doc["budget"]["executed"] = marker
    text = json.dumps(doc, ensure_ascii=False).replace(f'"{marker}"', f"{space}{number}{space}")
    return text.encode("utf-8")


def _number_texts() -> st.SearchStrategy[str]:
    finite = st.decimals(allow_nan=False, allow_infinity=False)
    return st.one_of(
        st.integers().map(str),
        finite.map(str),  # 1E+400, 0E-7, -12.50 …
        finite.map(lambda d: format(d, "f")),
        st.sampled_from(["NaN", "Infinity", "-Infinity", "1e15", "1000000000000001", "0.000000000000001",
                         "0.0000000000000001", "123456789012345678901234.5", "12345678901234567890123.4"]),
    )


def _refused(text: str) -> bool:
    if text in ("NaN", "Infinity", "-Infinity"):
        return True
    value = Decimal(text)
    return number_problem(int(text) if value == value.to_integral_value() and "." not in text
                          and "e" not in text.lower() else value) is not None


@given(_number_texts(), st.sampled_from(sorted(PLACES)), st.sampled_from(["", " ", "\t", "  "]))
def test_a_json_lines_number_is_bounded_wherever_it_stands(number: str, place: str, space: str) -> None:
    source, raw = jsonl_form("f.jsonl", 7, _line_with(number, place, space))
    assert isinstance(raw, RawForm) and source == "f.jsonl:7"
    refused = _refused(number)
    if refused:
        assert not raw.bounded  # the fast path never lets it through unchecked
    try:
        read_form(raw)
        codes: list[str] = []
    except FormError as e:
        codes = [d.code for d in e.diagnostics if d.code == "number" and PLACES[place] in d.message]
    assert bool(codes) == refused


def test_a_repeated_key_in_a_json_lines_form_is_an_error() -> None:
    line = json.dumps(LINE, ensure_ascii=False).replace('"weight": 20', '"weight": 20, "weight": 30').encode()
    _, raw = jsonl_form("f.jsonl", 3, line)
    assert isinstance(raw, FormError)
    d = raw.diagnostics[0]
    assert (d.code, d.file, d.line, d.message) == ("json", "f.jsonl", 3, "第 3 行: 键 weight 重复出现")


def test_jobs_refuse_the_same_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [_line_with(n, place, " ").decode() for n in ("1e400", "NaN", "95", "1E-40", "7")
             for place in sorted(PLACES)] * 30
    path = tmp_path / "forms.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["score", str(path), "--ruleset", "national/project-2020", "--format", "jsonl"]
    one = (main([*args, "--jobs", "1"]), capsys.readouterr())
    two = (main([*args, "--jobs", "2"]), capsys.readouterr())
    assert one == two and one[0] == 2
    records = [json.loads(line) for line in one[1].out.splitlines()]
    assert len(records) == len(lines)
    assert [("error" in r) for r in records[:15]] == [True] * 6 + [False] * 3 + [True] * 3 + [False] * 3


def test_reading_a_dict_leaves_the_callers_data_as_it_was() -> None:
    """The fast check once wrote the schema's default (``goal: 1``) into the embedder's rows."""
    row = {"level2": "数量指标", "name": "r", "weight": 20, "target": "100", "actual": "95"}
    form = {"kind": "project", "jurisdiction": "全国", "year": 2024, "indicators": [row]}
    before = json.dumps(form, ensure_ascii=False)
    assert read_form(form).rows[0].goal == 1  # the default still holds when reading
    assert json.dumps(form, ensure_ascii=False) == before
