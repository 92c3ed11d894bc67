"""The command line: exit statuses, outputs (golden), --help everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfrules.cli import build_parser, main

from .conftest import RULESETS, golden

EX = "rulesets/hubei/huangshi/2022/examples"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_score_text_golden(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", f"{EX}/02-kaifaqu-peitao.yaml"], capsys)
    assert code == 1
    golden("score-huangshi-02.txt", out)


def test_score_json_golden(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", f"{EX}/03-jinshan-wangren-peitao.yaml", "--format", "json"], capsys)
    assert code == 1
    doc = json.loads(out)
    for key in ("ruleset", "total", "max", "grade", "items", "sections", "findings", "receipt"):
        assert key in doc
    golden("score-huangshi-03.json", out)


def test_explain_golden(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", f"{EX}/01-tieshan-peitao.yaml"], capsys)
    assert code == 1 and "计分过程" in out and "判定" in out
    golden("explain-huangshi-01.txt", out)


def test_clean_form_exits_zero(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", f"{EX}/05-zhengshou-jingfei.yaml"], capsys)
    assert code == 0 and "未发现问题" in out


def test_all_eight_examples(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p.relative_to(repo_root)) for p in (RULESETS / "hubei/huangshi/2022/examples").glob("*.yaml"))
    code, out, _ = run(["score", *files, "--format", "json"], capsys)
    docs = json.loads(out)
    assert [d["total"] for d in docs] == ["97.96", "91.64", "96.02", "98.17", "100", "100", "100", "100"]
    assert code == 1


def test_check_proves_the_bundled_ruleset(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "rulesets/hubei/huangshi/2022/project.rules"], capsys)
    assert code == 0 and "已证明" in out


def test_check_reports_a_bad_ruleset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "bad.rules"
    p.write_text('ruleset "x"\njurisdiction "湖北省"\nyears 2022\nkind project\nfull 100\n'
                 'item a weight 100 { score 100 * budget.executed }\n', encoding="utf-8")
    code, _, err = run(["check", str(p)], capsys)
    assert code == 2 and "bad.rules:6:" in err and "error[bound]" in err


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", "no-such-form.yaml"], capsys)
    assert code == 2 and "no-such-form.yaml" in err
    code, _, err = run(["check", "no-such.rules"], capsys)
    assert code == 2 and "no-such.rules" in err


def test_no_ruleset_for_the_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a year before every ruleset: scored under the nearest later year's, with a visible warning
    p = tmp_path / "f.yaml"
    p.write_text("kind: project\njurisdiction: 湖北省/黄石市/铁山区\nyear: 1999\n", encoding="utf-8")
    code, out, _ = run(["score", str(p)], capsys)
    assert code == 1 and "ruleset-year-fallback" in out and "1999" in out and "hubei/project-2020" in out
    # a year after the only ruleset of its kind: refused, with the nearest candidates
    p.write_text("kind: review\njurisdiction: 湖南省/岳阳市/岳阳楼区\nyear: 2030\n", encoding="utf-8")
    code, _, err = run(["score", str(p)], capsys)
    assert code == 2 and "2030" in err and "hunan/yueyang/yueyanglou/review-2023" in err


def test_explicit_ruleset_by_id(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", f"{EX}/06-jiuzhu-jingfei.yaml", "--ruleset", "hubei/huangshi/project-2022"], capsys)
    assert code in (0, 1) and "总分 100" in out


def test_rulesets_lists_bundled(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rulesets", "--format", "json"], capsys)
    assert code == 0
    assert "hubei/huangshi/project-2022" in [e["id"] for e in json.loads(out)]


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in [None, *sub.choices]:  # type: ignore[union-attr]
        with pytest.raises(SystemExit) as exc:
            main(["--help"] if name is None else [name, "--help"])
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert "usage: perfrules" in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out
