"""``perfrules report … -o report.html``: one self-contained page for a batch.

No network and no CDN (offices are often offline): styles, the sorting script
and the charts (inline SVG) are all in the page.  The summary table sorts by any
column; a bar chart shows the grade distribution and another each form's total;
then each form's table with declared and computed scores (disagreements marked)
and its findings.  Every text from a form is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from .._version import __version__
from ..api import Scored
from ..result import Result
from ..values import fmt_number
from .report_summary import SummaryRow, grade_counts, item_lines, number_text, summarize, where

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#1d2733}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #dde5f0}
table{border-collapse:collapse;margin:8px 0;font-size:13px} th,td{border:1px solid #c9d3df;padding:4px 8px}
th{background:#dde5f0;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
th.sortable{cursor:pointer} th.sortable:after{content:" ⇅";color:#8a99ab}
tr.bad td{background:#f8d7da} td.bad{background:#f8d7da;font-weight:bold}
.sev-error{color:#b02a37;font-weight:bold} .sev-warning{color:#997404} .sev-info{color:#526173}
.charts{display:flex;gap:32px;flex-wrap:wrap} .meta{color:#526173;font-size:13px}
.sec td{background:#f3f6fa;font-weight:bold} td.unit{min-width:9em} #summary td:last-child{max-width:28em}
"""

_SORT_JS = """
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){
    th.classList.add('sortable');
    th.addEventListener('click',function(){
      var body=t.tBodies[0], rows=Array.prototype.slice.call(body.rows);
      var asc=th.dataset.dir!=='asc'; th.dataset.dir=asc?'asc':'desc';
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.v||a.cells[i].textContent, y=b.cells[i].dataset.v||b.cells[i].textContent;
        var nx=parseFloat(x), ny=parseFloat(y);
        var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'zh');
        return asc?c:-c;});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
});
"""

_GRADE_COLOURS = ("#2f7d4f", "#4c8cbf", "#d9a400", "#c0504d", "#7a6fa8", "#8a99ab")


