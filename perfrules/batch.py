"""Scoring many forms at once: folders, workbooks, Word documents, JSON Lines; results in input order.

``perfrules score`` runs through :func:`score_inputs`: each input path (a folder
is searched recursively for every supported type) yields its forms in order — a
YAML/JSON file its documents, a ``.jsonl`` file one form per line, a workbook or
Word document one form per table — and each form is scored or reported as
unreadable in its place.  One bad form never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .api import Ruleset, Scored, Scorer
from .errors import Diagnostic, FormError, PerfrulesError
from .files import iter_user_lines, read_user_bytes
from .forms import RawForm, iter_forms
from .numbers import number_problem
from .output import dumps, dumps_line, error_entry, line_bytes, score_document, utf8_bytes
from .surrogates import HINT, lone_surrogate, may_hold_surrogates, message
from .tables import TABLE_SUFFIXES, ReadDefaults, TableError, read_tables
from .tables.grid import MAX_FILE_BYTES as MAX_TABLE_FILE_BYTES

FORM_SUFFIXES = (".yaml", ".yml", ".json")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED_SUFFIXES = FORM_SUFFIXES + JSONL_SUFFIXES + TABLE_SUFFIXES
PROGRESS_THRESHOLD = 10  # inputs; a shorter batch never shows a progress bar
MAX_JSONL_LINE_BYTES = 10_000_000  # one form per line
FLUSH_SECONDS = 0.05  # JSON Lines output is flushed after a form once this long has passed, not per form


def status_of(item: Scored) -> str:
    """``unreadable``, ``errors`` (scored with error findings) or ``scored``."""
    if item.result is None:
        return "unreadable"
    return "errors" if item.result.errors else "scored"


@dataclass
class Summary:
    """Counts over a batch, and the exit status they give (0/1/2)."""

    scored: int = 0
    errors: int = 0
    unreadable: int = 0

    def add(self, item: Scored) -> None:
        self.count(status_of(item))

    def count(self, status: str) -> None:
        """One more form of `status` (a value of :func:`status_of`)."""
        setattr(self, status, getattr(self, status) + 1)

    @property
    def total(self) -> int:
        return self.scored + self.errors + self.unreadable

    @property
    def exit_status(self) -> int:
        return 2 if self.unreadable else 1 if self.errors else 0

    def line(self) -> str:
        return (f"{self.total} forms: {self.scored} scored, {self.errors} with errors, "
                f"{self.unreadable} unreadable")


def reading_defaults(ruleset: Ruleset | None, jurisdiction: str | None = None, year: int | None = None,
                     kind: str | None = None) -> ReadDefaults:
    """What tables cannot say, from the options; with a ruleset given, its area stands in for a missing one."""
    if ruleset is not None and not jurisdiction:
        jurisdiction = "/".join(ruleset.model.jurisdiction) or "全国"
    return ReadDefaults(jurisdiction, year, kind, ruleset.id if ruleset is not None else None)


def scorer_and_defaults(ruleset_ref: str | None, paths: list[str], jurisdiction: str | None = None,
                        year: int | None = None, kind: str | None = None, *,
                        prove: bool = True) -> tuple[Scorer, ReadDefaults]:
    """The scorer and reading defaults the command-line options ask for (``--ruleset`` loaded once)."""
    from .api import load_ruleset

    ruleset = load_ruleset(ruleset_ref, paths=paths, prove=prove) if ruleset_ref else None
    return Scorer(ruleset, paths), reading_defaults(ruleset, jurisdiction, year, kind)


def expand_inputs(paths: Iterable[str]) -> list[str]:
    """Files named, in the order given; a folder → its supported files, recursively, sorted by path."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*"))
                       if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith("~$"))
        else:
            out.append(p)
    return out


def read_bytes(path: str, what: str = "表格文件") -> bytes | FormError:
    """A workbook, document or JSON Lines file through perfrules' one safe reader (regular files, bounded)."""
    try:
        return read_user_bytes(path, MAX_TABLE_FILE_BYTES, what, FormError)
    except FormError as e:
        return e


