"""The ruleset header is read once (perfrules/header.py), by the checker and the registry alike."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfrules
from perfrules.errors import RulesetError
from perfrules.header import jurisdiction_parts
from perfrules.registry import Registry

BODY = '''years 2030
kind project
full 100
item a weight 100 { score min(budget.executed, 100) }
'''


def _write(folder: Path, jurisdiction: str) -> Path:
    path = folder / "mine.rules"
    path.write_text(f'ruleset "mine/2030"\njurisdiction "{jurisdiction}"\n' + BODY, encoding="utf-8")
    return path


@pytest.mark.parametrize("spelling", ["湖北省 / 黄石市", "湖北省／黄石市", " 湖北省/黄石市 ", "湖北省\u3000/\u3000黄石市"])
def test_odd_spellings_are_the_same_jurisdiction_for_checker_and_registry(tmp_path: Path, spelling: str) -> None:
    """main: "湖北省 / 黄石市" was read as ("湖北省 ", " 黄石市") by the registry and passed over."""
    path = _write(tmp_path, spelling)
    rs = perfrules.load_ruleset(str(path))
    assert rs.model.jurisdiction == ("湖北省", "黄石市")
    registry = Registry([tmp_path])
    assert registry.entry(str(path)).jurisdiction == rs.model.jurisdiction
    assert registry.find("project", ("湖北省", "黄石市"), 2030).path == str(path)


def test_an_empty_level_is_refused_with_its_place(tmp_path: Path) -> None:
    path = _write(tmp_path, "湖北省//黄石市")
    with pytest.raises(RulesetError) as exc:
        perfrules.load_ruleset(str(path))
    (d,) = [d for d in exc.value.diagnostics if d.code == "header"]
    assert (d.line, d.column) == (2, 1) and "空的一级" in d.message and "/" in (d.hint or "")


def test_jurisdiction_parts() -> None:
    assert jurisdiction_parts("全国") == ((), None)
    assert jurisdiction_parts("湖北省／黄石市／铁山区") == (("湖北省", "黄石市", "铁山区"), None)
    assert jurisdiction_parts("  ")[1] is not None
