"""Commands for tables: ``import`` (table → YAML form), ``template`` (blank workbook), ``report`` (xlsx/html)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_help import exit_codes as _exits

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def _table_options(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--ruleset", metavar="FILE|ID", help="指定规则（否则按表单的 kind、地区、年度查找）")
    sp.add_argument("--jurisdiction", metavar="AREA", help="表格中没有写明时的地区，如 湖北省/黄石市/铁山区")
    sp.add_argument("--year", type=int, metavar="YEAR", help="表格标题中没有年度时的年度")
    sp.add_argument("--kind", metavar="KIND", help="表格标题说不清时的表单类别: project 或 department")
    sp.add_argument("--path", action="append", default=[], metavar="DIR", help="额外的规则目录（可重复）")


def cmd_import(args: argparse.Namespace) -> int:
    from .batch import read_bytes, scorer_and_defaults
    from .tables import TableError, read_tables
    from .tables.export import form_yaml

    _, defaults = scorer_and_defaults(args.ruleset, args.path, args.jurisdiction, args.year, args.kind)
    docs: list[str] = []
    status = EXIT_OK
    for name in args.files:
        data = read_bytes(name)
        if not isinstance(data, bytes):
            sys.stderr.write(data.render() + "\n")
            status = EXIT_UNREADABLE
            continue
        for item in read_tables(data, name, defaults=defaults):
            if isinstance(item, TableError):
                sys.stderr.write(item.error.render() + "\n")
                status = EXIT_UNREADABLE
                continue
            docs.append(form_yaml(item.raw.data, item.raw.places, item.source, item.raw.notices))
    text = "---\n".join(docs)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        sys.stderr.write(f"已写出 {len(docs)} 张表单到 {args.output}\n")
    else:
        sys.stdout.write(text)
    return status if docs or status else EXIT_UNREADABLE


def cmd_template(args: argparse.Namespace) -> int:
    from .api import load_ruleset
    from .tables.template import build_template

    rs = load_ruleset(args.ruleset, paths=args.path)
    if args.year is not None and not rs.model.in_force(args.year):
        sys.stderr.write(f"{rs.id} 适用于 {rs.model.years_text()} 年，不适用于 {args.year} 年\n"
                         "  = 提示: 用 perfrules rulesets 查看各规则的适用年度\n")
        return EXIT_UNREADABLE
    out = Path(args.output)
    out.write_bytes(build_template(rs.model, args.rows, args.year))
    sys.stdout.write(f"已生成 {out}（{rs.id} 第 {rs.version} 版的空白自评表）\n"
                     f"填好后运行: perfrules score {out}\n")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from .batch import (
        Summary,
        batch_size,
        expand_inputs,
        progress,
        score_inputs,
        scorer_and_defaults,
    )

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        sys.stderr.write(f"{out}: 报告只能写成 .xlsx 或 .html\n")
        return EXIT_UNREADABLE
    scorer, defaults = scorer_and_defaults(args.ruleset, args.path, args.jurisdiction, args.year, args.kind)
    inputs = expand_inputs(args.forms)
    items = list(progress(score_inputs(scorer, inputs, defaults), batch_size(inputs), sys.stderr))
    summary = Summary()
    for item in items:
        summary.add(item)
        if item.error is not None:
            sys.stderr.write(item.error.render() + "\n")
    if suffix == ".xlsx":
        from .tables.report_xlsx import build_report_xlsx

        out.write_bytes(build_report_xlsx(items))
    else:
        from .tables.report_html import build_report_html

        out.write_text(build_report_html(items, args.title), encoding="utf-8")
    sys.stderr.write(summary.line() + "\n")
    sys.stdout.write(f"已写出报告 {out}\n")
    return summary.exit_status if summary.total else EXIT_UNREADABLE


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``import``, ``template`` and ``report`` to the ``perfrules`` command line."""
    i = sub.add_parser("import", help="把 Excel/Word 中的自评表读成 YAML 表单 / read tables into YAML forms",
                       description="读取工作簿（.xlsx/.xls）或 Word 文档（.docx）中的绩效自评表，写成 YAML 表单"
                                   "（每个值后注明所在单元格），可直接交给 perfrules score。",
                       epilog=_exits("0 所有表都已读出", None, "2 有文件或表无法读取（其余照常写出），或没有读出任何表"),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    i.add_argument("files", nargs="+", metavar="FILE", help=".xlsx/.xls/.docx 文件")
    i.add_argument("-o", "--output", metavar="FILE", help="输出的 YAML 文件（默认打印到屏幕）")
    _table_options(i)
    i.set_defaults(func=cmd_import)

    t = sub.add_parser("template", help="生成规则对应的空白自评表 (.xlsx) / a blank workbook for a ruleset",
                       description="按规则生成官方版式的空白自评表：各部分及分值、下拉列表、数字格式、锁定的标签单元格，"
                                   "以及规则要求填写的数据项。填好后可直接用 perfrules score 计分。",
                       epilog=_exits("0 已写出空白表", None, "2 规则无法读取"),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("ruleset", metavar="RULESET", help="规则（文件或编号）")
    t.add_argument("-o", "--output", metavar="FILE", required=True, help="输出的 .xlsx 文件")
    t.add_argument("--rows", type=int, default=5, metavar="N", help="每个部分预留的指标行数（默认 5）")
    t.add_argument("--year", type=int, metavar="YEAR", help="表格标题中的年度（默认为规则的起始年度）")
    t.add_argument("--path", action="append", default=[], metavar="DIR", help="额外的规则目录（可重复）")
    t.set_defaults(func=cmd_template)

    r = sub.add_parser("report", help="批量计分并写出汇总报告 (.xlsx/.html) / a report on a batch",
                       description="给表单（目录递归查找所有支持的文件）计分，写出汇总工作簿（汇总、发现、每张表一页）"
                                   "或单个离线 HTML 页面（可排序的汇总表、等级分布和总分图、每张表的计分与发现）。"
                                   "无法读取的表单也列在汇总中，注明原因。",
                       epilog=_exits("0 已写出报告，没有 error 级的发现", "1 已写出报告，有 error 级的发现",
                                     "2 有表单无法读取，或没有可以计分的表单"),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("forms", nargs="+", metavar="FORM", help="表单文件或目录")
    r.add_argument("-o", "--output", metavar="FILE", required=True, help="report.xlsx 或 report.html")
    r.add_argument("--title", default="绩效自评表计分汇总", help="HTML 报告的标题")
    _table_options(r)
    r.set_defaults(func=cmd_report)

