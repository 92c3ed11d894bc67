"""`perfrules test`: ruleset test files, --update, JUnit XML, rubric coverage."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from perfrules.cli import main

from .conftest import RULESETS

EX = RULESETS / "hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_bundled_rulesets_pass_with_full_coverage(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["test", str(RULESETS), "--coverage", "--fail-under", "100"], capsys)
    assert code == 0, out
    last = out.strip().splitlines()[-1]
    assert last.endswith(" passed, 0 failed")
    assert int(last.split()[0]) >= 26
    assert out.count("规则覆盖率 100.00%") == len(list(RULESETS.rglob("*.rules")))


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "x.test.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_a_failing_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, f"cases:\n  - name: 表2\n    form: {EX}\n    expect: {{total: 90, grade: 良}}\n")
    code, out, _ = run(["test", str(tmp_path)], capsys)
    assert code == 1
    assert "总分: 期望 90，实际 91.64" in out and "等次: 期望 良，实际 优" in out
    assert out.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_update_rewrites_expectations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = write(tmp_path, f"# 说明保留\ncases:\n  - name: 表2\n    form: {EX}\n    expect: {{total: 90, items: {{预算执行: 1}}}}\n")
    code, out, _ = run(["test", str(p), "--update"], capsys)
    assert code == 0 and "已更新" in out
    text = p.read_text(encoding="utf-8")
    assert text.startswith("# 说明保留") and "total: 91.64" in text and "预算执行: 13.5" in text
    assert "declared-total-mismatch $.declared_total" in text
    code, out, _ = run(["test", str(p)], capsys)
    assert code == 0 and out.strip().splitlines()[-1] == "1 passed, 0 failed"


def test_tolerance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, f"tolerance: 0.5\ncases:\n  - name: 表2\n    form: {EX}\n    expect: {{total: 92}}\n")
    assert run(["test", str(tmp_path)], capsys)[0] == 0
    write(tmp_path, f"tolerance: 0.1\ncases:\n  - name: 表2\n    form: {EX}\n    expect: {{total: 92}}\n")
    assert run(["test", str(tmp_path)], capsys)[0] == 1


def test_unknown_item_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, f"cases:\n  - name: 表2\n    form: {EX}\n    expect:\n      items: {{预算执型: 13.5}}\n")
    code, _, err = run(["test", str(tmp_path)], capsys)
    assert code == 2 and "x.test.yaml:5:" in err and "预算执型" in err and "预算执行" in err


@pytest.mark.parametrize("body, fragment, line", [
    ("cases:\n  - name: a\n    expect: {total: 1}\n", "form", 2),
    ("casess:\n  - name: a\n", "是不是 cases", 1),
    ("cases:\n  - name: a\n    form: nowhere.yaml\n    expect: {total: 1}\n", "找不到表单文件", 3),
    ("cases:\n  - name: a\n    form: x.yaml\n    expect: {totl: 1}\n", "是不是 total", 4),
    ("cases: [\n", "YAML", 2),
])
def test_malformed_test_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, fragment: str,
                              line: int) -> None:
    (tmp_path / "x.yaml").write_text(EX.read_text(encoding="utf-8"), encoding="utf-8")
    write(tmp_path, body)
    code, _, err = run(["test", str(tmp_path)], capsys)
    assert code == 2 and fragment in err and f"x.test.yaml:{line}:" in err


def test_junit_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, f"cases:\n  - name: 好\n    form: {EX}\n    expect: {{total: 91.64}}\n"
                    f"  - name: 坏\n    form: {EX}\n    expect: {{total: 1}}\n")
    report = tmp_path / "junit.xml"
    run(["test", str(tmp_path), "--junit", str(report)], capsys)
    suite = ET.parse(report).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    assert [c.get("name") for c in suite] == ["好", "坏"] and suite[1].find("failure") is not None


def test_fail_under_is_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, f"ruleset: hubei/huangshi/project-2022\ncases:\n  - name: 表2\n    form: {EX}\n"
                    "    expect: {total: 91.64}\n")
    code, out, _ = run(["test", str(tmp_path), "--fail-under", "55.56"], capsys)
    assert code == 0 and "55.56%" in out  # 5 of 9 cells
    code, out, _ = run(["test", str(tmp_path), "--fail-under", "55.57"], capsys)
    assert code == 1 and "覆盖率不足" in out
