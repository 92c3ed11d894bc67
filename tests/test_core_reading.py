"""Fast reading (issue 9, item 3): libyaml for YAML with PyYAML's words for errors; a JSON form's
lines found only when a finding needs one."""

from __future__ import annotations

import json
import pickle

import pytest
import yaml

from perfrules import reading
from perfrules.errors import FormError
from perfrules.forms import read_form

from .conftest import RULESETS

EXAMPLE = sorted(RULESETS.rglob("examples/*.yaml"))[0]


def _as_json() -> str:
    return json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False, indent=2)


def test_a_json_form_finds_its_lines_only_when_asked() -> None:
    text = _as_json()
    (raw,) = reading.parse_documents(text, "f.json", json_=True)
    assert isinstance(raw.lines, reading.LinesOnDemand) and not raw.lines._found
    read_form(raw)
    assert not raw.lines._found  # validating and converting a clean form asked for no line
    assert raw.lines.get("$.kind") == (2, 3) and raw.lines._found
    assert raw.lines == reading.json_lines(text, "f.json") and dict(raw.lines) == raw.lines
    assert pickle.loads(pickle.dumps(raw.lines)) == raw.lines


def test_a_finding_in_a_json_form_still_names_its_line() -> None:
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["facts"] = {"没有这个数据": 1}
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    from perfrules import Scorer

    result = Scorer().score(reading.parse_documents(text, "f.json", json_=True)[0])
    (unknown,) = [f for f in result.findings if f.code == "unknown-fact"]
    assert unknown.line == text.splitlines().index('    "没有这个数据": 1') + 1


@pytest.mark.parametrize("text", [
    "kind: project\nyear: [2022\n",            # an unclosed list
    "kind: project\n  year: 2022\n",            # bad indentation
    "a: &x 1\nb: *x\n",                          # an alias (refused by perfrules itself)
    "kind: project\nkind: department\n",        # a duplicate key (refused by perfrules itself)
    "kind: \"unterminated\n",
])
def test_yaml_errors_are_word_for_word_those_of_pyyaml(text: str) -> None:
    with pytest.raises(FormError) as fast:
        reading.parse_documents(text, "f.yaml")
    with pytest.raises(FormError) as slow:
        reading._yaml_documents(text, "f.yaml", yaml.SafeLoader)
    assert fast.value.render() == slow.value.render()


def test_libyaml_reads_the_bundled_forms_as_pyyaml_does() -> None:
    for path in sorted(RULESETS.rglob("examples/*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = reading.parse_documents(text, str(path))
        slow = reading._yaml_documents(text, str(path), yaml.SafeLoader)
        assert [(d.data, d.lines) for d in fast] == [(d.data, d.lines) for d in slow if d.data is not None]
