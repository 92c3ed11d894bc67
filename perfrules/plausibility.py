"""Plausibility warnings for copies made by OCR (scanned PDFs typed back into tables).

OCR turns ``≥`` into ``2`` (``290%`` for ``≥90%``, ``26次`` for ``≥6次``), drops
decimal points and misreads units.  A value that is implausible in its row is
reported as a WARNING with the likely reading.  Nothing is corrected: the row
is scored as written, and the reviewer decides.

* ``ocr-suspect`` — an unsigned target starting with ``2`` that the actual misses
  but would meet as ``≥`` + the rest, when the declared score is full (or the
  target is a percentage over 100%);
* ``ocr-suspect`` too — an actual percentage over 100% starting with ``2`` whose ``≥``
  reading is a rate (``290%`` beside ``90%``: the table copied ``≥90%``), on a row
  ``rate-over-100`` does not already cover;
* ``rate-over-100`` — an actual over 100% on a row whose name says 率 and whose
  declared score is full;
* ``unit-changed`` — target and actual in different units (the row is also
  ``unit-mismatch`` and not scored): the actual read in the target's unit.
"""

from __future__ import annotations

from decimal import Decimal

from .cells import Note
from .conventions import Row
from .notation import Quantity, read_cell, written_unit
from .values import fmt_number

_ONE = Decimal(1)


def quick_plausible(row: Row) -> bool:
    """True when nothing in a row of two numbers can look misread (the test :func:`suspect_cells`
    makes first, and the summary path's generated loop, ``codegen._ROWS``, makes inline); False
    means: ask :func:`suspect_cells`."""
    t, a = row.target, row.actual
    assert t is not None and a is not None
    return t.unit == a.unit and (bool(t.relation) or not row.target_text.lstrip().startswith("2")) \
        and not (a.value > _ONE and a.unit == "%")


def suspect_cells(row: Row) -> list[Note]:
    """Warnings for the cells of `row` that look misread; [] for a plausible row."""
    t, a = row.target, row.actual
    if t is None or a is None or t.is_date or a.is_date:
        return []
    if quick_plausible(row):
        return []  # the common case, cheaply: nothing here can look misread
    out: list[Note] = []
    full = row.declared is not None and row.declared == row.weight
    if t.unit != a.unit and t.unit and a.unit:
        unit = written_unit(row.target_text)
        reading = row.actual_text.strip().replace(written_unit(row.actual_text), unit) if unit else ""
        if reading and reading != row.actual_text.strip():
            out.append(Note("warning", "unit-changed",
                            f"{row.name}: 年度指标值 {row.target_text!r} 与实际完成值 {row.actual_text!r} 单位不同；"
                            f"若是扫描识别错了单位，实际完成值应为 {reading!r}，请核对原表"))
        return out
    ge = _ge_reading(row.target_text, t)
    if ge is not None and a.value < t.value and a.value >= ge.value and (full or (t.unit == "%" and t.value > _ONE)):
        why = "填报得分为满分" if full else "百分比目标超过 100%"
        out.append(Note("warning", "ocr-suspect",
                        f"{row.name}: 年度指标值 {row.target_text!r} 可能是 “{ge.text}” 被识别错（扫描件常把 ≥ 识别成 2）："
                        f"实际完成值 {a.display()} 达到 {ge.text}，{why}；按表上文字计分，如属识别错误请更正"))
    rate_row = "率" in row.name and full  # rate-over-100 below gives the readings of such a row
    copied = _ge_reading(row.actual_text, a) if a.unit == "%" and a.value > _ONE and not rate_row else None
    if copied is not None and copied.value <= _ONE and t.relation in ("", ">="):
        # a rate over 100%: the table copied the target, ≥ included, and the scan read ≥ as 2
        same = f"，与年度指标值 {row.target_text!r} 相符" if copied.value == t.value else ""
        out.append(Note("warning", "ocr-suspect",
                        f"{row.name}: 实际完成值 {row.actual_text!r} 超过 100%，可能是 “{copied.text}” 被识别错（表上常照抄"
                        f"目标值连同 ≥，扫描件又常把 ≥ 识别成 2）{same}；按表上文字计分，如属识别错误请更正"))
    if a.unit == "%" and a.value > _ONE and rate_row:
        readings = _rate_readings(row.actual_text, a)
        likely = f"可能应为 {'、'.join(repr(r) for r in readings)}" if readings else "请核对"
        out.append(Note("warning", "rate-over-100",
                        f"{row.name}: 率指标的实际完成值 {a.display()} 超过 100%，而填报得分为满分 "
                        f"{fmt_number(row.weight)}；{likely}（扫描件常见的识别错误）；按表上文字计分"))
    return out


def _ge_reading(text: str, q: Quantity) -> Quantity | None:
    """``≥`` + the rest, when an unsigned cell starts with ``2`` and the rest is a positive number."""
    body = text.strip()
    if q.relation or not body.startswith("2") or len(body) < 2 or not body[1].isdigit():
        return None
    rest = read_cell("≥" + body[1:])
    if rest is None or rest.is_date or rest.unit != q.unit or rest.value <= 0:
        return None
    return rest


def _rate_readings(text: str, q: Quantity) -> list[str]:
    """Likely readings of a rate over 100%: ``≥`` misread as 2, or a lost decimal point."""
    out = []
    ge = _ge_reading(text, q)
    if ge is not None and ge.value <= _ONE:
        out.append(ge.text)
    tenth = q.value / 10
    if q.value >= 2 and tenth <= _ONE and q.value == q.value.quantize(Decimal("0.01")):  # 996% → 99.6%
        out.append(f"{fmt_number(tenth * 100)}%")
    return out
