"""Self-evaluation tables in workbooks (.xlsx, .xls) and Word documents (.docx) → forms.

The pipeline, one module per stage: :mod:`.backends` (file → :class:`~.grid.Grid`
of cells as shown) → :mod:`.locate` (find each table by its labels, name its
columns) → :mod:`.mapping` (cells → the form contract, with the place of every
value; :mod:`.weights` for tables without a 分值 column).

The embedding entry point is :func:`read_tables`::

    from perfrules.tables import ReadDefaults, read_tables
    for item in read_tables(data, "自评表.xlsx", defaults=ReadDefaults(jurisdiction="湖北省/黄石市/铁山区")):
        if isinstance(item, TableError): print(item.error.render())
        else: result = scorer.score(item.raw)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic, FormError
from ..forms import RawForm
from ..places import place_of
from ..result import Finding
from .backends import TableFileError, read_grids
from .locate import find_regions
from .mapping import CellProblem, ReadDefaults, TableRead, read_region

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".docx")


@dataclass(frozen=True)
class TableForm:
    """One table read as a form: ``raw`` goes to :func:`perfrules.forms.read_form` or a Scorer."""

    source: str
    raw: RawForm
    read: TableRead


@dataclass(frozen=True)
class TableError:
    """A table (or the whole file) that could not be read; ``error`` names the sheet and cell."""

    source: str
    error: FormError


def is_table_file(path: str | Path) -> bool:
    """Whether perfrules reads `path` as a workbook or Word document."""
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def _file_error(source: str, e: TableFileError) -> TableError:
    where = f"{source}:{e.place}" if e.place else source
    return TableError(source, FormError([Diagnostic("error", "table-file", e.message, where, hint=e.hint or None)]))


def _problems_error(source: str, problems: list[CellProblem]) -> FormError:
    return FormError([Diagnostic("error", "table", p.message, f"{source}:{p.place}",
                                 hint=p.hint or None) for p in problems])


def read_tables(data: bytes, filename: str, *, defaults: ReadDefaults | None = None) -> list[TableForm | TableError]:
    """Every self-evaluation table in a workbook or document, in order; a bad one as a :class:`TableError`.

    `filename` chooses the format by its suffix and names the forms (``book.xlsx``,
    or ``book.xlsx#2`` for the second table of a file with several).  Never raises
    for bad input.
    """
    defaults = defaults or ReadDefaults()
    try:
        grids = read_grids(data, filename)
    except TableFileError as e:
        return [_file_error(filename, e)]
    regions = [reg for g in grids for reg in find_regions(g)]
    if not regions:
        names = "、".join(g.name for g in grids) or "（空）"
        return [TableError(filename, FormError([Diagnostic(
            "error", "table-not-found", f"在 {names} 中没有找到绩效自评表（没有“三级指标”表头）", filename,
            hint="表格应有一级指标、二级指标、三级指标、年度指标值、实际完成值、得分等列")]))]
    out: list[TableForm | TableError] = []
    for k, reg in enumerate(regions):
        source = filename if len(regions) == 1 else f"{filename}#{k + 1}"
        read = read_region(reg, defaults)
        for note in reg.grid.notes:
            read.notices.append(Finding("warning", "table-truncated", "$", note))
        if read.problems:
            out.append(TableError(source, _problems_error(source, read.problems)))
            continue
        for notice in read.notices:
            notice.place = notice.place or place_of(read.places, notice.path)
        raw = RawForm(read.data, source, {}, None, places=read.places, notices=tuple(read.notices))
        out.append(TableForm(source, raw, read))
    return out


__all__ = ["TABLE_SUFFIXES", "ReadDefaults", "TableError", "TableForm", "is_table_file", "read_tables"]