def _jsonl_forms(path: str) -> Iterator[tuple[str, RawForm | PerfrulesError]]:
    try:  # read a line at a time: a JSON Lines file may hold millions of forms
        for no, line in iter_user_lines(path, MAX_JSONL_LINE_BYTES, "JSON Lines 文件", FormError):
            if line.strip():
                yield jsonl_form(path, no, line)
    except FormError as e:
        yield path, e


def jsonl_forms(data: bytes, path: str) -> Iterator[tuple[str, RawForm | PerfrulesError]]:
    """The forms of JSON Lines text (one per non-blank line, named ``path:N``), or each line's error."""
    for no, line in enumerate(data.split(b"\n"), 1):
        if line.strip():
            yield jsonl_form(path, no, line)


def jsonl_form(path: str, no: int, line: bytes) -> tuple[str, RawForm | PerfrulesError]:
    """Line `no` of the JSON Lines file `path`: its form, or why it is not one.

    Numbers are read exactly (decimals as ``Decimal``) but not bounded here (``bounded=None``):
    reading the form (:func:`perfrules.forms.read_form`) finds out, and reports each number beyond
    the bounds (or NaN, Infinity) at its path.  A line that is not JSON or repeats a key is read
    again with hooks that bound every number and name the problem.
    """
    source = f"{path}:{no}"
    doc = _plain_line(line)
    bounded: bool | None = None  # read without hooks: its numbers bounded by read_form
    if doc is _NOT_READ:
        reader = _LineReader()
        try:
            doc = json.loads(line.decode("utf-8-sig"), parse_float=reader.decimal, parse_int=reader.integer,
                             parse_constant=reader.constant, object_pairs_hook=reader.mapping)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
            msg = e.msg if isinstance(e, json.JSONDecodeError) else type(e).__name__
            col = e.colno if isinstance(e, json.JSONDecodeError) else 1
            return source, FormError([Diagnostic("error", "json", f"第 {no} 行不是有效的 JSON: {msg}", path, no,
                                                 col, hint="JSON Lines 文件每行一个完整的表单对象")])
        if reader.repeated is not None:
            return source, FormError([Diagnostic("error", "json", f"第 {no} 行: 键 {reader.repeated} 重复出现", path,
                                                 no, 1, hint="删除重复的键；同一个键只能写一次")])
        bounded = not reader.unbounded
    found = lone_surrogate(doc) if may_hold_surrogates(line) else None  # rare (JSON joins a pair itself)
    if found is not None:
        return source, _surrogate_error(path, no, line, *found)
    return source, RawForm(doc, source, {"$": (no, 1)}, bounded=bounded)


def _surrogate_error(path: str, no: int, line: bytes, where: str, code: str) -> FormError:
    """Line `no` holds a lone surrogate (:mod:`perfrules.surrogates`): at the first escape of it."""
    column = line.decode("utf-8-sig", "replace").lower().find(code) + 1 or 1
    return FormError([Diagnostic("error", "surrogate", f"第 {no} 行: {message(where, code)}", path, no, column,
                                 hint=HINT)])


_NOT_READ = object()


class _Repeated(Exception):
    """A JSON object of the line repeats a key (read again with :class:`_LineReader` for its name)."""


def _unrepeated(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Repeated
    return out


def _plain_line(line: bytes) -> Any:
    """A JSON Lines line read without per-number hooks (decimals as ``Decimal``, integers as ``int``,
    as :class:`_LineReader` reads them, but not bounded: the form reader bounds them, with their
    paths), or :data:`_NOT_READ` when it is not JSON or repeats a key (read again with the hooks,
    which give the message)."""
    try:
        return json.loads(line.decode("utf-8-sig"), parse_float=Decimal, object_pairs_hook=_unrepeated)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, _Repeated):
        return _NOT_READ


