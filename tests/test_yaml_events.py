"""A JSON form's values come from ``json.loads``; the lines of its fields come from a YAML parse that
uses libyaml when PyYAML has it (PyYAML's own parser where libyaml fails).  The lines must be
exactly those PyYAML's own parser finds."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from perfrules import reading as forms  # stage 1 of reading forms
from perfrules.errors import FormError

from .conftest import RULESETS

EXAMPLES = sorted(RULESETS.rglob("examples/*.yaml"))


def lines_both_ways(text: str) -> tuple[Any, Any]:
    """(libyaml's lines, PyYAML's lines); where PyYAML cannot read the text (raw control characters,
    which JSON allows) a JSON form has no lines today, so any answer of libyaml's is an improvement."""
    try:
        slow = [d.lines for d in forms._yaml_documents(text, "f.json", yaml.SafeLoader)]
    except FormError:
        return None, None
    return [forms.json_lines(text, "f.json")], slow


def test_libyaml_is_used_here() -> None:
    assert forms._JSON_LINES_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("indent", [None, 2])
def test_bundled_examples_as_json_have_the_same_lines(path: Any, indent: int | None) -> None:
    text = json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), ensure_ascii=False, indent=indent)
    fast, slow = lines_both_ways(text)
    assert fast == slow and fast[0]
    assert forms.parse_documents(text, "f.json", json_=True)[0].lines == slow[0]


# U+FEFF inside a string: PyYAML's pure-Python reader does not count it as a column (libyaml does,
# and is right), so the two parsers' columns differ after it; not a case of ours to hold equal.
_TEXT = st.text(alphabet=st.characters(blacklist_characters="\ufeff"), max_size=8)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**9, 10**9) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT.map(lambda t: t[:6]), inner, max_size=4),
    max_leaves=20)


@given(JSON_VALUES, st.sampled_from([None, 0, 1, 2]), st.booleans())
def test_any_json_has_the_same_lines(value: Any, indent: int | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    fast, slow = lines_both_ways(text)
    assert fast == slow
