"""``score --jobs N``'s plumbing: the scorer loaded once, before the workers (a forked worker loads
nothing again); the workers' UTF-8 bytes written as they are only under a UTF-8 stream — any
other stream gets the same text, encoded its own way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from perfrules import parallel
from perfrules.batch import run_score, scorer_and_defaults
from perfrules.output import utf8_bytes

from .test_output_bytes import GENERATED


def _settings(fmt: str = "jsonl") -> parallel.Settings:
    return parallel.Settings(None, (), None, None, None, True, fmt, False)


def test_a_worker_with_the_parents_scorer_loads_nothing_again(monkeypatch: pytest.MonkeyPatch) -> None:
    parallel._WORKER.clear()
    parallel._load(_settings())
    scorer = parallel._WORKER["scorer"]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded again")

    monkeypatch.setattr(parallel, "scorer_and_defaults", refuse)
    parallel._start(_settings())  # what a forked worker's initializer does: nothing
    assert parallel._WORKER["scorer"] is scorer
    with pytest.raises(AssertionError):
        parallel._start(_settings("csv"))  # other settings: loaded (a worker started afresh)
    parallel._WORKER.clear()


def _stream(encoding: str) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, newline="")


def test_bytes_go_straight_only_under_utf8() -> None:
    assert utf8_bytes(_stream("utf-8")) is not None and utf8_bytes(_stream("UTF8")) is not None
    assert utf8_bytes(_stream("gb18030")) is None and utf8_bytes(io.StringIO()) is None


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_two_processes_write_what_one_writes_in_any_encoding(encoding: str, repo_root: Path) -> None:
    scorer, defaults = scorer_and_defaults(None, [])
    one, two = _stream(encoding), _stream(encoding)
    assert run_score(scorer, [GENERATED], defaults, "jsonl", False, one, io.StringIO()) == 1
    assert parallel.run_score_parallel(_settings(), [GENERATED], [GENERATED], 2, two, io.StringIO()) == 1
    one.flush()
    two.flush()
    data = one.buffer.getvalue()  # type: ignore[attr-defined]
    assert data == two.buffer.getvalue() and data.count(b"\n") == 84  # type: ignore[attr-defined]
    if encoding != "utf-8":
        assert data.decode(encoding).encode("utf-8") != data  # written in the stream's own encoding