class _LineReader:
    """``json.loads`` hooks for one line: numbers read exactly and bounded, a repeated key noticed."""

    __slots__ = ("repeated", "unbounded")

    def __init__(self) -> None:
        self.unbounded = False
        self.repeated: str | None = None

    def decimal(self, text: str) -> Decimal:
        value = Decimal(text)
        # a numeral of at most 15 characters without an exponent is within every bound
        # (|x| < 10^15, ≥ 10^-13 when not zero, ≤ 15 digits); anything else is checked
        if (len(text) > 15 or "e" in text or "E" in text) and number_problem(value) is not None:
            self.unbounded = True
        return value

    def integer(self, text: str) -> int:
        value = int(text)
        if len(text) > 15 and number_problem(value) is not None:
            self.unbounded = True
        return value

    def constant(self, text: str) -> float:
        self.unbounded = True  # NaN, Infinity: kept as the float json gives, refused with its path
        return float(text)

    def mapping(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs) and self.repeated is None:
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    self.repeated = key
                    break
                seen.add(key)
        return out


def iter_inputs(paths: Iterable[str], defaults: ReadDefaults | None = None) -> Iterator[
        tuple[str, RawForm | PerfrulesError]]:
    """Each form of every input, in order, or the error that kept it from being read."""
    defaults = defaults or ReadDefaults()
    for path in expand_inputs(paths):
        suffix = Path(path).suffix.lower()
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl_forms(path)
        elif suffix in TABLE_SUFFIXES:
            data = read_bytes(path)
            if isinstance(data, FormError):
                yield path, data
                continue
            for item in read_tables(data, path, defaults=defaults):
                yield (item.source, item.error) if isinstance(item, TableError) else (item.source, item.raw)
        else:
            yield from iter_forms([path])


def score_inputs(scorer: Scorer, paths: Iterable[str], defaults: ReadDefaults | None = None,
                 detail: bool = True) -> Iterator[Scored]:
    """Score every form of `paths` in input order; an unreadable one is an item with its error."""
    for source, raw in iter_inputs(paths, defaults):
        yield score_one(scorer, source, raw, detail)


def needs_items(fmt: str, summary: bool = False) -> bool:
    """Whether output format `fmt` writes every item (the CSV summary, and JSON (Lines) with
    ``--summary``, write only the form's figures)."""
    return fmt != "csv" and not summary


def score_one(scorer: Scorer, source: str, raw: RawForm | PerfrulesError, detail: bool = True) -> Scored:
    """One form of a batch scored, or the error that kept it from being read or scored; with
    `detail`, every item's record built at once (see :meth:`perfrules.Ruleset.evaluate`)."""
    if isinstance(raw, PerfrulesError):
        return Scored(source, None, raw)
    try:
        return Scored(source, scorer.score(raw, detail=detail), None)
    except PerfrulesError as e:
        return Scored(source, None, e)


def batch_size(inputs: list[str]) -> int:
    """How long a batch looks before reading it: files, a JSON Lines file counting as a long batch."""
    return len(inputs) + sum(PROGRESS_THRESHOLD for p in inputs if Path(p).suffix.lower() in JSONL_SUFFIXES)


def progress(items: Iterator[Scored], inputs: int, stream: TextIO) -> Iterator[Scored]:
    """`items` with a progress bar on `stream` when it is a terminal and the batch is long."""
    if inputs < PROGRESS_THRESHOLD or not stream.isatty():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(items, desc="计分", unit="张", file=stream, leave=False) as bar:
        yield from bar


# ---------------------------------------------------------------- output formats


def error_record(item: Scored) -> dict[str, Any]:
    assert item.error is not None
    return error_entry(item.source, item.error.diagnostics)


def json_record(item: Scored, summary: bool = False) -> dict[str, Any]:
    """A form's JSON object: the scored form (``--summary``: without its items and sections) or its error."""
    if item.result is None:
        return error_record(item)
    return item.result.summary_dict() if summary else item.result.to_dict()


CSV_COLUMNS = ("form", "unit", "title", "ruleset", "version", "total", "max", "grade", "declared_total",
               "difference", "errors", "warnings", "error")


