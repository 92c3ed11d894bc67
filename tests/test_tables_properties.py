"""Properties of the table reader: any cell content gives a form or a located error, never an exception;
a form read from a table always goes back through the YAML it imports to the same score."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from perfrules.api import Scorer
from perfrules.errors import PerfrulesError
from perfrules.forms import parse_documents
from perfrules.tables import ReadDefaults, TableError, TableForm, read_tables
from perfrules.tables.export import form_yaml
from tests.tables_build import HUANGSHI, example, huangshi_sheet, workbook_bytes

HS = ReadDefaults(jurisdiction="湖北省/黄石市/铁山区")

cell_values = st.one_of(
    st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.sampled_from(["总分", "三级指标", "得分", "≥90%", "100%", "达成预期指标", "万元", "(20分)"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(1, 9), cell_values), max_size=12))
def test_any_edit_gives_a_form_or_a_located_error(edits: list[tuple[int, int, Any]]) -> None:
    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[1]))
    ws = wb.active
    merged = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
              for c in range(rng.min_col, rng.max_col + 1) if (r, c) != (rng.min_row, rng.min_col)}
    for r, c, value in edits:
        if (r, c) not in merged:
            ws.cell(r, c, value)
    items = read_tables(workbook_bytes(wb), "t.xlsx", defaults=HS)
    assert items
    for item in items:
        if isinstance(item, TableError):
            assert item.error.diagnostics and all(d.file.startswith("t.xlsx") for d in item.error.diagnostics)
            continue
        try:
            result = Scorer().score(item.raw)
        except PerfrulesError as e:  # a schema error: located at a cell when the field has one
            assert e.render()
            continue
        assert result.total.is_finite() and Decimal(0) <= result.total <= result.max


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(HUANGSHI), st.booleans())
def test_import_round_trip_scores_the_same(path: Any, text_numbers: bool) -> None:
    wb = Workbook()
    huangshi_sheet(wb.active, example(path), text_numbers=text_numbers)
    [item] = read_tables(workbook_bytes(wb), "t.xlsx", defaults=HS)
    assert isinstance(item, TableForm)
    text = form_yaml(item.raw.data, item.raw.places, item.source, item.raw.notices)
    [doc] = parse_documents(text, "form.yaml")
    scorer = Scorer()
    a, b = scorer.score(item.raw), scorer.score(doc)
    assert a.total == b.total
    codes = [f.code for f in a.findings if f.code not in ("derived-weights", "ticked-option")]  # reading notices
    assert doc.data["notes"] == item.raw.data["notes"]  # what is ticked survives the import
    assert codes == [f.code for f in b.findings]


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, value in flips:
        out[at % len(out)] = value
    return bytes(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6),
       st.sampled_from(["xlsx", "docx", "xls"]), st.integers(0, 4000))
def test_corrupted_files_never_raise(flips: list[tuple[int, int]], suffix: str, cut: int) -> None:
    """Flipped bytes or a truncated file: a form, or a TableError with a message — never an exception."""
    from tests.tables_build import sheet_to_docx, sheet_to_xls

    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[1]))
    data = {"xlsx": lambda: workbook_bytes(wb), "docx": lambda: sheet_to_docx(wb.active),
            "xls": lambda: sheet_to_xls(wb.active)}[suffix]()
    broken = _flip(data, flips)[: len(data) - cut]
    for item in read_tables(broken, f"t.{suffix}", defaults=HS):
        if isinstance(item, TableError):
            assert item.error.render()
