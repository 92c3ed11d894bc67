"""Issue 9, the output side: every speed-up of ``perfrules score``'s output leaves it byte for byte.

The golden files were written by the code before the output was made faster (commit b2996b6):
every bundled example scored as JSON Lines, as text and explained, and six generated forms of
every bundled ruleset (``tests/data/generated-forms.jsonl``: ``perfrules.testing.forms`` with a
fixed seed, each naming its ruleset) as JSON Lines — in one process and on two.  Review them
when they change (PERFRULES_UPDATE_GOLDEN=1): only a deliberate change of wording may change them.
The fast paths of :func:`perfrules.values.fmt_number` and :func:`fmt_score` are held to the plain
formulas on generated decimals, and orjson's lines (:func:`perfrules.output.line_bytes`) to the json
module's on generated records.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrules import output
from perfrules.cli import main
from perfrules.output import dumps_line, line_bytes
from perfrules.registry import bundled_dir
from perfrules.values import CONTEXT, fmt_number, fmt_score, quantizer

from .conftest import ROOT, golden

GENERATED = "tests/data/generated-forms.jsonl"


def _examples() -> list[str]:
    return [str(f.relative_to(ROOT)) for f in sorted(bundled_dir().rglob("examples/*"))
            if f.suffix in (".yaml", ".yml", ".json")]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out, _ = capsys.readouterr()
    return code, out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_generated_forms_as_json_lines(jobs: str, repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["score", GENERATED, "--format", "jsonl", "--jobs", jobs], capsys)
    assert code == 1 and out.count("\n") == 84  # scored, some with error findings; one line a form
    golden("score-generated-forms.jsonl", out)


@pytest.mark.parametrize(("command", "fmt", "name"), [("score", "jsonl", "score-examples.jsonl"),
                                                      ("score", "text", "score-examples.txt"),
                                                      ("explain", "text", "explain-examples.txt")])
def test_bundled_examples(command: str, fmt: str, name: str, repo_root: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    examples = _examples()
    assert len(examples) >= 20
    code, out = _run([command, *examples, "--format", fmt], capsys)
    assert code == 1
    golden(name, out)


def _plain_number(x: Decimal) -> str:
    """fmt_number as it was written before its fast path."""
    if x:
        return format(x.normalize(CONTEXT), "f") if x.is_finite() else str(x)
    return "0"


def _plain_score(x: Decimal, places: int) -> str:
    return _plain_number(x.quantize(quantizer(places), context=CONTEXT)) if x.is_finite() else str(x)


DECIMALS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(-10**6, 10**6, places=8),
    st.builds(lambda d, e: d.scaleb(e), st.decimals(-10**4, 10**4, places=3, allow_nan=False,
                                                     allow_infinity=False), st.integers(-40, 40)),
    st.sampled_from([Decimal(t) for t in ("0", "-0", "0.000", "-0.00", "1E+1", "100", "4.000000", "0.0010",
                                          "-0.0049", "99999999999999999.5", "12345678901234567890.123",
                                          "1E-7", "sNaN", "-NaN", "-Infinity")]),
)


@given(DECIMALS)
def test_fmt_number_is_the_plain_formula(x: Decimal) -> None:
    assert fmt_number(x) == _plain_number(x)


@given(DECIMALS, st.integers(0, 12))
def test_fmt_score_is_the_plain_formula(x: Decimal, places: int) -> None:
    assert fmt_score(x, places) == _plain_score(x, places)


# ---------------------------------------------------------------- orjson, where installed

_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # no lone surrogates
_LEAVES = st.one_of(_TEXT, st.booleans(), st.none(), st.integers(-(2**63), 2**64 - 1))
_RECORDS = st.recursive(_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_TEXT, inner, max_size=4)), max_leaves=20)


@given(_RECORDS)
def test_a_line_is_the_json_modules_bytes(record: object) -> None:
    assert line_bytes(record) == (dumps_line(record) + "\n").encode("utf-8")


@pytest.mark.parametrize("record", [{"a": "\ud800"}, [2**64], {1: "a"}, {"a": 1.5}, [[[[[]]]]] * 3])
def test_what_orjson_refuses_goes_the_json_modules_way(record: object) -> None:
    try:
        want: object = (dumps_line(record) + "\n").encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError) as e:
        with pytest.raises(type(e)):
            line_bytes(record)
        return
    assert line_bytes(record) == want


def test_orjson_is_installed_with_perfrules() -> None:
    assert vars(output)["_orjson"] is not None  # a dependency: the fast path is the one measured


def test_a_text_stream_without_bytes_under_it_gets_the_same_lines(repo_root: Path) -> None:
    from perfrules.batch import run_score, scorer_and_defaults

    scorer, defaults = scorer_and_defaults(None, [])
    out, err = io.StringIO(), io.StringIO()
    assert run_score(scorer, [GENERATED], defaults, "jsonl", False, out, err) == 1
    golden("score-generated-forms.jsonl", out.getvalue())


def test_without_orjson_the_json_module_writes_the_lines(monkeypatch: pytest.MonkeyPatch, repo_root: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(output, "_orjson", None)
    code, out = _run(["score", GENERATED, "--format", "jsonl", "--jobs", "1"], capsys)
    assert code == 1
    golden("score-generated-forms.jsonl", out)