def csv_row(item: Scored) -> dict[str, str]:
    """One CSV line of the summary: the scored form's figures, or its error."""
    from .values import fmt_number

    r = item.result
    if r is None:
        assert item.error is not None
        return {"form": item.source, "error": item.error.diagnostics[0].render().splitlines()[0]
                if item.error.diagnostics else str(item.error)}
    total = r.total_text
    diff = "" if r.declared_total is None else fmt_number(r.declared_total - Decimal(total))
    return {"form": r.form, "unit": r.unit or "", "title": r.title or "", "ruleset": r.ruleset_id,
            "version": r.ruleset_version, "total": total, "max": fmt_number(r.max), "grade": r.grade,
            "declared_total": "" if r.declared_total is None else fmt_number(r.declared_total), "difference": diff,
            "errors": str(len(r.errors)), "warnings": str(sum(f.severity == "warning" for f in r.findings)),
            "error": ""}


def csv_header() -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(CSV_COLUMNS)
    return buf.getvalue()


def csv_line(item: Scored) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n").writerow(csv_row(item))
    return buf.getvalue()


def run_score(scorer: Scorer, paths: list[str], defaults: ReadDefaults, fmt: str, full: bool,
              out: TextIO | None = None, err: TextIO | None = None, *, summary: bool = False) -> int:
    """The ``perfrules score`` driver: print each form's result in `fmt`, errors on `err`; return 0/1/2.

    Text and JSON output for a single YAML form are exactly what they were
    before batches (one JSON object, not a list); a batch of more than one form
    ends with a one-line summary on `err`.  `summary` (``--summary``, JSON and JSON Lines):
    each form without its items and sections, scored on the summary path.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    counts = Summary()
    collected: list[dict[str, Any]] = []
    inputs = expand_inputs(paths)
    if fmt == "csv":
        out.write(csv_header())
    flushed = time.monotonic()
    raw = utf8_bytes(out) if fmt == "jsonl" else None  # JSON Lines go to a UTF-8 stdout as bytes
    if raw is not None:
        out.flush()
    for item in progress(score_inputs(scorer, inputs, defaults, needs_items(fmt, summary)), batch_size(inputs),
                         err):
        counts.add(item)
        if item.error is not None:
            err.write(item.error.render() + "\n")
        if fmt == "json":
            collected.append(json_record(item, summary))
        elif raw is not None:
            raw.write(line_bytes(json_record(item, summary)))
            if time.monotonic() >= flushed + FLUSH_SECONDS:
                raw.flush()
                flushed = time.monotonic()
        else:
            out.write(render_item(item, fmt, full, summary))
            if fmt == "jsonl" and time.monotonic() >= flushed + FLUSH_SECONDS:
                out.flush()
                flushed = time.monotonic()
    if fmt == "json":
        out.write(dumps(score_document(collected, len(paths))) + "\n")  # as `perfrules serve` answers
    if raw is not None:
        raw.flush()
    return finish(counts, paths, err)


def render_item(item: Scored, fmt: str, full: bool = False, summary: bool = False) -> str:
    """What ``score`` writes for one form in `fmt` (jsonl, csv or text; json is collected whole)."""
    from .explain import render_result

    if fmt == "jsonl":
        return dumps_line(json_record(item, summary)) + "\n"  # one compact line
    if fmt == "csv":
        return csv_line(item)
    return render_result(item.result, full=full) + "\n\n" if item.result is not None else ""


def render_bytes(item: Scored, fmt: str, full: bool = False, summary: bool = False) -> bytes:
    """:func:`render_item` in UTF-8 (a JSON line encoded at once, by orjson where installed)."""
    if fmt == "jsonl":
        return line_bytes(json_record(item, summary))
    return render_item(item, fmt, full, summary).encode("utf-8")


def finish(summary: Summary, paths: list[str], err: TextIO) -> int:
    """The end of a batch: the summary line (more than one form), the no-forms message, the exit status."""
    if summary.total != 1:
        err.write(summary.line() + "\n")
    if summary.total == 0:
        folders = "、".join(p for p in paths if Path(p).is_dir())
        where = f"目录 {folders} 中" if folders else ""
        err.write(f"{where}没有找到表单（支持 .yaml/.yml/.json/.jsonl/.xlsx/.xls/.docx）\n")
        return 2
    return summary.exit_status
