"""``perfrules score --jobs N``: the same output, in the same order, as one process; JSON Lines read
a line at a time (issue 9, item 4)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from perfrules.cli import main
from perfrules.errors import FormError
from perfrules.files import iter_user_lines
from perfrules.parallel import LINES_PER_TASK, Task, _tasks, wants_parallel

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "rulesets" / "hubei" / "huangshi" / "2022" / "examples"


def _docs() -> list[dict[str, object]]:
    return [d for f in sorted(EXAMPLES.glob("*.yaml")) for d in yaml.safe_load_all(f.read_text("utf-8")) if d]


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    docs = _docs()
    lines = [json.dumps(docs[i % len(docs)], ensure_ascii=False, default=str) for i in range(600)]
    lines.insert(301, "{not json")  # one bad line in the middle: reported in its place
    lines.insert(5, "")  # a blank line is skipped
    path = tmp_path / "forms.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "text"])
def test_jobs_give_the_same_output_in_the_same_order(batch: Path, fmt: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    one = _run(["score", str(batch), "--format", fmt, "--jobs", "1"], capsys)
    two = _run(["score", str(batch), "--format", fmt, "--jobs", "2"], capsys)
    assert one == two
    code, out, err = two
    assert code == 2  # the bad line is unreadable; the others are scored
    assert "第 303 行不是有效的 JSON" in err and err.strip().endswith("1 unreadable")
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.splitlines()]
        assert len(records) == 601
        assert records[301]["error"] and "total" in records[300] and "total" in records[302]
        assert [r["form"] for r in records[:3]] == [f"{batch}:{n}" for n in (1, 2, 3)]


def test_explain_takes_jobs_too(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``explain`` scores a batch on several processes as ``score`` does, and ``--jobs 1`` keeps it on one."""
    one = _run(["explain", str(batch), "--jobs", "1"], capsys)
    two = _run(["explain", str(batch), "--jobs", "2"], capsys)
    assert one == two
    code, out, err = one
    assert code == 2 and err.strip().endswith("1 unreadable")  # the bad line; the others explained
    assert out.count("计分过程:") == 600


def test_jobs_over_many_files_keep_their_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = _docs()
    for i in range(12):
        (tmp_path / f"f{i:02}.yaml").write_text(yaml.safe_dump(docs[i % len(docs)], allow_unicode=True), "utf-8")
    (tmp_path / "f05.yaml").write_text("kind: [", encoding="utf-8")
    one = _run(["score", str(tmp_path), "--format", "jsonl", "--jobs", "1"], capsys)
    two = _run(["score", str(tmp_path), "--format", "jsonl", "--jobs", "3"], capsys)
    assert one == two and one[0] == 2
    forms = [json.loads(line)["form"] for line in two[1].splitlines()]
    assert [Path(f).name for f in forms] == [f"f{i:02}.yaml" for i in range(12)]


def test_a_bad_ruleset_is_reported_once_before_any_process_starts(batch: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["score", str(batch), "--ruleset", "no/such-ruleset", "--jobs", "2"], capsys)
    assert code == 2 and out == "" and "Traceback" not in err


def test_when_processes_are_worth_it() -> None:
    assert not wants_parallel(["a.yaml"], 2) and not wants_parallel(["a.jsonl"], 1)
    assert wants_parallel(["a.jsonl"], 2) and wants_parallel([f"{i}.yaml" for i in range(3)], 2)


def test_tasks_are_chunks_in_input_order(tmp_path: Path) -> None:
    jl = tmp_path / "x.jsonl"
    jl.write_text("".join(f'{{"n": {i}}}\n' for i in range(600)), encoding="utf-8")
    chunks = list(_tasks(["a.yaml", str(jl), "b.yaml"]))
    tasks = [t for c in chunks if not isinstance(c, FormError) for t in c]
    assert tasks[0] == Task("a.yaml") and tasks[-1] == Task("b.yaml")
    assert [t.number for t in tasks[1:-1]] == list(range(1, 601))
    assert all(len(c) <= LINES_PER_TASK for c in chunks if not isinstance(c, FormError))


def test_lines_are_read_from_regular_files_only_and_bounded(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"a\n" + b"b" * 50 + b"\nc")
    assert list(iter_user_lines(path, 100, "JSON Lines 文件", FormError)) == [(1, b"a\n"), (2, b"b" * 50 + b"\n"),
                                                                            (3, b"c")]
    with pytest.raises(FormError) as err:
        list(iter_user_lines(path, 10, "JSON Lines 文件", FormError))
    assert err.value.diagnostics[0].code == "too-large" and err.value.diagnostics[0].line == 2
    with pytest.raises(FormError) as err:
        list(iter_user_lines(tmp_path, 10, "JSON Lines 文件", FormError))
    assert err.value.diagnostics[0].code == "not-a-file"
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(FormError) as err:
        list(iter_user_lines(fifo, 10, "JSON Lines 文件", FormError))
    assert err.value.diagnostics[0].code == "not-a-file"
