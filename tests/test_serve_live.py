"""perfrules serve as people use it: the real server on a free loopback port, called over HTTP,
and the workbench driven in a real headless Chromium (Debian's, through Playwright).

The server runs under coreutils' `timeout` (perfrules.serve.local), so it stops by itself even if
this process dies.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from perfrules.formatter import format_text
from perfrules.serve import local

from .conftest import ROOT

HUANGSHI = "hubei/huangshi/project-2022"
EXAMPLE = ROOT / "rulesets/hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    running = local.start("--log-level", "warning", lifetime=600)
    yield running.base
    running.stop()


def test_real_server_scores_over_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        response = http.post("/score", content=EXAMPLE.read_bytes(), headers={"Content-Type": "application/yaml"})
        assert response.status_code == 200 and response.json()["total"] == "91.64"
        lines = "\n".join([json.dumps({"kind": "project"})] * 2)
        batch = http.post("/score/batch", content=lines, headers={"Content-Type": "application/jsonl"})
        assert [json.loads(x)["form"] for x in batch.text.splitlines()] == ["batch.jsonl:1", "batch.jsonl:2"]
        assert http.get("/").headers["content-type"].startswith("text/html")
        assert http.get("/nope").headers["content-type"].startswith("application/problem+json")


def test_real_server_with_token_and_two_workers() -> None:
    running = local.start("--token", "t0ken", "--workers", "2", "--log-level", "warning", lifetime=600)
    base = running.base
    try:
        assert httpx.get(base + "/rulesets").status_code == 401
        assert httpx.get(base + "/rulesets", headers={"Authorization": "Bearer t0ken"}).status_code == 200
    finally:
        running.stop()


# ---------------------------------------------------------------- the workbench in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "run scripts/install-browser.sh (installs Debian's chromium)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def drop_file(page: object, path: Path) -> None:
    """Drop a file on the forms area the way a browser does: a DataTransfer with a File, a drop event."""
    page.evaluate(  # type: ignore[attr-defined]
        """([name, text]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, {type: "application/yaml"}));
            const zone = document.getElementById("drop");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", [path.name, path.read_text(encoding="utf-8")])


def test_workbench_edit_check_fix_score(server: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 950}, accept_downloads=True)  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(server + "/")
    page.select_option("#ruleset-select", HUANGSHI)
    page.wait_for_selector("#check-status.ok")
    assert "已证明 3 个得分公式" in page.inner_text("#check-status")

    # line 20 is `  actual <= budget.adjusted` (the check 成本不超预算); delete the d that ends it
    page.evaluate("workbench.editor.goto(20, 27)")
    page.keyboard.press("Delete")
    diag = page.wait_for_selector(".diag.error[data-line='20']")
    text = diag.inner_text()
    assert "第 20 行第 13 列" in text and "未定义的名称 budget.adjuste" in text and "budget.adjusted" in text
    assert page.inner_text("#check-status") == "1 个错误"
    assert page.evaluate("workbench.editor.drawn()") == [
        {"line": 20, "column": 13, "severity": "error", "message": "未定义的名称 budget.adjuste"}]
    page.wait_for_selector(".cm-lintRange-error")
    underlined = page.evaluate("""() => {
        const range = document.querySelector('.cm-lintRange-error');
        const line = range.closest('.cm-line');
        return [range.textContent, line.textContent];
    }""")
    assert underlined == ["budget.adjuste", "  actual <= budget.adjuste"]
    page.screenshot(path=str(tmp_path / "workbench-error.png"))

    page.keyboard.type("d")  # fixed
    page.wait_for_selector("#check-status.ok")
    assert page.query_selector(".diag") is None and page.evaluate("workbench.editor.drawn()") == []

    drop_file(page, EXAMPLE)
    total = page.wait_for_selector("[data-total]")
    assert total.get_attribute("data-total") == "91.64"
    assert "总分 91.64 / 100" in total.inner_text()
    card = page.inner_text(".card")
    assert "20 × ratio(67.51 ÷ 100) = 13.5" in card and "填报总分 88，按规则应为 91.64" in card
    row = page.locator(".card tr", has_text="预计参保人数")
    assert row.get_attribute("title") == "目标值 13000人；实际完成值 11789人；目标值未写方向，按正向指标计分"
    assert "15 ✗" in row.inner_text()  # the declared 15 differs from the 18.14 the rules give
    shot = tmp_path / "workbench.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000

    page.click("button[data-tab=tree]")
    tree = page.inner_text("#tree")
    assert "预算执行情况 分值 20✓ 得分 ∈ [0, 20]（区间分析证明）" in tree
    assert "hubei/2020/project.rules 第 49 行 预算执行情况 的得分：证明在 [0, 20]，要求 [0, 20]" in tree

    with page.expect_download() as download:
        page.click("#download")
    saved = tmp_path / "download.rules"
    download.value.save_as(str(saved))
    assert download.value.suggested_filename == "project.rules"
    assert saved.read_text(encoding="utf-8") == format_text(page.evaluate("workbench.editor.getText()"))
    page.goto(server + "/docs")  # the API page, under the same Content-Security-Policy
    page.wait_for_selector(".op")
    assert page.locator(".op").count() == 11
    assert errors == []  # no script error, no CSP violation, nothing fetched from elsewhere
    page.close()


