"""The workbench's workbooks: .xlsx/.xls/.docx sent as base64 in the ``/score/draft`` and ``/diff``
envelopes, each table scored by the ruleset being edited, cells named in the findings."""

from __future__ import annotations

import base64
import warnings
from typing import Any

import pytest
from openpyxl import Workbook

from perfrules.serve import Limits, ServeConfig, create_app
from tests.tables_build import HUANGSHI as EXAMPLES
from tests.tables_build import example, huangshi_sheet, sheet_to_docx, workbook_bytes

from .test_serve_api import EXAMPLE, HUANGSHI, RULES, draft_text, problem

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def two_table_workbook() -> bytes:
    """Seed 003's tables 2 and 1 (examples 02 and 01), one per sheet, in the 黄石 layout."""
    assert EXAMPLES[1] == EXAMPLE
    wb = Workbook()
    wb.active.title = "开发区"
    huangshi_sheet(wb.active, example(EXAMPLES[1]))
    huangshi_sheet(wb.create_sheet("表一"), example(EXAMPLES[0]))
    return workbook_bytes(wb)


def draft(client: TestClient, text: str, forms: list[dict[str, str]]) -> Any:
    response = client.post("/score/draft", json={"text": text, "name": "project.rules", "forms": forms})
    assert response.status_code == 200, response.text
    return response.json()


def test_each_table_of_a_workbook_is_scored_by_the_draft(client: TestClient) -> None:
    forms = [{"name": "book.xlsx", "base64": b64(two_table_workbook())},
             {"name": "01.yaml", "text": EXAMPLES[0].read_text(encoding="utf-8")}]
    published = draft(client, RULES.read_text(encoding="utf-8"), forms)
    assert published["ok"] and [r["form"] for r in published["results"]] == ["book.xlsx#1", "book.xlsx#2", "01.yaml"]
    first, second, yaml_01 = published["results"]
    assert first["total"] == "91.64"  # the published score of seed 003's table 2
    # the table and its YAML transcription are the same form: the same total and item scores
    assert second["total"] == yaml_01["total"]
    assert [i["score"] for i in second["items"]] == [i["score"] for i in yaml_01["items"]]
    # findings name the cell of the sheet they are about
    mismatches = [f for f in first["findings"] if f["code"] == "declared-score-mismatch"]
    assert len(mismatches) == 2 and all(f["place"].startswith("开发区!") for f in mismatches)
    total = next(f for f in first["findings"] if f["code"] == "declared-total-mismatch")
    assert total["place"].startswith("开发区!") and "place" not in yaml_01["findings"][0]
    # the edited text scores 预算执行情况 at its full 20: 91.64 − 13.5 + 20
    edited = draft(client, draft_text(), forms[:1])
    assert edited["results"][0]["total"] == "98.14"


def test_a_word_document_is_read_too(client: TestClient) -> None:
    wb = Workbook()
    huangshi_sheet(wb.active, example(EXAMPLE))
    out = draft(client, RULES.read_text(encoding="utf-8"), [{"name": "02.docx", "base64": b64(sheet_to_docx(wb.active))}])
    assert [(r["form"], r["total"]) for r in out["results"]] == [("02.docx", "91.64")]


def test_unreadable_workbooks_give_their_located_error_beside_the_others(client: TestClient) -> None:
    empty = Workbook()
    empty.active["A1"] = "无关的内容"
    forms = [{"name": "broken.xlsx", "base64": b64(b"PK\x03\x04 not a workbook")},
             {"name": "empty.xlsx", "base64": b64(workbook_bytes(empty))},
             {"name": "02.yaml", "text": EXAMPLE.read_text(encoding="utf-8")}]
    broken, empty_out, good = draft(client, RULES.read_text(encoding="utf-8"), forms)["results"]
    assert broken["form"] == "broken.xlsx" and "table-file" in broken["error"][0] and "损坏" in broken["error"][0]
    assert empty_out["form"] == "empty.xlsx" and "table-not-found" in empty_out["error"][0]
    assert "三级指标" in empty_out["error"][0]
    assert good["total"] == "91.64"


def test_bad_form_entries_are_refused(client: TestClient) -> None:
    text = RULES.read_text(encoding="utf-8")
    both = {"name": "a.xlsx", "text": "kind: project", "base64": b64(b"x")}
    problem(client.post("/score/draft", json={"text": text, "forms": [both]}), 422, "request")
    bad = client.post("/score/draft", json={"text": text, "forms": [{"name": "a.xlsx", "base64": "不是base64!"}]})
    assert "a.xlsx" in problem(bad, 422, "request")["detail"]
    problem(client.post("/score/draft", json={"text": text, "forms": [{"name": "a.xlsx", "base64": 7}]}), 422, "request")


def test_the_body_limit_holds_for_workbooks() -> None:
    data = two_table_workbook()
    small = TestClient(create_app(ServeConfig(limits=Limits(max_body_bytes=len(data)))))
    # base64 makes the envelope a third larger than the file: over the limit the file itself fits
    envelope = {"text": draft_text(), "forms": [{"name": "book.xlsx", "base64": b64(data)}]}
    problem(small.post("/score/draft", json=envelope), 413, "too-large")


def test_compare_with_last_year_reads_workbooks(client: TestClient) -> None:
    out = client.post("/diff", json={"old": {"id": HUANGSHI}, "new": {"text": draft_text(), "name": "new.rules"},
                                     "forms": [{"name": "book.xlsx", "base64": b64(two_table_workbook())},
                                               {"name": "broken.xlsx", "base64": b64(b"PK junk")}]}).json()
    first, second, broken = out["forms"]
    assert (first["form"], first["old_total"], first["new_total"], first["change"]) == (
        "book.xlsx#1", "91.64", "98.14", "+6.5")
    assert second["form"] == "book.xlsx#2" and broken["form"] == "broken.xlsx" and "table-file" in broken["error"][0]
