"""Broken tables and files: each gets a message naming the sheet and cell (or the file), exit 2, and the
other forms of the batch are still scored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from perfrules.cli import main
from perfrules.tables import ReadDefaults, TableError, read_tables
from tests.tables_build import HUANGSHI, YUEYANGLOU, example, huangshi_sheet, national_project_sheet, workbook_bytes

HS = ReadDefaults(jurisdiction="湖北省/黄石市/铁山区")
PROJECT = YUEYANGLOU / "project-2023-yibao-zhuanxiang.yaml"


def _error(data: bytes, name: str, defaults: ReadDefaults = HS) -> str:
    items = read_tables(data, name, defaults=defaults)
    errors = [it for it in items if isinstance(it, TableError)]
    assert errors, "expected an error"
    return errors[0].error.render()


def _huangshi() -> Workbook:
    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[1]))
    return wb


def test_number_column_holding_words() -> None:
    wb = _huangshi()
    wb.active["H9"] = "满分"  # 得分 of the second indicator row
    text = _error(workbook_bytes(wb), "t.xlsx")
    assert text.startswith("t.xlsx:Sheet!H9: error[table]:") and "得分应为数字" in text and "满分" in text


def test_weight_column_holding_words() -> None:
    wb = Workbook()
    national_project_sheet(wb.active, example(PROJECT))
    wb.active["G13"] = "十分"
    text = _error(workbook_bytes(wb), "p.xlsx", ReadDefaults(jurisdiction="湖南省/岳阳市/岳阳楼区"))
    assert "p.xlsx:Sheet!G13" in text and "分值应为数字" in text


def test_missing_indicator_header() -> None:
    wb = _huangshi()
    wb.active["D7"] = "指标名称"  # was 三级指标
    text = _error(workbook_bytes(wb), "t.xlsx")
    assert "没有找到绩效自评表" in text and "三级指标" in text and "Sheet" in text


def test_budget_header_missing() -> None:
    wb = _huangshi()
    for ref in ("E5", "F5"):
        wb.active[ref] = None  # no 预算数 / 执行数 header above 年度财政资金总额
    text = _error(workbook_bytes(wb), "t.xlsx")
    assert "Sheet!C6" in text and "资金表的表头" in text


def test_weights_cannot_be_derived() -> None:
    wb = _huangshi()
    wb.active["H8"] = 9  # 参保人数 declared 9: smallest weights add to 10 + 5×10 = 60, not 70
    text = _error(workbook_bytes(wb), "t.xlsx")
    assert "t.xlsx:Sheet!A7" in text and "合计 60 分，与该目标的 70 分不符" in text and "加一列“分值”" in text


def test_row_without_a_name() -> None:
    wb = _huangshi()
    wb.active["D9"] = None
    wb.active.unmerge_cells("D9:E9")
    text = _error(workbook_bytes(wb), "t.xlsx")
    assert "没有三级指标名称" in text and "Sheet!D9" in text


def test_zip_of_something_else() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.csv", "1,2")
    assert "不是 .xlsx 文件" in _error(buf.getvalue(), "x.xlsx")


def test_password_protected_and_corrupt() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600  # an encrypted .xlsx is an OLE container
    assert "打开密码" in _error(ole, "secret.xlsx")
    good = workbook_bytes(_huangshi())
    assert "损坏" in _error(good[: len(good) // 2], "cut.xlsx")
    assert "不是有效的 .xlsx" in _error(b"hello", "h.xlsx")
    assert "损坏" in _error(b"\xd0\xcf\x11\xe0" + b"junk" * 100, "old.xls") or "无法读取" in _error(
        b"\xd0\xcf\x11\xe0" + b"junk" * 100, "old.xls")
    assert "不支持的文件类型" in _error(b"x", "form.ods")


def test_really_password_protected_workbook() -> None:
    """A workbook encrypted with an open password (as Excel writes it: an OLE container), via msoffcrypto."""
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = io.BytesIO(workbook_bytes(_huangshi()))
    locked = io.BytesIO()
    ooxml.OOXMLFile(plain).encrypt("123456", locked)
    text = _error(locked.getvalue(), "加密.xlsx")
    assert text.startswith("加密.xlsx: error[table-file]:") and "打开密码" in text and "去掉打开密码" in text


def test_docx_that_is_not_a_document() -> None:
    assert "不是 .docx 文件" in _error(workbook_bytes(_huangshi()), "t.docx")


def test_batch_reports_each_broken_one_and_scores_the_rest(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "1-good.xlsx").write_bytes(workbook_bytes(_huangshi()))
    wb = _huangshi()
    wb.active["H9"] = "满分"
    (tmp_path / "2-words.xlsx").write_bytes(workbook_bytes(wb))
    (tmp_path / "3-secret.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (tmp_path / "4-good.yaml").write_text(HUANGSHI[4].read_text(encoding="utf-8"), encoding="utf-8")
    code = main(["score", str(tmp_path), "--jurisdiction", "湖北省/黄石市/铁山区"])
    out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in out + err
    assert out.count("\n  总分 ") == 2  # both good forms scored
    assert "2-words.xlsx:Sheet!H9" in err and "3-secret.xlsx" in err
    assert err.rstrip().splitlines()[-1] == "4 forms: 1 scored, 1 with errors, 2 unreadable"
