"""The guide's examples of the rubrics bureaus write (classes, 不适用, reasons, aggregation) do what it says."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

import perfrules

from .conftest import ROOT

GUIDE = (ROOT / "docs/authoring.zh.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```rules\n(ruleset [^`]*)```\s*```yaml\n([^`]*)```\s*结果：总分 ([\d.]+)", GUIDE)


def test_the_guide_has_its_examples() -> None:
    assert len(EXAMPLES) == 5


@pytest.mark.parametrize(("rules", "form", "total"), EXAMPLES)
def test_guide_example_scores_as_written(rules: str, form: str, total: str) -> None:
    rs = perfrules.ruleset_from_text(rules)
    result = rs.evaluate(yaml.safe_load(form))
    assert result.total == Decimal(total)
    assert rs.interpret(yaml.safe_load(form)).to_dict() == result.to_dict()


@pytest.mark.parametrize("doc", ["language.zh.md", "language.en.md", "authoring.zh.md"])
def test_feature_snippets_are_checked_rulesets(doc: str) -> None:
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    head = 'ruleset "t"\njurisdiction "演示省"\nyears 2024\nkind project\nfull 100\n'
    tail = 'section s "s" weight 100 {\n  rows\n}\n'
    checked = 0
    for block in re.findall(r"```rules\n(.*?)```", text, flags=re.DOTALL):
        if not any(word in block for word in ("when ", "inapplicable", "aggregate by", "reason")):
            continue
        body = block if block.startswith("ruleset") else head + block + ("" if "indicators" not in block else tail)
        if "indicators" not in body:
            body += 'indicators {\n  positive: 1\n  reverse: 1\n}\n' + tail
        perfrules.ruleset_from_text(body)  # parses, checks and proves, or raises
        checked += 1
    assert checked >= 4, doc


def test_docs_point_only_inside_the_repository() -> None:
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        assert "../" not in text and "/work/" not in text and "shared/spec" not in text, page.name
