"""`perfrules fmt`: canonical, idempotent, meaning-preserving, comments kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from perfrules.cli import main
from perfrules.formatter import format_text
from perfrules.parser import parse_text
from perfrules.testing import rulesets

from .conftest import RULESETS

BUNDLED = sorted(RULESETS.rglob("*.rules"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(RULESETS)))
def test_bundled_rulesets_round_trip(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    out = format_text(text, str(path))
    assert parse_text(out).decls == parse_text(text).decls
    assert [c.text for c in parse_text(out).comments] == [c.text for c in parse_text(text).comments]
    assert out == text, "bundled rulesets are kept formatted (perfrules fmt rulesets)"


@given(rulesets())
@settings(max_examples=100)
def test_generated_rulesets_round_trip(text: str) -> None:
    out = format_text(text)
    assert parse_text(out).decls == parse_text(text).decls
    assert format_text(out) == out  # idempotent


MESSY = '''# 头部注释

ruleset   "t/x"      # 行尾注释
jurisdiction "湖北省"
years 2022
kind project
full 100
grades { "优" >= 90 "差" otherwise }   # 等次
fact n count   "次数"
item a "甲" weight 60 {
  # 里面的注释
  deduct 1 per n limit 10
}
item b weight 40 { score weight × ratio(budget.executed, budget.adjusted) }
'''


def test_messy_input_is_canonicalised_with_comments() -> None:
    out = format_text(MESSY)
    assert out.startswith("# 头部注释\n\nruleset \"t/x\"  # 行尾注释\n")
    assert "  # 里面的注释\n  deduct 1 per n limit 10\n" in out
    assert 'fact n count "次数"' in out
    assert "score weight * ratio(budget.executed, budget.adjusted)" in out
    assert 'grades {  # 等次\n  "优" >= 90\n  "差" otherwise\n}' in out
    assert format_text(out) == out


def test_cli_check_diff_and_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "x.rules"
    p.write_text(MESSY, encoding="utf-8")
    assert main(["fmt", "--check", str(p)]) == 1
    assert "需要格式化" in capsys.readouterr().out
    assert main(["fmt", "--diff", str(p)]) == 1
    assert "+ruleset \"t/x\"" in capsys.readouterr().out
    assert p.read_text(encoding="utf-8") == MESSY  # --check and --diff write nothing
    assert main(["fmt", str(p)]) == 0
    assert main(["fmt", "--check", str(p)]) == 0
    assert main(["fmt", "--check", str(RULESETS)]) == 0


def test_fmt_refuses_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.rules"
    p.write_text("item a weight {", encoding="utf-8")
    assert main(["fmt", str(p)]) == 2
    assert "bad.rules:1:" in capsys.readouterr().err
    assert p.read_text(encoding="utf-8") == "item a weight {"
