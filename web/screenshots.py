"""Takes the workbench screenshots in docs/img/ (run by hand after changing the page; not by CI).

    .venv/bin/python web/screenshots.py

Starts `perfrules serve` on a free loopback port, drives Debian's Chromium through Playwright:
the 黄石 2022 ruleset with an error typed in (workbench-error.png), then fixed, the bundled example
form dropped and the rubric tab open (workbench.png); stops the server.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfrules.serve import local
from tests.test_serve_live import EXAMPLE, drop_file

OUT = ROOT / "docs" / "img"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    server = local.start("--log-level", "warning")
    base = server.base
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1360, "height": 860})
            page.goto(base + "/?ruleset=hubei/huangshi/project-2022")
            page.wait_for_selector("#check-status.ok")
            drop_file(page, EXAMPLE)
            page.wait_for_selector("[data-total='91.64']")
            page.evaluate("workbench.editor.goto(20, 27)")
            page.keyboard.press("Delete")
            page.wait_for_selector(".diag.error[data-line='20']")
            page.screenshot(path=str(OUT / "workbench-error.png"))
            page.keyboard.type("d")
            page.wait_for_selector("[data-total='91.64']")
            page.click("button[data-tab=tree]")
            page.evaluate("workbench.editor.goto(1, 1)")
            page.screenshot(path=str(OUT / "workbench.png"))
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
