"""``perfrules score --format jsonl --summary``: each form's line without its items and sections.

The summary line of a form is its full line (the golden files of ``test_output_bytes.py``) with
``items`` and ``sections`` taken out, byte for byte, in one process and on two; the form is scored
on the summary path (its items are never worked out); a bad line is reported in its place and the
others are scored; ``--summary`` with text output is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import perfrules
from perfrules.cli import main
from perfrules.output import dumps_line

from .conftest import GOLDEN, golden
from .test_output_bytes import GENERATED, _examples
from .test_summary import PEER, _plain_forms, _took_summary

_PEER_RULESET = perfrules.load_ruleset(str(PEER))


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _without_items(line: str) -> str:
    record = json.loads(line)
    return dumps_line({k: v for k, v in record.items() if k not in ("items", "sections")})


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_generated_forms_summarised(jobs: str, repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["score", GENERATED, "--format", "jsonl", "--summary", "--jobs", jobs], capsys)
    full = (GOLDEN / "score-generated-forms.jsonl").read_text("utf-8").splitlines()
    assert code == 1 and out.splitlines() == [_without_items(line) for line in full]
    assert '"items"' not in out and '"findings":[{' in out


def test_bundled_examples_summarised(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["score", *_examples(), "--format", "jsonl", "--summary"], capsys)
    full = (GOLDEN / "score-examples.jsonl").read_text("utf-8").splitlines()
    assert code == 1 and out.splitlines() == [_without_items(line) for line in full]
    golden("score-examples-summary.jsonl", out)


def test_json_summary_is_the_list_of_the_same_objects(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = _examples()[:3]
    _, lines, _ = _run(["score", *examples, "--format", "jsonl", "--summary"], capsys)
    _, document, _ = _run(["score", *examples, "--format", "json", "--summary"], capsys)
    assert json.loads(document) == [json.loads(line) for line in lines.splitlines()]
    _, one, _ = _run(["score", examples[0], "--format", "json", "--summary"], capsys)
    assert json.loads(one) == json.loads(lines.splitlines()[0])  # one form: one object, as without --summary


def test_summary_with_text_output_is_refused(repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["score", _examples()[0], "--summary"], capsys)
    assert code == 2 and out == "" and "--summary 只用于 --format jsonl" in err and "Traceback" not in err


def test_a_bad_line_is_reported_in_its_place_on_two_processes(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    lines = (Path(__file__).parent / "data" / "generated-forms.jsonl").read_text("utf-8").splitlines()
    lines = [lines[k % len(lines)] for k in range(700)]
    lines[600] = '{"kind": "project", "year": '
    path = tmp_path / "forms.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = _run(["score", str(path), "--format", "jsonl", "--summary", "--jobs", "1"], capsys)
    two = _run(["score", str(path), "--format", "jsonl", "--summary", "--jobs", "2"], capsys)
    assert one == two
    code, out, err = two
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2 and len(records) == 700 and "第 601 行不是有效的 JSON" in err
    assert [r["form"] for r in records] == [f"{path}:{n}" for n in range(1, 701)]
    assert "error" in records[600] and all("total" in r for r in records[:600] + records[601:])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plain_forms())
def test_summary_is_the_full_record_without_items(doc: dict[str, Any]) -> None:
    summary = _PEER_RULESET.evaluate(doc)
    took = _took_summary(summary)
    record = summary.summary_dict()
    assert _took_summary(summary) == took  # summarising did not work the items out
    full = _PEER_RULESET.evaluate(doc, detail=True).to_dict()
    assert record == {k: v for k, v in full.items() if k not in ("items", "sections")}
    assert list(record) == [k for k in full if k not in ("items", "sections")]
