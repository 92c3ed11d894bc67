"""Golden outputs for tables: what `import` writes, how `score` prints a workbook form, how a broken
table's error reads. Review the files under tests/golden/ when they change (PERFRULES_UPDATE_GOLDEN=1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from perfrules.cli import main
from tests.conftest import golden
from tests.tables_build import HUANGSHI, example, huangshi_sheet, workbook_bytes


def _table1(tmp_path: Path, break_it: bool = False) -> Path:
    wb = Workbook()
    wb.active.title = "表1"
    huangshi_sheet(wb.active, example(HUANGSHI[0]), top=3, left=2)
    if break_it:
        wb.active["I11"] = "满分"
        wb.active["E8"] = "一百一十"
    path = tmp_path / "黄石-表1.xlsx"
    path.write_bytes(workbook_bytes(wb))
    return path


def _stable(text: str, tmp_path: Path) -> str:
    return text.replace(str(tmp_path) + "/", "")


def test_import_golden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _table1(tmp_path)
    assert main(["import", str(path), "--jurisdiction", "湖北省/黄石市/铁山区"]) == 0
    golden("import-huangshi-01.yaml", _stable(capsys.readouterr().out, tmp_path))


def test_score_workbook_golden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _table1(tmp_path)
    assert main(["score", str(path), "--jurisdiction", "湖北省/黄石市/铁山区"]) == 1
    golden("score-huangshi-01-xlsx.txt", _stable(capsys.readouterr().out, tmp_path))


def test_broken_workbook_message_golden(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _table1(tmp_path, break_it=True)
    assert main(["score", str(path), "--jurisdiction", "湖北省/黄石市/铁山区"]) == 2
    golden("score-broken-table.txt", _stable(capsys.readouterr().err, tmp_path))
