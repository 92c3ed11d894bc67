"""The ``perfrules`` command line.

Exit status (forms.md): 0 scored with no error finding; 1 scored with at least
one error finding (or a check/test/fmt that failed); 2 a form or ruleset could
not be read.  No Python traceback reaches the user for bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__, cli_aggregate, cli_serve
from .cli_help import exit_codes as _exits
from .errors import PerfrulesError

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


# ---------------------------------------------------------------- commands


def cmd_score(args: argparse.Namespace) -> int:
    from .batch import run_score, scorer_and_defaults
    from .parallel import score_in_parallel

    summary = getattr(args, "summary", False)  # `score` only
    if summary and args.format == "text":
        _err("perfrules score: --summary 只用于 --format jsonl、json 或 csv（csv 本来就是每张表单一行汇总）；"
             "text 输出请去掉 --summary")
        return EXIT_UNREADABLE
    if (status := score_in_parallel(args)) is not None:
        return status

    scorer, defaults = scorer_and_defaults(args.ruleset, args.path, args.jurisdiction, args.year, args.kind,
                                           prove=not args.no_prove)
    return run_score(scorer, args.forms, defaults, args.format, full=args.command == "explain", summary=summary)


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
        _out("  " + check_summary(m, len(items), len(rows), proofs))
        adjustable = [n for n in m.root if n.adjust]
        if adjustable:
            _out("  表上可自定分值（adjustable）: " + "、".join(
                f"{n.name} {n.adjust[0]}–{n.adjust[1]}" for n in adjustable if n.adjust)
                + f"；与其余部分合计须为 {m.full}，每行得分不超过表上该行的分值")
    return status


_FUNDS = {"budget.adjusted": "预算数", "budget.executed": "执行数", "budget.initial": "年初预算数"}


def check_summary(m: Any, items: int, rows: int, proofs: int) -> str:
    """What `check` proved, as a sentence."""
    parts = [f"满分 {m.full} 分，由 {items} 个直接计分的项目和 {rows} 个按指标行计分的部分组成",
             f"已证明全部 {proofs} 个得分公式的结果都在 0 分和分值之间"]
    policy = m.policy
    if policy and policy.bands:
        parts.append(f"定性指标分 {len(policy.bands)} 档，覆盖分值的 0%–100%")
    if policy and policy.classes:
        parts.append(f"{len(policy.classes)} 类指标按各自的公式计分")
    if policy and policy.inapplicable:
        parts.append("不适用的指标不计分，分值" + ("在所在部分内折算" if policy.inapplicable == "section" else "由总分按满分折算"))
    if m.aggregation:
        parts.append(f"几笔资金的表按{_FUNDS.get(m.aggregation.by, m.aggregation.by)}加权汇总")
    return "；".join(parts) + "。"


def cmd_rulesets(args: argparse.Namespace) -> int:
    from .registry import Registry

    registry = Registry(args.path)
    entries = sorted(registry.entries(), key=lambda e: (e.jurisdiction, e.kind, e.first_year))
    if args.format == "json":
        _out(json.dumps([{"id": e.id, "jurisdiction": e.jurisdiction_text(), "years": e.years_text(), "kind": e.kind,
                          "title": e.title, "path": e.path, "extends": e.extends} for e in entries],
                        ensure_ascii=False, indent=2))
    else:
        from .errors import display_width

        def pad(text: str, width: int) -> str:
            return text + " " * max(1, width - display_width(text))

        for e in entries:
            ext = f"  (extends {e.extends})" if e.extends else ""
            _out(f"{pad(e.id, 42)}{pad(e.jurisdiction_text(), 24)}{pad(e.years_text(), 8)}{pad(e.kind, 12)}{e.title}{ext}")
    for path, message in registry.unreadable:
        _err(f"{path}: 无法读取\n{message}")
    clashes = registry.conflicts()
    for a, b in clashes:
        _err(f"error[ambiguous-ruleset]: {a.id}（{a.path}）与 {b.id}（{b.path}）都适用于 {a.jurisdiction_text()} "
             f"{a.kind} 表单的 {max(a.first_year, b.first_year)} 年\n  = 提示: 调整其中一个的 years，使适用年度不重叠")
    return EXIT_UNREADABLE if registry.unreadable or clashes else EXIT_OK


def cmd_examples(args: argparse.Namespace) -> int:
    from .registry import bundled_dir

    for f in sorted(bundled_dir().rglob("examples/*")):
        if f.suffix in (".yaml", ".yml", ".json"):
            _out(str(f))
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from .api import load_ruleset
    from .diff import GROUP_TITLES, diff_models, total_change

    old = load_ruleset(args.old, paths=args.path)
    new = load_ruleset(args.new, paths=args.path)
    changes = diff_models(old.model, new.model)
    _out(f"{old.id} v{old.version} → {new.id} v{new.version}")
    if not changes:
        _out("  两个规则的计分内容相同。")
    for kind, title in GROUP_TITLES.items():
        group = [c.text for c in changes if c.kind == kind]
        if group:
            _out(f"【{title}】")
            for text in group:
                _out(f"  - {text}")
    status = EXIT_OK
    if args.forms:
        from .forms import iter_forms, read_form

        files = sorted(str(p) for d in args.forms for p in (Path(d).rglob("*") if Path(d).is_dir() else [Path(d)])
                       if p.suffix.lower() in (".yaml", ".yml", ".json"))
        from .errors import display_width

        def pad(text: str, width: int, right: bool = False) -> str:
            gap = " " * max(0, width - display_width(text))
            return gap + text if right else text + gap

        unfit: list[tuple[str, tuple[str, ...]]] = []
        _out("")
        _out(f"{pad('表单', 40)} {pad('原总分', 8, True)} {pad('新总分', 8, True)} {pad('变化', 8, True)}")
        for source, raw in iter_forms(files):
            if isinstance(raw, PerfrulesError):
                _err(raw.render())
                status = EXIT_UNREADABLE
                continue
            try:
                form = read_form(raw)
                a, b = old.evaluate(form), new.evaluate(form)
            except PerfrulesError as e:
                _err(e.render())
                status = EXIT_UNREADABLE
                continue
            moved = total_change(a, b)
            if moved.misfit:
                unfit.append((source, moved.misfit))
            _out(f"{pad(Path(source).name, 40)} {pad(moved.old_total, 8, True)} "
                 f"{pad(moved.new_total, 8, True)} {pad(moved.change, 8, True)}"
                 + (f"  等次 {a.grade} → {b.grade}" if a.grade != b.grade and not moved.misfit else ""))
        if unfit:
            _out("")
            _out(f"{len(unfit)} 张表单不再适合新规则（新总分没有可比性，需要先按新规则改表或改规则）:")
            for source, misfit in unfit:
                _out(f"  {source}")
                for line in misfit:
                    _out(f"    {line}")
    return status


def cmd_new_year(args: argparse.Namespace) -> int:
    from .api import Ruleset, load_ruleset, ruleset_from_text
    from .authoring import new_year_path, new_year_text

    rs = load_ruleset(args.ruleset, paths=args.path)
    new_id, text = new_year_text(rs, args.year)
    target = Path(args.output) if args.output else new_year_path(rs, args.year)
    if target.exists() and not args.force:
        _err(f"{target}: 文件已存在；换一个 --output，或加 --force 覆盖")
        return EXIT_UNREADABLE
    checked: Ruleset = ruleset_from_text(text, str(target), paths=[*args.path, str(Path(rs.path).parent)])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    _out(f"已生成 {target}（{new_id}，extends {rs.id}，{checked.model.years_text()} 年）")
    _out(f"下一步: 编辑该文件，然后运行 perfrules check {target} 和 perfrules diff {rs.path} {target}")
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    from decimal import Decimal, InvalidOperation

    from . import cases
    from .registry import bundled_dir

    paths = list(args.paths) or ([str(bundled_dir())] if args.bundled else ["."])
    if args.bundled and args.paths:
        paths.append(str(bundled_dir()))
    outcome = cases.run(paths, args.path)
    if not outcome.cases and not outcome.broken_files:
        _err(f"{'、'.join(paths)} 中没有找到测试用例（*.test.yaml）；没有运行任何测试"
             "\n  = 提示: 在规则旁写一个 规则名.test.yaml（见 docs/testing.md），或给出测试文件的路径")
        _out("0 passed, 0 failed")
        return EXIT_FINDINGS
    for broken in outcome.broken_files:
        _err(broken)
    for c in outcome.cases:
        if c.passed:
            if args.verbose:
                _out(f"✓ {c.file}: {c.name}")
            continue
        _out(f"✗ {c.file}:{c.line}: {c.name}")
        if c.error:
            _out("    " + c.error.replace("\n", "\n    "))
        for failure in c.failures:
            _out(f"    {failure}")
    if args.update:
        by_file: dict[str, list[cases.CaseResult]] = {}
        for c in outcome.cases:
            by_file.setdefault(c.file, []).append(c)
        for file, results in by_file.items():
            if any(not r.passed for r in results):
                cases.update_file(Path(file), results)
                _out(f"已更新 {file}")
    if args.junit:
        Path(args.junit).write_text(cases.junit(outcome), encoding="utf-8")
    status = EXIT_OK if outcome.failed == 0 else EXIT_FINDINGS
    if args.update:
        status = EXIT_OK if not outcome.broken_files else EXIT_FINDINGS
    if args.coverage or args.fail_under is not None:
        for cov in outcome.coverage.values():
            _out(cov.report())
    if args.fail_under is not None:
        try:
            floor = Decimal(args.fail_under.rstrip("%"))
        except InvalidOperation:
            _err(f"--fail-under 应为百分数，如 100 或 95.5，这里是 {args.fail_under!r}")
            return EXIT_UNREADABLE
        low = [cov for cov in outcome.coverage.values() if cov.percent < floor]
        for cov in low:
            _out(f"覆盖率不足: {cov.model.id} {cov.percent}% < {floor}%")
        if low and status == EXIT_OK:
            status = EXIT_FINDINGS
    if outcome.broken_files and not outcome.cases:
        status = EXIT_UNREADABLE
    _out(f"{outcome.passed} passed, {outcome.failed} failed")
    return status


def _seconds(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    text = text.strip().lower()
    if text and text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def cmd_fuzz(args: argparse.Namespace) -> int:
    from . import fuzzing
    from .api import Ruleset
    from .registry import Registry, bundled_dir

    if args.parser:
        try:
            seconds = _seconds(args.time)
        except ValueError:
            _err(f"--time 应写成 30s、10m 或 1h，这里是 {args.time!r}")
            return EXIT_UNREADABLE
        from .files import read_user_text
        from .parser import MAX_SOURCE_BYTES

        seeds = [read_user_text(p, MAX_SOURCE_BYTES, "规则文件")
                 for p in [*sorted(bundled_dir().rglob("*.rules")), *args.rulesets]]
        camp = fuzzing.parser_campaign(seeds, seconds, seed=args.seed or 0)
        _out(f"解析器与表单读取模糊测试: {camp.tried} 个输入，{len(camp.crashes)} 个意外错误（{args.time}）")
        for sample, error in camp.crashes[:10]:
            _out(f"  {error}\n    输入: {sample[:200]!r}")
        return EXIT_FINDINGS if camp.crashes else EXIT_OK
    if not args.rulesets:
        _err("需要给出规则文件（或用 --parser 模糊测试解析器）")
        return EXIT_UNREADABLE
    registry = Registry(args.path)
    status = EXIT_OK
    for ref in args.rulesets:
        path = ref if Path(ref).exists() else registry.path_of(ref)
        try:
            rs = Ruleset(registry.chain(path), prove=not args.no_prove)
        except PerfrulesError as e:
            _err(e.render())
            _err(f"{ref}: 规则未通过检查，先按上面的提示修改，再做模糊测试")
            status = EXIT_UNREADABLE
            continue
        if args.no_prove:
            _out(f"{ref}: 注意：已关闭得分上下限的证明（--no-prove），只靠生成的表单查找反例")
        outcome = fuzzing.fuzz_ruleset(rs, args.examples, args.seed)
        assert outcome.coverage is not None
        if outcome.failure is not None or outcome.crash is not None:
            what = (f"违反保证「{outcome.failure.guarantee}」: {outcome.failure.detail}" if outcome.failure
                    else f"引擎无法读取生成的表单: {outcome.crash}")
            _out(f"✗ {ref}: {what}")
            if outcome.counterexample is not None:
                text = fuzzing.form_yaml(outcome.counterexample)
                _out("  最小反例（可保存为 .yaml 交给 perfrules score 复现）:")
                _out("\n".join("    " + line for line in text.splitlines()))
                if args.save:
                    Path(args.save).write_text(text, encoding="utf-8")
                    _out(f"  已保存到 {args.save}")
            status = max(status, EXIT_FINDINGS)
        else:
            _out(f"✓ {ref}: {outcome.examples} 个生成的表单，全部保证成立")
        _out(outcome.coverage.report())
    return status


def cmd_fmt(args: argparse.Namespace) -> int:
    import difflib

    from .files import read_user_text
    from .formatter import format_text
    from .parser import MAX_SOURCE_BYTES

    files: list[Path] = []
    for name in args.files:
        p = Path(name)
        files.extend(sorted(p.rglob("*.rules")) if p.is_dir() else [p])
    if not files:
        _err("没有找到规则文件（.rules）")
        return EXIT_UNREADABLE
    status = EXIT_OK
    for f in files:
        try:
            text = read_user_text(f, MAX_SOURCE_BYTES, "规则文件")
            new = format_text(text, str(f))
        except PerfrulesError as e:
            _err(e.render())
            status = EXIT_UNREADABLE
            continue
        if new == text:
            continue
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True), str(f), str(f)))
        if args.check or args.diff:
            if args.check:
                _out(f"需要格式化: {f}")
            status = max(status, EXIT_FINDINGS)
        else:
            f.write_text(new, encoding="utf-8")
            _out(f"已格式化 {f}")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from .api import load_ruleset
    from .schema import ruleset_schema

    rs = load_ruleset(args.ruleset, paths=args.path)
    _out(json.dumps(ruleset_schema(rs.model), ensure_ascii=False, indent=2))
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

    s = sub.add_parser("score", help="给表单计分 / score forms",
                       epilog=_exits('0 计分完成，没有 error 级的发现', '1 计分完成，有 error 级的发现（如填报得分与规则不符）',
                                     '2 有表单或规则无法读取（其余表单照常计分）'),
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="按规则给一个或多个表单计分，列出每项得分、填报值和发现的问题。表单可以是 YAML/JSON、"
                                   "JSON Lines（每行一个表单）、Excel 工作簿（.xlsx/.xls）或 Word 文档（.docx）中的自评表；"
                                   "给出目录时递归查找其中所有支持的文件。多于一张表单时，最后在 stderr 上打印一行汇总。")
    s.add_argument("forms", nargs="+", metavar="FORM",
                   help="表单文件或目录 (.yaml/.yml/.json/.jsonl/.xlsx/.xls/.docx)")
    s.add_argument("--ruleset", metavar="FILE|ID", help="指定规则（否则按表单的 kind、jurisdiction、year 查找）")
    s.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text",
                   help="输出格式 (默认 text；jsonl 每张表单一行，csv 每张表单一行汇总)")
    s.add_argument("--jurisdiction", metavar="AREA", help="表格中没有写明时的地区，如 湖北省/黄石市/铁山区")
    s.add_argument("--year", type=int, metavar="YEAR", help="表格标题中没有年度时的年度")
    s.add_argument("--kind", metavar="KIND", help="表格标题说不清时的表单类别: project 或 department")
    s.add_argument("--no-prove", action="store_true", help="与 --ruleset 一起：不证明得分上下限（复现 fuzz 反例用）")
    s.add_argument("--jobs", type=int, metavar="N", help="并行计分的进程数（默认: CPU 核数；1 = 不并行）；输出顺序不变")
    s.add_argument("--summary", action="store_true",
                   help="与 --format jsonl/json 一起：每张表单只输出总分、等级、发现等汇总，不列各项（items）和"
                        "各部分（sections），计分更快")
    common(s)
    s.set_defaults(func=cmd_score)

    e = sub.add_parser("explain", help="给出完整的计分过程 / the full trace",
                       description="同 score，另列出每一项的输入、判定（方向、等次）和算式。",
                       epilog=_exits('0 计分完成，没有 error 级的发现', '1 计分完成，有 error 级的发现', '2 有表单或规则无法读取'), formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("forms", nargs="+", metavar="FORM")
    e.add_argument("--ruleset", metavar="FILE|ID")
    e.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text")
    e.add_argument("--jurisdiction", metavar="AREA")
    e.add_argument("--year", type=int, metavar="YEAR")
    e.add_argument("--kind", metavar="KIND")
    e.add_argument("--no-prove", action="store_true", help=argparse.SUPPRESS)
    e.add_argument("--jobs", type=int, metavar="N", help="并行计分的进程数（默认: CPU 核数；1 = 不并行）；输出顺序不变")
    common(e)
    e.set_defaults(func=cmd_score)

    c = sub.add_parser("check", help="检查规则文件 / check ruleset files",
                       description="检查规则: 名称、分值合计、分档、等级，并证明每个得分公式不会超出 [0, 分值]。",
                       epilog=_exits('0 每个规则都通过检查（warning 不影响）', None, '2 有规则无法读取或有 error 级的问题'), formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("rulesets", nargs="+", metavar="RULESET", help="规则文件 (.rules)")
    common(c)
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("rulesets", help="列出可用的规则 / list rulesets",
                       description="列出内置规则（及 --path 目录中的规则）: 编号、地区、年度、表单类别、名称。",
                       epilog=_exits('0 列出了所有规则', None, '2 有规则文件无法读取，或两个规则的适用年度重叠'), formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("--format", choices=("text", "json"), default="text")
    common(r)
    r.set_defaults(func=cmd_rulesets)

    d = sub.add_parser("diff", help="比较两个规则 / what changed between two rulesets",
                       description="用中文说明两个规则之间的差别（分值、结构、公式、分档、等次、数据、检查）；"
                                   "--forms 给出目录或文件时，用两个规则分别计分并列出总分变化。",
                       epilog=_exits('0 比较完成', None, '2 规则或 --forms 中的表单无法读取'), formatter_class=argparse.RawDescriptionHelpFormatter)
    d.add_argument("old", metavar="OLD", help="原规则（文件或编号）")
    d.add_argument("new", metavar="NEW", help="新规则（文件或编号）")
    d.add_argument("--forms", action="append", default=[], metavar="DIR", help="用两个规则分别给这些表单计分")
    common(d)
    d.set_defaults(func=cmd_diff)

    n = sub.add_parser("new-year", help="以某规则为基础生成下一年的规则 / start next year's ruleset",
                       description="生成一个 extends 给定规则的新文件：只需在其中写出与上一年不同之处。",
                       epilog=_exits('0 已生成新规则，且它通过检查', None, '2 上一年的规则无法读取，或目标文件已存在'), formatter_class=argparse.RawDescriptionHelpFormatter)
    n.add_argument("ruleset", metavar="RULESET", help="上一年的规则（文件或编号）")
    n.add_argument("year", metavar="YEAR", type=int, help="新规则的年度")
    n.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认放在相邻的年度目录中）")
    n.add_argument("--force", action="store_true", help="覆盖已有文件")
    common(n)
    n.set_defaults(func=cmd_new_year)

    sc = sub.add_parser("schema", help="输出规则所接受表单的 JSON Schema / the JSON Schema of a ruleset's forms",
                        description="根据规则声明的 fact 生成表单的 JSON Schema（Draft 2020-12）。",
                       epilog=_exits('0 已输出 JSON Schema', None, '2 规则无法读取'), formatter_class=argparse.RawDescriptionHelpFormatter)
    sc.add_argument("ruleset", metavar="RULESET")
    common(sc)
    sc.set_defaults(func=cmd_schema)

    t = sub.add_parser("test", help="运行规则测试文件 / run ruleset test files (*.test.yaml)",
                       description="运行 *.test.yaml 中的测试用例：表单及期望的总分、等次、得分和发现。"
                                   "最后一行为“N passed, N failed”。",
                       epilog=_exits('0 所有用例通过（给了 --fail-under 时覆盖率也达标）', '1 有用例失败、覆盖率不足，或没有找到任何测试用例', '2 测试文件无法读取'), formatter_class=argparse.RawDescriptionHelpFormatter)
    t.add_argument("paths", nargs="*", metavar="PATH", help="测试文件或目录（默认当前目录）")
    t.add_argument("--bundled", action="store_true", help="运行内置规则的测试")
    t.add_argument("--update", action="store_true", help="按当前结果改写期望值（复核改动之后使用）")
    t.add_argument("--junit", metavar="FILE", help="输出 JUnit XML")
    t.add_argument("--coverage", action="store_true", help="报告规则覆盖率（计分项、分档、扣分上限、方向、检查）")
    t.add_argument("--fail-under", metavar="PERCENT", help="任一规则的覆盖率低于此值时失败")
    t.add_argument("-v", "--verbose", action="store_true", help="也列出通过的用例")
    common(t)
    t.set_defaults(func=cmd_test)

    z = sub.add_parser("fuzz", help="用生成的表单攻击规则 / fuzz rulesets (or the parser)",
                       description="对规则生成大量表单，检查每个保证（得分在 [0, 分值] 内、合计、确定性、编译与解释一致、"
                                   "单调性）；失败时打印缩小后的反例表单（YAML）并以 1 退出。--parser 模糊测试解析器和表单读取。",
                       epilog=_exits('0 没有发现违反保证的表单', '1 找到了反例（已打印缩小后的表单）', '2 规则无法读取'), formatter_class=argparse.RawDescriptionHelpFormatter)
    z.add_argument("rulesets", nargs="*", metavar="RULESET", help="规则文件或编号")
    z.add_argument("--examples", type=int, default=200, metavar="N", help="每个规则生成的表单数（默认 200）")
    z.add_argument("--seed", type=int, metavar="S", help="随机种子（可复现）")
    z.add_argument("--no-prove", action="store_true", help="关闭得分上下限的证明（用于测试运行时保护）")
    z.add_argument("--save", metavar="FILE", help="把反例表单保存到文件")
    z.add_argument("--parser", action="store_true", help="模糊测试解析器与表单读取，而不是某个规则")
    z.add_argument("--time", default="30s", metavar="DURATION", help="--parser 的运行时间，如 30s、10m（默认 30s）")
    common(z)
    z.set_defaults(func=cmd_fuzz)

    f = sub.add_parser("fmt", help="按统一格式排版规则文件 / format ruleset files",
                       description="按统一格式重写规则文件（保留注释）；每次都核对排版结果与原文含义相同。",
                       epilog=_exits('0 已排版（或 --check 时无需排版）', '1 --check / --diff 时有文件需要排版', '2 有文件无法读取'), formatter_class=argparse.RawDescriptionHelpFormatter)
    f.add_argument("files", nargs="+", metavar="FILE", help="规则文件或目录")
    f.add_argument("--check", action="store_true", help="只检查：需要格式化时以 1 退出")
    f.add_argument("--diff", action="store_true", help="只显示差异，不写入")
    f.set_defaults(func=cmd_fmt)

    x = sub.add_parser("examples", help="列出内置的示例表单 / list the bundled example forms",
                       description="打印安装包中示例表单的路径，可直接交给 perfrules score。",
                       epilog=_exits('0 已列出示例表单', None, None), formatter_class=argparse.RawDescriptionHelpFormatter)
    x.set_defaults(func=cmd_examples)

    # the table commands (import, template, report)
    from .cli_tables import register as register_tables

    register_tables(sub)
    cli_serve.register(sub)
    for extra in _EXTRA_COMMANDS:
        extra(sub)
    cli_aggregate.register(sub)
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
    except Exception as e:
        if os.environ.get("PERFRULES_DEBUG"):
            raise
        _err(f"perfrules 内部错误（这是 perfrules 的缺陷，请报告）: {type(e).__name__}: {e}\n"
             "  = 提示: 设置环境变量 PERFRULES_DEBUG=1 可显示完整的调用栈")
        return EXIT_UNREADABLE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
