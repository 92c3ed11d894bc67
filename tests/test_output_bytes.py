"""Issue 9, the output side: every speed-up of ``perfrules score``'s output leaves it byte for byte.

The golden files were written by the code before the output was made faster (commit b2996b6):
every bundled example scored as JSON Lines, as text and explained, and six generated forms of
every bundled ruleset (``tests/data/generated-forms.jsonl``: ``perfrules.testing.forms`` with a
fixed seed, each naming its ruleset) as JSON Lines — in one process and on two.  Review them
when they change (PERFRULES_UPDATE_GOLDEN=1): only a deliberate change of wording may change them.
The fast paths of :func:`perfrules.values.fmt_number` and :func:`fmt_score` are held to the plain
formulas on generated decimals.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrules.cli import main
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
