"""perfrules report: the summary workbook (汇总 / 发现 / one sheet per form) and the self-contained HTML page,
opened in headless Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from perfrules.cli import main
from tests.tables_build import HUANGSHI, example, huangshi_sheet, workbook_bytes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture()
def forms(tmp_path: Path) -> Path:
    for p in HUANGSHI[:5]:
        shutil.copy(p, tmp_path / p.name)
    wb = Workbook()
    huangshi_sheet(wb.active, example(HUANGSHI[6]))
    (tmp_path / "07-daye.xlsx").write_bytes(workbook_bytes(wb))
    (tmp_path / "09-broken.xlsx").write_bytes(b"not a workbook")
    return tmp_path


def test_report_xlsx(forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.xlsx"
    code = main(["report", str(forms), "-o", str(out), "--jurisdiction", "湖北省/黄石市/铁山区"])
    _, err = capsys.readouterr()
    assert code == 2 and err.rstrip().splitlines()[-1] == "7 forms: 2 scored, 4 with errors, 1 unreadable"
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["汇总", "发现"]
    summary = [[c.value for c in row] for row in wb["汇总"].iter_rows(min_row=2)]
    assert len(summary) == 7  # every form, the unreadable one included
    by_name = {Path(r[1]).name: r for r in summary}
    # totals by hand: 01 20 + 20×14368/16000 + 60 = 97.96; 02 13.5 + 20×11789/13000 + 60 = 91.64
    assert by_name["01-tieshan-peitao.yaml"][6:10] == [97.96, "优", 94, -3.96]
    assert by_name["02-kaifaqu-peitao.yaml"][6:10] == [91.64, "优", 88, -3.64]
    assert by_name["09-broken.xlsx"][6] is None and "不是有效的 .xlsx" in by_name["09-broken.xlsx"][13]
    ranks = {Path(r[1]).name: r[12] for r in summary}
    assert ranks["05-zhengshou-jingfei.yaml"] == 1 and ranks["02-kaifaqu-peitao.yaml"] == 7 - 1
    assert wb["汇总"]["J3"].fill.fgColor.rgb.endswith("F8D7DA")  # a declared total that disagrees
    findings = [[c.value for c in row] for row in wb["发现"].iter_rows(min_row=2)]
    places = {r[1] for r in findings if r[0].endswith("07-daye.xlsx")}
    assert "Sheet!B7" not in places and any(p.startswith("Sheet!") for p in places)  # cells for the workbook form
    assert any(r[1] == "第 8 行" for r in findings if r[0].endswith("02-kaifaqu-peitao.yaml"))  # lines for YAML
    sheet = wb[wb.sheetnames[3]]  # 02's sheet, official layout: declared 13 vs computed 13.5 highlighted
    assert sheet["A1"].value == "2022 年度项目支出绩效自评表" and sheet["B2"].value == "城乡居民基本医疗保险区级配套资金（开）"
    assert [sheet.cell(5, c).value for c in range(3, 10)] == [
        "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分（填报）", "计算得分"]
    # 年度资金总额: 100 / 67.51, 分值 20, 执行率 67.51 ÷ 100, declared 13, computed 20 × 0.6751 = 13.50
    assert [sheet.cell(6, c).value for c in range(2, 10)] == ["年度资金总额", None, 100, 67.51, 20, 0.6751, 13, 13.5]
    assert sheet["H6"].fill.fgColor.rgb.endswith("F8D7DA") and sheet["I6"].fill.fgColor.rgb.endswith("F8D7DA")
    assert sheet["I6"].comment is not None
    header = [sheet.cell(8, c).value for c in range(1, 11)]
    assert header == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分（填报）",
                      "计算得分", "偏差原因分析及改进措施"]
    # 预计参保人数: 20 × 11789 ÷ 13000 = 18.14 computed, 15 declared: highlighted, its finding as a comment
    assert [sheet.cell(9, c).value for c in range(1, 10)] == [
        "年度绩效目标1 (70分)", "产出指标", "数量指标", "预计参保人数", "13000人", "11789人", 20, 15, 18.14]
    assert sheet["H9"].fill.fgColor.rgb.endswith("F8D7DA") and "15" in sheet["I9"].comment.text
    assert sheet["I10"].value == 10 and sheet["I10"].fill.fgColor.rgb != "FFF8D7DA" and sheet["I10"].comment is None
    assert "A9:A14" in {str(m) for m in sheet.merged_cells.ranges}  # the goal's label merged down its six rows
    total = next(r for r in sheet.iter_rows(min_row=9) if r[0].value == "总分")
    assert [c.value for c in total[6:10]] == [100, 88, 91.64, "等级 优"]
    assert total[7].fill.fgColor.rgb.endswith("F8D7DA")
    findings_at = next(r[0].row for r in sheet.iter_rows(min_row=total[0].row) if (r[0].value or "").startswith("发现"))
    listed = [sheet.cell(k, 2).value for k in range(findings_at + 2, sheet.max_row + 1)]
    assert len(listed) == int(sheet.cell(findings_at, 1).value.split()[1]) and listed  # every finding under the table


def test_report_html_is_self_contained(forms: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    main(["report", str(forms), "-o", str(out), "--jurisdiction", "湖北省/黄石市/铁山区"])
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html)  # no network, no CDN
    assert html.count("<svg") == 2 and "等级分布" in html and "各表总分" in html
    assert html.count('<h2 id="form-') == 7 and "09-broken.xlsx（无法读取）" in html
    assert "<script>alert" not in html


def test_form_text_is_escaped(tmp_path: Path) -> None:
    form = HUANGSHI[4].read_text(encoding="utf-8").replace("title: 医疗保险征收经费", 'title: "<script>alert(1)</script>"')
    (tmp_path / "x.yaml").write_text(form, encoding="utf-8")
    main(["report", str(tmp_path / "x.yaml"), "-o", str(tmp_path / "r.html")])
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="headless Chromium not installed (scripts/install-browser.sh)")
def test_report_html_in_a_browser(forms: Path, tmp_path: Path) -> None:
    """Open the page offline in headless Chromium: it renders, sorts by total, and has both charts."""
    playwright = pytest.importorskip("playwright.sync_api")
    out = tmp_path / "report.html"
    main(["report", str(forms), "-o", str(out), "--jurisdiction", "湖北省/黄石市/铁山区"])
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(out.as_uri())
            assert all(u.startswith("file:") for u in requests)  # nothing fetched from a network
            assert page.locator("svg").count() == 2
            assert page.locator("#summary tbody tr").count() == 7
            total_header = page.locator("#summary th", has_text="总分").first
            total_header.click()
            total_header.click()  # descending
            first = page.locator("#summary tbody tr").first.locator("td").nth(5).inner_text()
            assert first == "100"
            bbox = page.locator("svg").first.bounding_box()
            assert bbox is not None and bbox["width"] > 300 and bbox["height"] > 50
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / "report.png"), full_page=False)
            page.locator(".charts").screenshot(path=str(SHOTS / "report-charts.png"))
            page.locator("#form-2").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "report-form.png"))
        finally:
            browser.close()