def drop_bytes(page: object, name: str, data: bytes) -> None:
    """Drop a binary file (a workbook) on the forms area, as a browser does."""
    page.evaluate(  # type: ignore[attr-defined]
        """([name, encoded]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name));
            const zone = document.getElementById("drop");
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
        }""", [name, base64.b64encode(data).decode("ascii")])


def huangshi_02_workbook(tmp_path: Path) -> Path:
    """Seed 003's table 2 (the bundled example 02) written as a workbook in the 黄石 layout."""
    from openpyxl import Workbook

    from tests.tables_build import example, huangshi_sheet, workbook_bytes

    wb = Workbook()
    wb.active.title = "开发区配套"
    huangshi_sheet(wb.active, example(EXAMPLE))
    path = tmp_path / "02-kaifaqu-peitao.xlsx"
    path.write_bytes(workbook_bytes(wb))
    return path


def test_workbench_scores_a_dropped_and_a_picked_workbook(server: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1500, "height": 950})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(server + f"/?ruleset={HUANGSHI}")
    page.wait_for_selector("#check-status.ok")
    book = huangshi_02_workbook(tmp_path)
    drop_bytes(page, book.name, book.read_bytes())
    total = page.wait_for_selector("[data-total]")
    assert total.get_attribute("data-total") == "91.64" and "总分 91.64 / 100" in total.inner_text()
    card = page.inner_text(".card")
    assert "02-kaifaqu-peitao.xlsx" in card and "20 × ratio(67.51 ÷ 100) = 13.5" in card
    places = page.locator(".card .finding .place").all_inner_texts()
    assert places and all(p.strip().startswith("单元格 开发区配套!") for p in places)
    shot = tmp_path / "workbench-workbook.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    # picked through the file chooser, beside a file that is not a workbook at all
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    page.set_input_files("#forms-file", [str(broken)])
    page.wait_for_selector(".card[data-form] + .card .error-text")
    assert "broken.xlsx" in page.inner_text("#results") and "损坏" in page.inner_text("#results")
    assert page.locator("[data-total='91.64']").count() == 1
    # compare with last year reads the workbook through the same path
    page.check("input[name=mode][value=compare]")
    page.wait_for_selector(".changes table")
    rows = page.locator(".changes tbody tr").all_inner_texts()
    assert rows[0].split("\t") == ["02-kaifaqu-peitao.xlsx", "91.64", "91.64", "0", "优"]
    assert rows[1].startswith("broken.xlsx")
    assert errors == []
    page.close()


def test_workbench_next_year_and_compare(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page.goto(server + f"/?ruleset={HUANGSHI}")
    page.wait_for_selector("#check-status.ok")
    drop_file(page, EXAMPLE)
    page.wait_for_selector("[data-total='91.64']")
    page.fill("#new-year-value", "2023")
    page.click("#new-year")
    page.wait_for_selector("#file-name:has-text('extends hubei/huangshi/project-2022')")
    assert 'extends "hubei/huangshi/project-2022"' in page.evaluate("workbench.editor.getText()")
    page.wait_for_selector("#check-status.ok")
    # next year: 预算执行情况 scores its full weight; compare with 2022
    page.evaluate("""() => {
        const ed = workbench.editor;
        ed.setText(ed.getText() + '\\nitem 预算执行 "预算执行情况" weight 20 {\\n  score weight\\n}\\n');
    }""")
    page.wait_for_selector("#check-status.ok")
    page.check("input[name=mode][value=compare]")
    page.wait_for_selector(".changes table")
    text = page.inner_text(".changes")
    assert "hubei/huangshi/project-2022 v1 → hubei/huangshi/project-2023 v1" in text
    assert "预算执行（预算执行情况）：得分 = weight * ratio(budget.executed, budget.adjusted) → 得分 = weight" in text
    row = page.inner_text(".changes tbody tr")
    assert row.split("\t") == ["02-kaifaqu-peitao.yaml", "91.64", "98.14", "+6.5", "优"]
    page.close()


def test_workbench_opens_a_local_file_and_asks_for_the_token(browser: object, tmp_path: Path) -> None:
    running = local.start("--token", "tok", "--log-level", "warning", lifetime=600)
    try:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(running.base + "/")
        page.wait_for_selector("#token-box:not([hidden])")  # the API said 401: the page asks
        page.fill("#token", "tok")
        page.dispatch_event("#token", "change")
        page.wait_for_selector("#ruleset-select option[value='hubei/huangshi/project-2022']", state="attached")
        mine = tmp_path / "my-2023.rules"
        mine.write_text('ruleset "my/project-2023"\nextends "hubei/huangshi/project-2022"\nyears 2023\n'
                        "weight 预算执行 30\n", encoding="utf-8")
        page.set_input_files("#rules-file", str(mine))
        diag = page.wait_for_selector(".diag.error")
        assert page.inner_text("#file-name") == "my-2023.rules"
        # the sum is wrong in the merged tree; the checker places it at the parent's weight (another
        # file), so it is listed with that file's place and not underlined in this editor
        assert "各部分分值之和为 110" in diag.inner_text()
        assert diag.inner_text().startswith("hubei/2020/project.rules:48")
        assert page.evaluate("workbench.editor.drawn()") == []
        assert page.evaluate("workbench.editor.getText()") == mine.read_text(encoding="utf-8")
        page.close()
    finally:
        running.stop()
