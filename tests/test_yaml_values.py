"""A YAML form read the fast way (reading._yaml_values: values at once, lines replayed from the
parse's marks when first asked) reads as the full reader reads it: the same documents, the same
values, the same lines, and — for any text it does not take — the same errors, word for word."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import reading
from perfrules.errors import FormError
from perfrules.reading import LinesOnDemand, parse_documents
from perfrules.testing import forms

ROOT = Path(__file__).resolve().parent.parent
_HS = perfrules.load_ruleset("hubei/huangshi/project-2022")


def _read(text: str) -> Any:
    """What parse_documents makes of `text`: each document's value and lines, or the error."""
    try:
        return [(d.data, dict(d.lines.items()), d.source, d.text) for d in parse_documents(text, "f.yaml")]
    except FormError as e:
        return [(d.code, d.message, d.line, d.column, d.hint) for d in e.diagnostics]


def _full(text: str) -> Any:
    with mock.patch.object(reading, "_yaml_values", lambda text, loader: None):
        return _read(text)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10 ** 17), 10 ** 17), st.text(max_size=6),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["1e400", "0123", "2022-12-31", "no", "~", "1E-16", "-0.0", "&a x", "*a", "! x", "!!str 5",
                     "? x", "[1, 2]", "{a: 1}", "'q'", '"d"', "a: b", "- x", "|", ">", "#c"]),
)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=4), inner, max_size=3), max_leaves=10)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """YAML texts: forms and odd values dumped in block or flow style, one or more documents, with
    lines that an editor might have added (anchors, aliases, repeated keys, tags, broken syntax)."""
    docs = draw(st.lists(st.one_of(forms(_HS), _VALUES), min_size=1, max_size=2))
    flow = draw(st.sampled_from([False, None, True]))
    text = "---\n".join(yaml.safe_dump(json.loads(json.dumps(d, default=str)), allow_unicode=True,
                                       default_flow_style=flow) for d in docs)
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from([
            "x: &a 1", "y: *a", "kind: again", "? [1]", ": 2", "z: !!python/object 1", "- 1", "  bad: [",
            "w: 1e400", "v: 12345678901234567890123456", "---", "...", "u: 'x", "t: 2022-12-31", "  - 1"])))
    return "\n".join(lines)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(_texts())
@example("a: 1\nb: [1, {c: 2, d: [3, 4]}]\ne:\n  - f: 5\n    g: 6\n  - [7, 8]\n")
@example("- 1\n- [2, 3]\n- {a: 4}\n")
@example("5\n")
@example("---\n---\na: 1\n")
@example("a: &x 1\n")
@example("a: 1\na: 2\n")
def test_a_yaml_text_reads_as_the_full_reader_reads_it(text: str) -> None:
    assert _read(text) == _full(text)


def test_every_yaml_form_of_the_repository_reads_the_same_either_way() -> None:
    paths = [p for top in ("rulesets", "tests") for p in sorted((ROOT / top).rglob("*.yaml"))]
    assert len(paths) >= 20
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert _read(text) == _full(text), path


def test_the_fast_way_is_taken_and_its_lines_wait() -> None:
    text = "kind: project\njurisdiction: 湖北省\nyear: 2022\nbudget:\n  adjusted: 100.5\n"
    with mock.patch.object(reading, "_yaml_documents", side_effect=AssertionError("the full reader ran")):
        (raw,) = parse_documents(text, "f.yaml")
    assert raw.data["budget"]["adjusted"] == Decimal("100.5")
    assert isinstance(raw.lines, LinesOnDemand) and not raw.lines._found
    assert raw.lines.get("$.budget.adjusted") == (5, 3) and raw.lines["$"] == (1, 1)
