"""Per-format backends: .xlsx (openpyxl), .xls (xlrd), .docx (python-docx) → :class:`Grid` objects.

Each backend turns one file's bytes into grids, expands merged ranges (the
continuation cells repeat the first cell's text and are marked ``continued``),
and raises :class:`TableFileError` with a Chinese message for a file it cannot
open — never a library's exception.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from typing import Any

from .grid import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, Cell, Grid, column_letter, shown_number

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class TableFileError(Exception):
    """A workbook or document that cannot be opened; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str = "", place: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.place = place


def _check_container(data: bytes, suffix: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise TableFileError(f"文件有 {len(data)} 字节，超过上限 {MAX_FILE_BYTES}", "一张自评表应远小于 20 MB")
    if suffix in (".xlsx", ".xlsm", ".docx"):
        if data.startswith(OLE_MAGIC):
            raise TableFileError("文件设有打开密码（已加密），或其实是旧版 .xls/.doc 格式",
                                 "在 Excel/WPS 中去掉打开密码后另存为 .xlsx（或 .docx）")
        if not data.startswith(ZIP_MAGIC):
            raise TableFileError(f"不是有效的 {suffix} 文件（文件已损坏或扩展名不对）",
                                 f"用 Excel/WPS/Word 打开后重新另存为 {suffix}")
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            raise TableFileError(f"{suffix} 文件已损坏（压缩结构无法读取）", "用原软件重新另存") from None
        need = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
        if need not in names:
            raise TableFileError(f"这是一个 zip 压缩包，但不是 {suffix} 文件（缺少 {need}）",
                                 "确认上传的是自评表本身，而不是打包的其他文件")


# ---------------------------------------------------------------- .xlsx


def read_xlsx(data: bytes) -> list[Grid]:
    """Every sheet of an .xlsx workbook (cached formula values, merged ranges expanded)."""
    _check_container(data, ".xlsx")
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as e:
        raise TableFileError(f".xlsx 文件无法读取: {type(e).__name__}", "用 Excel/WPS 打开后重新另存为 .xlsx") from None
    except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds on corrupt XML
        raise TableFileError(f".xlsx 文件已损坏: {type(e).__name__}", "用 Excel/WPS 打开后重新另存为 .xlsx") from None
    grids = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        n_rows = min(ws.max_row, MAX_ROWS)
        n_cols = min(ws.max_column, MAX_COLUMNS)
        notes = []
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS:
            notes.append(f"工作表 {ws.title} 超过 {MAX_ROWS} 行或 {MAX_COLUMNS} 列，只读取了前面的部分")
        rows: list[list[Cell]] = []
        for r in range(1, n_rows + 1):
            row = []
            for c in range(1, n_cols + 1):
                cell = ws.cell(r, c)
                row.append(_xlsx_cell(cell.value, cell.number_format, f"{ws.title}!{column_letter(c - 1)}{r}"))
            rows.append(row)
        for rng in ws.merged_cells.ranges:
            _spread(rows, rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
        grids.append(Grid(ws.title, rows, notes=notes))
    return grids


def _xlsx_cell(value: Any, number_format: str, place: str) -> Cell:
    if value is None:
        return Cell("", place)
    if isinstance(value, bool):
        return Cell("是" if value else "否", place)
    if isinstance(value, (int, float, Decimal)):
        text, number, percent = shown_number(value, number_format)
        return Cell(text, place, number, percent)
    if isinstance(value, (dt.datetime, dt.date)):
        return Cell(value.strftime("%Y-%m-%d"), place)
    return Cell(str(value), place)


def _spread(rows: list[list[Cell]], r0: int, c0: int, r1: int, c1: int) -> None:
    if r0 >= len(rows) or not rows or c0 >= len(rows[0]):
        return
    first = rows[r0][c0]
    for r in range(r0, min(r1, len(rows) - 1) + 1):
        for c in range(c0, min(c1, len(rows[r]) - 1) + 1):
            if (r, c) != (r0, c0):
                rows[r][c] = Cell(first.text, rows[r][c].place, first.number, first.percent, continued=True)


# ---------------------------------------------------------------- .xls


def read_xls(data: bytes) -> list[Grid]:
    """Every sheet of a legacy .xls workbook (xlrd), numbers by their format."""
    if len(data) > MAX_FILE_BYTES:
        raise TableFileError(f"文件有 {len(data)} 字节，超过上限 {MAX_FILE_BYTES}")
    if data.startswith(ZIP_MAGIC):
        raise TableFileError("文件扩展名是 .xls，内容却是 .xlsx/.docx", "把扩展名改为 .xlsx 再试")
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except xlrd.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise TableFileError("文件设有打开密码（已加密）", "在 Excel/WPS 中去掉打开密码后另存") from None
        raise TableFileError(f".xls 文件无法读取: {e}", "用 Excel/WPS 打开后另存为 .xlsx") from None
    except Exception as e:  # noqa: BLE001 - xlrd raises assorted errors on corrupt files
        raise TableFileError(f".xls 文件已损坏: {type(e).__name__}", "用 Excel/WPS 打开后另存为 .xlsx") from None
    grids = []
    for sh in book.sheets():
        rows: list[list[Cell]] = []
        for r in range(min(sh.nrows, MAX_ROWS)):
            row = []
            for c in range(min(sh.ncols, MAX_COLUMNS)):
                place = f"{sh.name}!{column_letter(c)}{r + 1}"
                cell = sh.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
                    text, number, percent = shown_number(cell.value, fmt.format_str if fmt else "General")
                    row.append(Cell(text, place, number, percent))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        d = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                        row.append(Cell(d.strftime("%Y-%m-%d"), place))
                    except (ValueError, OverflowError):
                        row.append(Cell(str(cell.value), place))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(Cell("是" if cell.value else "否", place))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    row.append(Cell("", place))
                else:
                    row.append(Cell(str(cell.value), place))
            rows.append(row)
        for r0, r1, c0, c1 in sh.merged_cells:
            _spread(rows, r0, c0, r1 - 1, c1 - 1)
        grids.append(Grid(sh.name, rows))
    return grids


# ---------------------------------------------------------------- .docx


def read_docx(data: bytes) -> list[Grid]:
    """Every table of a Word document, each with the paragraph just above it as its heading."""
    _check_container(data, ".docx")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises assorted errors on corrupt files
        raise TableFileError(f".docx 文件无法读取: {type(e).__name__}", "用 Word/WPS 打开后重新另存为 .docx") from None
    grids: list[Grid] = []
    heading, heading_no = "", 0
    paragraph_no = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph_no += 1
            para = Paragraph(child, document).text.strip()
            if para:
                heading, heading_no = para, paragraph_no
        elif tag == "tbl":
            table = Table(child, document)
            name = f"表{len(grids) + 1}"
            rows: list[list[Cell]] = []
            above: list[Any] = []
            texts: dict[Any, str] = {}  # a merged cell's text, read once (keyed by the element itself)
            for r, row in enumerate(table.rows[:MAX_ROWS]):
                out: list[Cell] = []
                handles: list[Any] = []
                for c, cell in enumerate(row.cells[:MAX_COLUMNS]):
                    tc = cell._tc
                    continued = bool(handles and handles[-1] is tc) or (c < len(above) and above[c] is tc)
                    if tc not in texts:
                        texts[tc] = cell.text.strip()
                    out.append(Cell(texts[tc], f"{name} 第{r + 1}行第{c + 1}列", continued=continued))
                    handles.append(tc)
                rows.append(out)
                above = handles
            grids.append(Grid(name, rows, heading=heading, heading_place=f"第{heading_no}段" if heading else ""))
            heading = ""
    return grids


def read_grids(data: bytes, filename: str) -> list[Grid]:
    """The grids of a file by its suffix (.xlsx/.xlsm, .xls, .docx)."""
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix in ("xlsx", "xlsm"):
        return read_xlsx(data)
    if suffix == "xls":
        if data.startswith(ZIP_MAGIC):
            return read_xlsx(data)
        return read_xls(data)
    if suffix == "docx":
        return read_docx(data)
    raise TableFileError(f"不支持的文件类型 .{suffix}", "支持 .xlsx、.xls、.docx（以及 .yaml/.json 表单）")
