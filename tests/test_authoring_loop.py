"""The authoring loop never misleads (issue 10 §5): new-year's next steps, test on an empty folder, --help."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from perfrules.cli import build_parser, main

from .conftest import RULESETS


def test_new_year_next_steps_work_as_printed(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    # a county's own ruleset, not bundled: its id is found only beside it, in the sibling year folder
    folder = tmp_path / "mycounty"
    shutil.copytree(RULESETS / "hubei/huangshi/2022", folder / "2022")
    rules = folder / "2022/project.rules"
    rules.write_text(rules.read_text(encoding="utf-8").replace('"hubei/huangshi/project-2022"',
                                                               '"hubei/huangshi/mycounty/project-2022"'),
                     encoding="utf-8")
    (folder / "2022/project.test.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    assert main(["new-year", "mycounty/2022/project.rules", "2023"]) == 0
    out = capsys.readouterr().out
    step = next(line for line in out.splitlines() if line.startswith("下一步"))
    commands = [c.strip() for c in step.split("运行", 1)[1].split(" 和 ")]
    assert [c.split()[:2] for c in commands] == [["perfrules", "check"], ["perfrules", "diff"]]
    for command in commands:
        assert main(shlex.split(command)[1:]) == 0, command
    shown = capsys.readouterr().out
    assert "通过 ✓  hubei/huangshi/mycounty/project-2023" in shown
    assert "适用年度：2022 → 2023" in shown


def test_extends_is_found_through_path_too(tmp_path: Path, capsys: Any) -> None:
    parent = tmp_path / "lib"
    parent.mkdir()
    text = (RULESETS / "hubei/huangshi/2022/project.rules").read_text(encoding="utf-8")
    (parent / "base.rules").write_text(text.replace('"hubei/huangshi/project-2022"', '"lib/base-2022"'),
                                       encoding="utf-8")
    child = tmp_path / "elsewhere/child.rules"
    child.parent.mkdir()
    child.write_text('ruleset "lib/child-2023"\nextends "lib/base-2022"\nyears 2023\n', encoding="utf-8")
    assert main(["check", str(child), "--path", str(parent)]) == 0
    assert main(["check", str(child)]) == 2
    assert "extends 的上级规则 lib/base-2022 不存在" in capsys.readouterr().err


def test_test_on_a_folder_without_test_files_says_so(tmp_path: Path, capsys: Any) -> None:
    assert main(["test", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "中没有找到测试用例（*.test.yaml）；没有运行任何测试" in captured.err
    assert captured.out.strip() == "0 passed, 0 failed"


def _subcommands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_help_states_its_own_exit_codes(command: str) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    text = sub.choices[command].format_help()  # type: ignore[index]
    assert "退出状态 (exit status):" in text and "  0 " in text, command
