"""Surrogates written as escapes (perfrules.surrogates): a pair is its character, a lone half an error.

A lone ``\\ud800`` read from JSON or YAML used to reach the output and stop a whole batch with an
internal error; now the form is refused at its place, and the batch scores the next one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from perfrules.surrogates import joined, lone_surrogate, may_hold_surrogates

from .conftest import ROOT

PEER = ROOT / "benchmarks" / "peer" / "peer.rules"
_ANY_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=()))


def test_a_pair_is_its_character_and_a_half_is_found() -> None:
    loaded = yaml.safe_load('b: "\\ud83d\\ude00"\nc: [1, "x\\udc00"]')
    assert loaded["b"] == "\ud83d\ude00"  # YAML leaves the two halves
    assert joined(loaded)["b"] == "😀"
    assert lone_surrogate(joined(loaded)) == ("$.c[1]", "\\udc00")
    assert lone_surrogate(json.loads('{"b": "\\ud83d\\ude00"}')) is None  # JSON joins the pair itself
    assert lone_surrogate({"t\udfff": 1}) == ("$.t\udfff", "\\udfff")  # a key too


@given(_ANY_TEXT)
def test_after_joining_a_text_with_no_half_left_can_be_written(text: str) -> None:
    value = joined({"k": [text]})
    if lone_surrogate(value) is None:
        value["k"][0].encode("utf-8")  # no surrogate left: UTF-8 holds it
    else:
        assert any(0xD800 <= ord(c) <= 0xDFFF for c in value["k"][0])


@given(_ANY_TEXT)
def test_a_text_that_writes_no_surrogate_is_not_walked(text: str) -> None:
    written = json.dumps({"k": text}, ensure_ascii=True)  # every surrogate written as an escape
    if not may_hold_surrogates(written):
        assert lone_surrogate(json.loads(written)) is None
    assert may_hold_surrogates(written.encode()) or not may_hold_surrogates(written)


def _form(title: str) -> dict[str, Any]:
    return {"kind": "project", "jurisdiction": "全国", "year": 2024, "title": title,
            "budget": {"adjusted": "100", "executed": "90"},
            "indicators": [{"goal": 1, "level2": "数量指标", "name": "a", "weight": 80, "target": "100", "actual": "90"}]}


def _score(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfrules.cli", "score", *args, "--ruleset", str(PEER)],
                          capture_output=True, text=True, encoding="utf-8", check=False)


_LONE = json.dumps(_form("x")).replace('"x"', '"\\ud800"')


def test_a_json_lines_batch_reports_the_line_and_scores_the_others(tmp_path: Path) -> None:
    lines = [json.dumps(_form("好\ud83d\ude00"), ensure_ascii=True), _LONE, json.dumps(_form("b"), ensure_ascii=False)]
    path = tmp_path / "forms.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for jobs in ("1", "2"):
        done = _score(str(path), "--format", "jsonl", "--jobs", jobs)
        assert done.returncode == 2, done.stderr  # one form unreadable
        out = [json.loads(x) for x in done.stdout.splitlines()]
        assert [o.get("title") for o in out] == ["好😀", None, "b"]  # the pair is its character
        assert out[1]["form"] == f"{path}:2" and "error" in out[1]
        column = lines[1].index("\\ud800") + 1
        assert f"{path}:2:{column}: error[surrogate]: 第 2 行: $.title: \\ud800 是单独的代理项" in done.stderr
        assert "内部错误" not in done.stderr


def test_a_json_file_and_a_yaml_file_are_refused_at_the_escape(tmp_path: Path) -> None:
    json_file = tmp_path / "form.json"
    json_file.write_text(_LONE, encoding="utf-8")
    yaml_file = tmp_path / "form.yaml"
    yaml_file.write_text('kind: project\njurisdiction: 全国\nyear: 2024\ntitle: "\\ud83d\\ude00"\n'
                         'budget: {adjusted: 100, executed: 90}\nindicators:\n'
                         '  - {goal: 1, level2: x, name: "a\\udc00", weight: 80, target: "100", actual: "90"}\n',
                         encoding="utf-8")
    done = _score(str(json_file))
    assert done.returncode == 2
    column = _LONE.index('"title"') + 1  # at its key, as every finding in a JSON file
    assert f"{json_file}:1:{column}: error[surrogate]: $.title: \\ud800" in done.stderr
    done = _score(str(yaml_file))
    assert done.returncode == 2
    assert f"{yaml_file}:7:26: error[surrogate]: $.indicators[0].name: \\udc00" in done.stderr
    assert '   7 |   - {goal: 1, level2: x, name: "a\\udc00"' in done.stderr  # the caret excerpt


def test_a_yaml_pair_is_read_as_its_character(tmp_path: Path) -> None:
    from perfrules.reading import parse_documents

    (doc,) = parse_documents('kind: project\ntitle: "\\ud83d\\ude00"\n', "pair.yaml")
    assert doc.data["title"] == "😀"
    (doc,) = parse_documents('{"title": "\\ud83d\\ude00"}', "pair.json", json_=True)
    assert doc.data["title"] == "😀"


def test_a_text_holding_the_code_point_itself_is_refused_without_an_excerpt() -> None:
    """A form text handed over as a string (the service's envelope) may hold the code point itself."""
    import pytest

    from perfrules.errors import FormError
    from perfrules.reading import parse_documents

    with pytest.raises(FormError) as caught:
        parse_documents('{"title": "a\ud800"}', "<request>", json_=True)
    rendered = caught.value.diagnostics[0].render()
    rendered.encode("utf-8")  # printable
    assert "$.title: \\ud800 是单独的代理项" in rendered
    with pytest.raises(FormError) as caught:  # YAML's reader refuses the character itself
        parse_documents('title: "a\ud800"\n', "<request>")
    rendered = caught.value.diagnostics[0].render()
    rendered.encode("utf-8")  # printable too
    assert "#xd800" in rendered


def test_ordinary_escapes_are_not_walked() -> None:
    """``json.dumps``'s default writes every Chinese character as ``\\uXXXX``: such a line is not walked."""
    line = json.dumps(_form("全国"), ensure_ascii=True)
    assert "\\u5168" in line and not may_hold_surrogates(line) and not may_hold_surrogates(line.encode())
    assert may_hold_surrogates(_LONE.encode()) and may_hold_surrogates(_LONE)