def _bar_chart(title: str, bars: list[tuple[str, Decimal, str]], maximum: Decimal, unit: str = "") -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    row_h, label_w, bar_w = 24, 220, 320
    height = 30 + row_h * max(1, len(bars))
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" height="{height}" '
              f'role="img" aria-label="{escape(title)}">'),
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for k, (label, value, colour) in enumerate(bars):
        y = 26 + k * row_h
        width = 0 if not maximum else int(bar_w * (value / maximum))
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                     f'<title>{escape(label)}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + width + 4}" y="{y + 15}" font-size="12">{escape(fmt_number(value))}'
                     f'{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary_table(rows: list[SummaryRow]) -> str:
    head = ("序号", "表单", "单位", "项目", "规则", "总分", "等级", "填报总分", "差额", "错误", "警告", "排名", "问题")
    out = ['<table class="sortable" id="summary"><thead><tr>' + "".join(f"<th>{h}</th>" for h in head)
           + "</tr></thead><tbody>"]
    for r in rows:
        cls = ' class="bad"' if r.error else ""
        diff_cls = ' bad' if r.difference else ""
        cells = [
            f'<td class="n">{r.number}</td>',
            f'<td title="{escape(r.source)}">{escape(r.source.replace(chr(92), "/").rsplit("/", 1)[-1])}</td>',
            f'<td class="unit">{escape(r.unit)}</td>',
            f"<td>{escape(r.title)}</td>", f"<td>{escape(r.ruleset)}{' v' + escape(r.version) if r.version else ''}</td>",
            f'<td class="n" data-v="{number_text(r.total) or -1}">{escape(r.total_text)}</td>',
            f"<td>{escape(r.grade)}</td>", f'<td class="n">{number_text(r.declared_total)}</td>',
            f'<td class="n{diff_cls}">{number_text(r.difference)}</td>',
            f'<td class="n">{"" if r.error else r.errors}</td>', f'<td class="n">{"" if r.error else r.warnings}</td>',
            f'<td class="n" data-v="{r.rank or 9999}">{r.rank or ""}</td>', f"<td>{escape(r.error)}</td>"]
        out.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _form_section(n: int, it: Scored) -> str:
    if it.result is None:
        message = it.error.render() if it.error is not None else "无法读取"
        return (f'<h2 id="form-{n}">{n}. {escape(it.source)}（无法读取）</h2>'
                f'<pre class="sev-error">{escape(message)}</pre>')
    r: Result = it.result
    out = [f'<h2 id="form-{n}">{n}. {escape(r.title or r.form)}</h2>',
           (f'<p class="meta">{escape(r.unit or "")} · {escape(r.form)} · 规则 {escape(r.ruleset_id)} 第 '
            f'{escape(r.ruleset_version)} 版</p>'),
           ('<table><thead><tr><th>部分 / 指标</th><th>分值</th><th>填报</th><th>计算</th><th>计算过程</th>'
            '<th>位置</th></tr></thead><tbody>')]
    for line in item_lines(r):
        if line.section:
            out.append(f'<tr class="sec"><td>【{escape(line.name)}】</td><td class="n">{fmt_number(line.weight)}</td>'
                       f'<td></td><td class="n">{fmt_number(line.score)}</td><td></td><td></td></tr>')
            continue
        bad = " bad" if line.difference is not None else ""
        out.append(f"<tr><td>{escape(line.name)}</td><td class=\"n\">{fmt_number(line.weight)}</td>"
                   f'<td class="n{bad}">{number_text(line.declared)}</td>'
                   f'<td class="n{bad}">{fmt_number(line.score)}</td>'
                   f"<td>{escape(line.explain)}</td><td>{escape(line.place)}</td></tr>")
    differs = r.declared_total is not None and r.declared_total != r.total
    out.append(f'<tr class="sec"><td>总分（等级 {escape(r.grade)}）</td><td class="n">{fmt_number(r.max)}</td>'
               f'<td class="n{" bad" if differs else ""}">{number_text(r.declared_total)}</td>'
               f'<td class="n{" bad" if differs else ""}">{fmt_number(r.total)}</td><td></td><td></td></tr>')
    out.append("</tbody></table>")
    if r.findings:
        out.append(f"<p><b>发现 {len(r.findings)} 项</b></p><table><thead><tr><th>级别</th><th>代码</th><th>位置</th>"
                   "<th>说明</th></tr></thead><tbody>")
        for f in r.findings:
            out.append(f'<tr><td class="sev-{escape(f.severity)}">{escape(f.severity)}</td><td>{escape(f.code)}</td>'
                       f"<td>{escape(where(f))}</td><td>{escape(f.message)}</td></tr>")
        out.append("</tbody></table>")
    else:
        out.append("<p>未发现问题</p>")
    return "".join(out)


def build_report_html(items: Sequence[Scored], title: str = "绩效自评表计分汇总") -> str:
    """The HTML text of the report on `items` (in input order)."""
    rows, findings = summarize(items)
    counts = grade_counts(rows)
    grade_bars = [(g, Decimal(c), "#8a99ab" if g == "无法读取" else _GRADE_COLOURS[k % (len(_GRADE_COLOURS) - 1)])
                  for k, (g, c) in enumerate(counts.items())]
    total_bars = [(r.title or r.source, r.total, "#4c8cbf") for r in rows if r.total is not None]
    full = max((it.result.max for it in items if it.result is not None), default=Decimal(100))
    scored = [r for r in rows if r.total is not None]
    errors = sum(1 for f in findings if f.severity == "error")
    body = [
        f"<h1>{escape(title)}</h1>",
        (f'<p class="meta">{len(rows)} 张表单：{len(scored)} 张已计分，{len(rows) - len(scored)} 张无法读取；'
         f"error 级发现 {errors} 项。perfrules {escape(__version__)} 生成；点击表头排序。</p>"),
        _summary_table(rows),
        '<div class="charts">',
        _bar_chart("等级分布（张）", grade_bars, max((b[1] for b in grade_bars), default=Decimal(1))),
        _bar_chart("各表总分", total_bars, full, " 分"),
        "</div>",
    ]
    body.extend(_form_section(n, it) for n, it in enumerate(items, 1))
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
            + "".join(body) + f"<script>{_SORT_JS}</script></body></html>\n")
