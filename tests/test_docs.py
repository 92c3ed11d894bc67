"""The docs show only what works: every complete ruleset snippet in the language references parses."""

from __future__ import annotations

import re

import pytest

from perfrules.parser import parse_text

from .conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))


def _blocks(path: str) -> list[str]:
    """The blocks fenced as ```rules: ruleset code (commands and outputs are fenced otherwise)."""
    text = (ROOT / "docs" / path).read_text(encoding="utf-8")
    return re.findall(r"```rules\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("doc, at_least", [("language.zh.md", 7), ("language.en.md", 8), ("authoring.zh.md", 7)])
def test_ruleset_snippets_parse(doc: str, at_least: int) -> None:
    blocks = _blocks(doc)
    assert len(blocks) >= at_least, doc
    for block in blocks:
        parse_text(block, f"{doc}")


def test_readme_commands_use_real_paths() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in re.findall(r"(rulesets/\S+\.(?:yaml|rules))", readme):
        assert (ROOT / path).exists(), path
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in readme, "the README's test command must be exactly what .ci/run runs"
