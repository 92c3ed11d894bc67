"""The ``perfrules`` command line.

Exit status (forms.md): 0 scored with no error finding; 1 scored with at least
one error finding (or a check/test/fmt that failed); 2 a form or ruleset could
not be read.  No Python traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import PerfrulesError

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


# ---------------------------------------------------------------- commands


def cmd_score(args: argparse.Namespace) -> int:
    from .api import Scorer, load_ruleset

    ruleset = load_ruleset(args.ruleset, paths=args.path) if args.ruleset else None
    scorer = Scorer(ruleset, args.path)
    status = EXIT_OK
    results = []
    for scored in scorer.score_files(args.forms):
        if scored.error is not None:
            _err(scored.error.render())
            status = EXIT_UNREADABLE
            if args.format == "json":
                results.append({"form": scored.source, "error": [d.render() for d in scored.error.diagnostics]})
            continue
        r = scored.result
        assert r is not None
        if r.errors and status == EXIT_OK:
            status = EXIT_FINDINGS
        if args.format == "json":
            results.append(r.to_dict())
        else:
            from .explain import render_result

            _out(render_result(r, full=args.command == "explain"))
            _out()
    if args.format == "json":
        doc = results[0] if len(results) == 1 and len(args.forms) == 1 else results
        _out(json.dumps(doc, ensure_ascii=False, indent=2))
    return status


def cmd_check(args: argparse.Namespace) -> int:
    from .api import Ruleset
    from .registry import Registry

    registry = Registry(args.path)
    status = EXIT_OK
    for path in args.rulesets:
        try:
            rs = Ruleset(registry.chain(path))
        except PerfrulesError as e:
            _err(e.render())
            status = EXIT_UNREADABLE
            continue
        for d in rs.diagnostics:
            _err(d.render())
        m = rs.model
        items = [n for n in m.nodes() if n.is_leaf]
        rows = [n for n in m.nodes() if n.is_rows]
        proofs = len([n for n in items if n.score is not None or n.deducts])
        if m.policy:
            proofs += len(m.policy.formulas)
        _out(f"{path}: 通过 ✓  {m.id} v{m.version}（{'/'.join(m.jurisdiction) or '全国'}，{m.years_text()}，{m.kind}）")
        _out(f"  满分 {m.full}；{len(items)} 个计分项、{len(rows)} 个指标行部分；已证明 {proofs} 个得分公式不超出 [0, 分值]"
             + (f"；{len(m.policy.bands)} 档定性分档覆盖 0%–100%" if m.policy and m.policy.bands else ""))
    return status


def cmd_rulesets(args: argparse.Namespace) -> int:
    from .registry import Registry

    registry = Registry(args.path)
    entries = sorted(registry.entries(), key=lambda e: (e.jurisdiction, e.kind, e.first_year))
    if args.format == "json":
        _out(json.dumps([{"id": e.id, "jurisdiction": e.jurisdiction_text(), "years": e.years_text(), "kind": e.kind,
                          "title": e.title, "path": e.path, "extends": e.extends} for e in entries],
                        ensure_ascii=False, indent=2))
    else:
        for e in entries:
            ext = f"  (extends {e.extends})" if e.extends else ""
            _out(f"{e.id:<40} {e.jurisdiction_text():<18} {e.years_text():<10} {e.kind:<11} {e.title}{ext}")
    for path, message in registry.unreadable:
        _err(f"{path}: 无法读取\n{message}")
    return EXIT_UNREADABLE if registry.unreadable else EXIT_OK


def cmd_examples(args: argparse.Namespace) -> int:
    from .registry import bundled_dir

    for f in sorted(bundled_dir().rglob("examples/*")):
        if f.suffix in (".yaml", ".yml", ".json"):
            _out(str(f))
    return EXIT_OK


# ---------------------------------------------------------------- parser

_EPILOG = """退出码 (exit status): 0 计分完成且无 error 级发现；1 有 error 级发现；2 表单或规则无法读取。
文档: docs/ (语言参考 docs/language.zh.md, embedding guide docs/embedding.md)"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="perfrules",
        description="perfrules — 预算绩效自评表计分规则引擎 (budget-performance self-evaluation rule engine)",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"perfrules {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="额外的规则目录（可重复）/ an extra folder of rulesets (repeatable)")

    s = sub.add_parser("score", help="给表单计分 / score forms", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="按规则给一个或多个表单（YAML 或 JSON）计分，列出每项得分、填报值和发现的问题。")
    s.add_argument("forms", nargs="+", metavar="FORM", help="表单文件 (.yaml/.yml/.json)")
    s.add_argument("--ruleset", metavar="FILE|ID", help="指定规则（否则按表单的 kind、jurisdiction、year 查找）")
    s.add_argument("--format", choices=("text", "json"), default="text", help="输出格式 (默认 text)")
    common(s)
    s.set_defaults(func=cmd_score)

    e = sub.add_parser("explain", help="给出完整的计分过程 / the full trace", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="同 score，另列出每一项的输入、判定（方向、等次）和算式。")
    e.add_argument("forms", nargs="+", metavar="FORM")
    e.add_argument("--ruleset", metavar="FILE|ID")
    e.add_argument("--format", choices=("text", "json"), default="text")
    common(e)
    e.set_defaults(func=cmd_score)

    c = sub.add_parser("check", help="检查规则文件 / check ruleset files", epilog=_EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="检查规则: 名称、分值合计、分档、等级，并证明每个得分公式不会超出 [0, 分值]。")
    c.add_argument("rulesets", nargs="+", metavar="RULESET", help="规则文件 (.rules)")
    common(c)
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rulesets", help="列出可用的规则 / list rulesets",
                       description="列出内置规则（及 --path 目录中的规则）: 编号、地区、年度、表单类别、名称。")
    r.add_argument("--format", choices=("text", "json"), default="text")
    common(r)
    r.set_defaults(func=cmd_rulesets)

    x = sub.add_parser("examples", help="列出内置的示例表单 / list the bundled example forms",
                       description="打印安装包中示例表单的路径，可直接交给 perfrules score。")
    x.set_defaults(func=cmd_examples)

    for extra in _EXTRA_COMMANDS:
        extra(sub)
    return p


#: Commands registered by other modules (diff, new-year, schema, fuzz, test, fmt).
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``perfrules`` console script."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNREADABLE
    try:
        return int(args.func(args))
    except PerfrulesError as e:
        _err(e.render())
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
