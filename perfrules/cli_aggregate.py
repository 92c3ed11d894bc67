"""``perfrules aggregate``: several funds' tables of one project → one form, then scored (汇总原则)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cli_help import exit_codes

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2

_EXITS = exit_codes(
    "0 汇总并计分，没有 error 级的发现",
    "1 汇总并计分，有 error 级的发现",
    "2 有表单或规则无法读取，或各表无法汇总（指标对不上、单位不一致等，会指出两处位置）",
)


def cmd_aggregate(args: argparse.Namespace) -> int:
    from .aggregate import aggregate_forms, dump_form
    from .api import Scorer, load_ruleset
    from .errors import FormError
    from .explain import render_result
    from .forms import iter_forms, read_form

    forms = []
    unreadable = False
    for _source, item in iter_forms(args.forms):
        if isinstance(item, FormError):
            sys.stderr.write(item.render() + "\n")
            unreadable = True
            continue
        try:
            forms.append(read_form(item))
        except FormError as e:
            sys.stderr.write(e.render() + "\n")
            unreadable = True
    if unreadable or not forms:
        return EXIT_UNREADABLE
    ruleset = load_ruleset(args.ruleset, paths=args.path) if args.ruleset else Scorer(None, args.path).ruleset_for(
        forms[0])
    combined = aggregate_forms(forms, ruleset.model, ruleset.evaluate)
    text = dump_form(combined.data)
    source = args.output or "<汇总>"
    if args.output == "-":
        sys.stdout.write(text)
    elif args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    result = ruleset.evaluate(read_form(combined.data, source))
    result.findings[:0] = list(combined.notes)
    if args.output == "-":
        return EXIT_FINDINGS if result.errors else EXIT_OK
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_result(result) + "\n")
        if args.output:
            sys.stdout.write(f"汇总表已写入 {args.output}\n")
    return EXIT_FINDINGS if result.errors else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``perfrules aggregate`` to the command line."""
    a = sub.add_parser(
        "aggregate", help="把同一项目几笔资金的表汇总成一张并计分 / aggregate funds' tables, then score",
        description="按规则的汇总原则（aggregate）把同一项目、几笔资金分别填写的自评表合成一张：绝对值累加，"
                    "相对值按资金额度加权平均，定性指标的得分按资金额度加权平均，预算数、执行数累加；然后计分。"
                    "结果记录来源表（aggregated_from）。",
        epilog=_EXITS, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("forms", nargs="+", metavar="FORM", help="同一项目各笔资金的表单文件")
    a.add_argument("-o", "--output", metavar="FILE", help="把汇总后的表单写入 FILE（YAML）；写 - 则输出到标准输出、不计分")
    a.add_argument("--ruleset", metavar="FILE|ID", help="指定规则（否则按第一张表的 kind、jurisdiction、year 查找）")
    a.add_argument("--format", choices=("text", "json"), default="text", help="计分结果的格式（默认 text）")
    a.add_argument("--path", action="append", default=[], metavar="DIR", help="额外的规则目录（可重复）")
    a.set_defaults(func=cmd_aggregate)
