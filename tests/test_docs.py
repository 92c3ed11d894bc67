"""The docs show only what works: every complete ruleset snippet in the language references parses."""

from __future__ import annotations

import re

import pytest

from perfrules.parser import parse_text

from .conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))


def _blocks(path: str) -> list[str]:
    text = (ROOT / "docs" / path).read_text(encoding="utf-8")
    return [b for b in re.findall(r"```\n(.*?)```", text, flags=re.S)
            if "…" not in b and "error[" not in b and not b.lstrip().startswith(("{", "$", "python", "import"))]


@pytest.mark.parametrize("doc", ["language.zh.md", "language.en.md", "authoring.zh.md"])
def test_ruleset_snippets_parse(doc: str) -> None:
    if not (ROOT / "docs" / doc).exists():
        pytest.skip(f"{doc} not written")
    blocks = _blocks(doc)
    assert blocks, doc
    for block in blocks:
        parse_text(block, f"{doc}")


def test_readme_commands_use_real_paths() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in re.findall(r"(rulesets/\S+\.(?:yaml|rules))", readme):
        assert (ROOT / path).exists(), path
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci in readme, "the README's test command must be exactly what .ci/run runs"
