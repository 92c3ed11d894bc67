"""What both reports (workbook and HTML) show of a batch: one summary row per form, every finding.

Plain typed rows computed once, so the two renderers cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..api import Scored
from ..result import Finding, Result
from ..values import fmt_number, fmt_score


@dataclass(frozen=True)
class SummaryRow:
    """One form in the 汇总 table; ``error`` is set (and the figures empty) for an unreadable form."""

    number: int
    source: str
    unit: str
    title: str
    ruleset: str
    version: str
    total: Decimal | None
    total_text: str
    grade: str
    declared_total: Decimal | None
    difference: Decimal | None
    errors: int
    warnings: int
    rank: int | None
    error: str = ""


@dataclass(frozen=True)
class FindingRow:
    """One finding (or one unreadable form's message) with the form and the place it names."""

    source: str
    place: str
    severity: str
    code: str
    message: str


def where(f: Finding) -> str:
    """A finding's place as a reviewer reads it: the cell, else the YAML line, else the field path."""
    if f.place:
        return f.place
    if f.line:
        return f"第 {f.line} 行"
    return f.path


def summarize(items: Iterable[Scored]) -> tuple[list[SummaryRow], list[FindingRow]]:
    """Summary rows (ranked by total, ties sharing a rank) and finding rows, in input order."""
    items = list(items)
    totals = sorted((it.result.total for it in items if it.result is not None), reverse=True)
    rows: list[SummaryRow] = []
    findings: list[FindingRow] = []
    for n, it in enumerate(items, 1):
        r: Result | None = it.result
        if r is None:
            message = it.error.render() if it.error is not None else "无法读取"
            first = message.splitlines()[0] if message else ""
            rows.append(SummaryRow(n, it.source, "", "", "", "", None, "", "", None, None, 0, 0, None, first))
            findings.append(FindingRow(it.source, "", "error", "unreadable", message))
            continue
        diff = None if r.declared_total is None else r.declared_total - r.total
        rows.append(SummaryRow(
            n, r.form, r.unit or "", r.title or "", r.ruleset_id, r.ruleset_version, r.total,
            fmt_score(r.total, r.places), r.grade, r.declared_total, diff, len(r.errors),
            sum(f.severity == "warning" for f in r.findings), totals.index(r.total) + 1))
        for f in r.findings:
            findings.append(FindingRow(r.form, where(f), f.severity, f.code, f.message))
    return rows, findings


def grade_counts(rows: list[SummaryRow]) -> dict[str, int]:
    """How many forms got each grade, in order of first appearance (unreadable forms as 无法读取)."""
    counts: dict[str, int] = {}
    for row in rows:
        key = row.grade if row.total is not None else "无法读取"
        counts[key] = counts.get(key, 0) + 1
    return counts


@dataclass(frozen=True)
class ItemLine:
    """One line of a form's table in a report: a section heading, or an item with its figures."""

    name: str
    weight: Decimal
    score: Decimal
    section: bool = False
    declared: Decimal | None = None
    explain: str = ""
    place: str = ""

    @property
    def difference(self) -> Decimal | None:
        """Declared − computed, when the form declares a score and it differs."""
        if self.declared is None or self.declared == self.score:
            return None
        return self.declared - self.score


def item_lines(r: Result) -> list[ItemLine]:
    """The form's items in order, each section's heading before its first row; a finding's place per item."""
    sections = {s.id: s for s in r.sections}
    shown: set[str] = set()
    out: list[ItemLine] = []
    for item in r.items:
        sec = sections.get(item.section)
        if sec is not None and sec.id not in shown and item.kind == "row":
            shown.add(sec.id)
            out.append(ItemLine(sec.name, sec.weight, sec.score, section=True))
        place = next((where(f) for f in r.findings if f.path.startswith(item.path)), "")
        out.append(ItemLine(item.name, item.weight, item.score, False, item.declared, item.explain, place))
    return out


def number_text(x: Decimal | None) -> str:
    return "" if x is None else fmt_number(x)
