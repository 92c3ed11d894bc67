"""Batches: folders (recursive, every type), JSON Lines in and out, csv, exit status and the summary line."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from perfrules.cli import main
from tests.tables_build import HUANGSHI, example, huangshi_sheet, workbook_bytes

AREA = ["--jurisdiction", "湖北省/黄石市/铁山区"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    """a.yaml (clean), b/c.xlsx (table 1: errors), bad.xlsx (a zip of something else), forms.jsonl (3 lines)."""
    shutil.copy(HUANGSHI[4], tmp_path / "a.yaml")  # 05: scores with no error finding
    (tmp_path / "b").mkdir()
    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[0]))
    (tmp_path / "b" / "c.xlsx").write_bytes(workbook_bytes(wb))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("photo.txt", "not a workbook")
    (tmp_path / "bad.xlsx").write_bytes(buf.getvalue())
    good = json.loads(json.dumps(example(HUANGSHI[6]), default=str))
    lines = [json.dumps(good, ensure_ascii=False), "{not json", json.dumps({**good, "year": "二〇二二"}, ensure_ascii=False)]
    (tmp_path / "forms.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored: not a form type", encoding="utf-8")
    return tmp_path


def test_folder_jsonl_in_input_order(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", str(batch), "--format", "jsonl", *AREA], capsys)
    assert code == 2  # one unreadable form makes the batch 2
    records = [json.loads(line) for line in out.splitlines()]
    forms = [r["form"] for r in records]
    assert forms == [str(batch / "a.yaml"), str(batch / "b" / "c.xlsx"), str(batch / "bad.xlsx"),
                     f"{batch / 'forms.jsonl'}:1", f"{batch / 'forms.jsonl'}:2", f"{batch / 'forms.jsonl'}:3"]
    assert [("error" in r) for r in records] == [False, False, True, False, True, True]
    assert records[0]["total"] == "100" and records[1]["total"] == "97.96" and records[3]["total"] == "100"
    assert "zip 压缩包，但不是 .xlsx" in records[2]["error"][0]
    assert "第 2 行不是有效的 JSON" in records[4]["error"][0]
    assert "$.year" in records[5]["error"][0]
    assert err.rstrip().splitlines()[-1] == "6 forms: 2 scored, 1 with errors, 3 unreadable"


def test_csv_summary(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (batch / "bad.xlsx").unlink()
    (batch / "forms.jsonl").unlink()
    code, out, err = run(["score", str(batch), "--format", "csv", *AREA], capsys)
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["total"], r["grade"], r["declared_total"], r["difference"], r["errors"]) for r in rows] == [
        ("100", "优", "100", "0", "0"), ("97.96", "优", "94", "-3.96", "3")]
    assert err.strip() == "2 forms: 1 scored, 1 with errors, 0 unreadable"


def test_single_yaml_output_unchanged_and_no_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", str(HUANGSHI[4]), "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["total"] == "100"  # one object, not a list
    assert err == ""


def test_missing_jurisdiction_names_the_option(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", str(batch / "b" / "c.xlsx")], capsys)
    assert code == 2
    assert "--jurisdiction" in err and "Sheet!A1" in err


def test_ruleset_option_stands_in_for_the_area(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", str(batch / "b" / "c.xlsx"), "--ruleset", "hubei/huangshi/project-2022",
                        "--format", "json"], capsys)
    assert code == 1 and json.loads(out)["total"] == "97.96"


def test_empty_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", str(tmp_path)], capsys)
    assert code == 2 and "没有找到表单" in err


def test_progress_bar_only_on_a_terminal(batch: Path) -> None:
    from perfrules.batch import progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    items = iter([1, 2, 3])
    quiet = io.StringIO()
    assert list(progress(items, 50, quiet)) == [1, 2, 3] and quiet.getvalue() == ""  # type: ignore[arg-type]
    loud = Tty()
    assert list(progress(iter([1, 2]), 50, loud)) == [1, 2]  # type: ignore[arg-type]
    assert "计分" in loud.getvalue()
    short = Tty()
    assert list(progress(iter([1]), 3, short)) == [1] and short.getvalue() == ""  # type: ignore[arg-type]
    from perfrules.batch import PROGRESS_THRESHOLD, batch_size

    assert batch_size(["a.yaml", "b.xlsx"]) < PROGRESS_THRESHOLD <= batch_size(["forms.jsonl"])
