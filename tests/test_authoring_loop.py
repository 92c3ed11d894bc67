"""The authoring loop never misleads (issue 10 §5): new-year's next steps, test on an empty folder, --help."""

from __future__ import annotations

import shlex
import shutil
from decimal import Decimal
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


def test_a_declared_score_within_tolerance_is_not_shown_as_wrong() -> None:
    import perfrules

    text = (RULESETS / "hubei/huangshi/2022/project.rules").read_text(encoding="utf-8")
    rs = perfrules.ruleset_from_text(text.replace("years 2022", "years 2022\ntolerance 0.5"))
    form = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
            "budget": {"adjusted": 100, "executed": 100, "declared_score": Decimal("19.5")},
            "indicators": [{"name": "人数", "weight": 70, "target": "100人", "actual": "100人", "declared_score": 69},
                           {"goal": 2, "name": "满意度", "weight": 10, "target": "100%", "actual": "100%"}],
            "declared_total": Decimal("99.5")}
    r = rs.evaluate(form)
    # 19.5 is within 0.5 of 20: accepted; 69 is 1 off 70: wrong; the total 99.5 of 100: accepted
    assert [(f.code, f.path) for f in r.findings] == [("declared-score-mismatch", "$.indicators[0].declared_score")]
    out = r.to_dict()
    assert out["items"][0]["declared_within_tolerance"] is True
    assert "declared_within_tolerance" not in out["items"][1]
    assert out["declared_total_within_tolerance"] is True
    report = r.explain()
    assert "19.5 ≈" in report and "69 ✗" in report


def test_diff_forms_separates_forms_that_stop_fitting(tmp_path: Path, capsys: Any) -> None:
    old = RULESETS / "hubei/huangshi/2022/project.rules"
    new = tmp_path / "new.rules"
    text = old.read_text(encoding="utf-8").replace('"hubei/huangshi/project-2022"', '"t/new-2022"')
    new.write_text(text.replace("weight 目标1 70", "weight 目标1 60").replace("weight 目标2 10", "weight 目标2 20"),
                   encoding="utf-8")
    form = RULESETS / "hubei/huangshi/2022/examples/07-daye-weituo.yaml"
    assert main(["diff", str(old), str(new), "--forms", str(form)]) == 0
    out = capsys.readouterr().out
    # the old ruleset gives 100; the new one clamps 目标1 to 60 and leaves 目标2 at 10 of 20: not a score change
    row = next(line for line in out.splitlines() if line.startswith("07-daye-weituo.yaml"))
    assert row.split()[1:] == ["100", "90", "不适合"]
    assert "1 张表单不再适合新规则" in out
    assert "weights-mismatch  $.indicators  年度绩效目标1 的指标分值之和为 70（40 + 10 + 10 + 10），应为 60" in out
