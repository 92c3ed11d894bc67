"""``perfrules score --jobs N``: a batch scored on N processes, output in input order, memory flat.

The parent loads the ruleset (or the registry) once, before the workers start: a
worker forked from it inherits the loaded scorer (one started afresh loads it once, in
its initializer).  Workers then receive only small tasks: a file's path, or a chunk of
JSON Lines read by the parent one line at a time.  A worker scores *and* renders its
forms (the JSON line, the CSV line or the text report) and sends them back as one block
of UTF-8 bytes, so the parent only writes what comes back, in order, without decoding
it.  At most a few chunks per worker are in flight, so memory does not grow with the
number of forms.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .batch import (
    JSONL_SUFFIXES,
    MAX_JSONL_LINE_BYTES,
    Summary,
    csv_header,
    finish,
    iter_inputs,
    jsonl_form,
    needs_items,
    render_bytes,
    score_one,
    scorer_and_defaults,
)
from .errors import FormError
from .files import iter_user_lines
from .forms import prepare_reading
from .output import utf8_bytes

#: JSON Lines per task; files per task.
LINES_PER_TASK = 512
FILES_PER_TASK = 8
#: Chunks in flight per worker (bounds memory; keeps every worker busy).
IN_FLIGHT_PER_WORKER = 3


def default_jobs() -> int:
    """The processes ``--jobs`` means by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class Task:
    """A file to read and score, or one line of a JSON Lines file (`line` then holds its bytes)."""

    path: str
    number: int = 0
    line: bytes | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """A chunk of tasks as it travels to a worker: columns rather than one object per task (pickled
    in one go; a chunk of 512 lines costs microseconds, not a millisecond)."""

    paths: tuple[str, ...]
    numbers: tuple[int, ...]
    lines: tuple[bytes | None, ...]

    @staticmethod
    def of(tasks: list[Task]) -> Chunk:
        """The chunk that carries `tasks`."""
        return Chunk(tuple(t.path for t in tasks), tuple(t.number for t in tasks), tuple(t.line for t in tasks))


@dataclass(frozen=True, slots=True)
class Done:
    """A chunk's forms, scored and rendered by a worker: how many of each status (batch.status_of),
    what to write (UTF-8, as the parent writes it) and what to report, each joined in input order."""

    scored: int
    errors: int
    unreadable: int
    out: bytes
    err: str


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to build its scorer once and render its forms."""

    ruleset: str | None
    paths: tuple[str, ...]
    jurisdiction: str | None
    year: int | None
    kind: str | None
    prove: bool
    fmt: str
    full: bool
    summary: bool = False  # ``--summary``: JSON Lines without items and sections


_WORKER: dict[str, Any] = {}  # per process: the parent's, inherited by a forked worker, or the initializer's


def _load(settings: Settings) -> None:
    """Build the scorer `settings` ask for into this process's worker state (once per settings)."""
    if _WORKER.get("settings") != settings:
        scorer, defaults = scorer_and_defaults(settings.ruleset, list(settings.paths), settings.jurisdiction,
                                               settings.year, settings.kind, prove=settings.prove)
        _WORKER.update(scorer=scorer, defaults=defaults, settings=settings)


def _start(settings: Settings) -> None:
    _load(settings)  # a forked worker has the parent's scorer already: nothing is loaded again


def _work(chunk: Chunk) -> Done:
    scorer, defaults, settings = _WORKER["scorer"], _WORKER["defaults"], _WORKER["settings"]
    summary = Summary()
    out: list[bytes] = []
    err: list[str] = []
    for path, number, line in zip(chunk.paths, chunk.numbers, chunk.lines):
        forms = [jsonl_form(path, number, line)] if line is not None else iter_inputs([path], defaults)
        for source, raw in forms:
            item = score_one(scorer, source, raw, needs_items(settings.fmt, settings.summary))
            summary.add(item)
            out.append(render_bytes(item, settings.fmt, settings.full, settings.summary))
            if item.error is not None:
                err.append(item.error.render() + "\n")
    return Done(summary.scored, summary.errors, summary.unreadable, b"".join(out), "".join(err))


def _tasks(inputs: list[str]) -> Iterator[list[Task] | FormError]:
    """Chunks of tasks in input order; a JSON Lines file that cannot be opened is its error."""
    files: list[Task] = []
    for path in inputs:
        if Path(path).suffix.lower() not in JSONL_SUFFIXES:
            files.append(Task(path))
            if len(files) >= FILES_PER_TASK:
                yield files
                files = []
            continue
        if files:
            yield files
            files = []
        chunk: list[Task] = []
        try:
            for number, line in iter_user_lines(path, MAX_JSONL_LINE_BYTES, "JSON Lines 文件", FormError):
                if line.strip():
                    chunk.append(Task(path, number, line))
                    if len(chunk) >= LINES_PER_TASK:
                        yield chunk
                        chunk = []
        except FormError as e:
            if chunk:
                yield chunk
                chunk = []
            yield e
        if chunk:
            yield chunk
    if files:
        yield files


def wants_parallel(inputs: list[str], jobs: int) -> bool:
    """Worth the processes: more than one job, and JSON Lines or more files than jobs."""
    return jobs > 1 and (any(Path(p).suffix.lower() in JSONL_SUFFIXES for p in inputs) or len(inputs) > jobs)


def run_score_parallel(settings: Settings, inputs: list[str], paths: list[str], jobs: int,
                       out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Score `inputs` on `jobs` processes, writing each form's output in input order; 0/1/2 as ``score``."""
    out = out or sys.stdout
    err = err or sys.stderr
    summary = Summary()
    if settings.fmt == "csv":
        out.write(csv_header())
    out.flush()
    raw = utf8_bytes(out)
    pending: deque[Future[Done] | FormError] = deque()

    def drain(keep: int) -> None:
        while len(pending) > keep:
            head = pending.popleft()
            if isinstance(head, FormError):
                summary.count("unreadable")
                err.write(head.render() + "\n")
                continue
            done = head.result()
            summary.scored += done.scored
            summary.errors += done.errors
            summary.unreadable += done.unreadable
            if done.err:
                err.write(done.err)
            if raw is not None:
                raw.write(done.out)
                raw.flush()
            else:
                out.write(done.out.decode("utf-8"))
                out.flush()

    with ProcessPoolExecutor(max_workers=jobs, initializer=_start, initargs=(settings,)) as pool:
        for chunk in _tasks(inputs):
            pending.append(chunk if isinstance(chunk, FormError) else pool.submit(_work, Chunk.of(chunk)))
            drain(jobs * IN_FLIGHT_PER_WORKER)
        drain(0)
    return finish(summary, paths, err)


def score_in_parallel(args: Any) -> int | None:
    """``perfrules score``'s parallel path for the parsed `args`, or None when the batch is scored in
    this process (one job, ``--format json``, or too few files to be worth the processes)."""
    from .batch import expand_inputs

    jobs = args.jobs if getattr(args, "jobs", None) is not None else default_jobs()
    inputs = expand_inputs(args.forms)
    if args.format == "json" or not wants_parallel(inputs, jobs):
        return None
    settings = Settings(args.ruleset, tuple(args.path), args.jurisdiction, args.year, args.kind,
                        not args.no_prove, args.format, args.command == "explain", getattr(args, "summary", False))
    _load(settings)  # a bad --ruleset is reported here, once; forked workers inherit what is loaded
    prepare_reading()
    return run_score_parallel(settings, inputs, args.forms, jobs)
