"""``perfrules fmt``: the canonical layout of a ruleset file.

The file is printed from its syntax tree: two-space indentation, one
declaration per line, blocks opened on the declaration's line, ASCII
operators, the header first as written.  Comments are kept — each one before
the element it preceded, or at the end of the line it ended.  Every run checks
that the output parses back to the same tree and keeps every comment; if not,
nothing is written.
"""

from __future__ import annotations

from . import nodes, unparse
from .errors import Diagnostic, PerfrulesError, display_width
from .parser import parse_text
from .unparse import quote as quote  # the one escaping printer, re-exported

WIDTH = 100
HEADER = ("ruleset", "extends", "title", "version", "jurisdiction", "years", "kind", "full", "rounding", "tolerance")


def _q(text: str) -> str:
    return quote(text)


def _amount(a: nodes.Amount) -> str:
    return a.text


class _Printer:
    def __init__(self, comments: tuple[nodes.Comment, ...]):
        self.comments = sorted(comments, key=lambda c: (c.line, c.column))
        self.next = 0
        self.out: list[str] = []
        self.last_src = 0  # the last source line printed

    def _leading(self, line: int, indent: int) -> None:
        while self.next < len(self.comments) and self.comments[self.next].line < line:
            c = self.comments[self.next]
            if self.last_src and c.line - self.last_src > 1:
                self.blank()  # the source had a blank line before this comment
            self.out.append("  " * indent + c.text)
            self.last_src = c.line
            self.next += 1
            following = self.comments[self.next].line if self.next < len(self.comments) else line
            if min(following, line) - c.line > 1 and line < 10**9:
                self.out.append("")  # the source had a blank line after this comment

    def line(self, text: str, indent: int, src: int) -> None:
        """Emit `text`, after the comments that stood before source line `src`, with that line's end comment."""
        if src:
            self._leading(src, indent)
        out = "  " * indent + text
        self.last_src = max(self.last_src, src)
        while src and self.next < len(self.comments) and self.comments[self.next].line == src:
            out += "  " + self.comments[self.next].text
            self.next += 1
        self.out.append(out)

    def blank(self) -> None:
        if self.out and self.out[-1] != "":
            self.out.append("")

    def close(self, indent: int, end_line: int) -> None:
        if end_line:
            self._leading(end_line, indent + 1)  # comments inside the block, before its closing brace
            self.last_src = max(self.last_src, end_line)
        self.out.append("  " * indent + "}")

    def finish(self) -> str:
        self._leading(10**9, 0)
        while self.out and self.out[-1] == "":
            self.out.pop()
        return "\n".join(self.out) + "\n"


def _setting(d: nodes.Setting) -> str:
    if d.key in ("ruleset", "extends", "title", "jurisdiction"):
        return f"{d.key} {_q(d.value)}"
    return f"{d.key} {d.value}"


def _years(d: nodes.Years) -> str:
    if d.open:
        return f"years {d.first}.."
    if d.last is None or d.last == d.first:
        return f"years {d.first}"
    return f"years {d.first}..{d.last}"


def _fact(d: nodes.Fact) -> str:
    parts = ["fact", d.name, d.type]
    if d.values:
        parts.append("(" + ", ".join(_q(v) for v in d.values) + ")")
    if d.lo is not None:
        parts.append(f"{_amount(d.lo)} .." + (f" {_amount(d.hi)}" if d.hi is not None else ""))
    if d.is_list:
        parts.append("list")
    if d.optional:
        parts.append("optional")
    if d.label is not None:
        parts.append(_q(d.label))
    return " ".join(parts)


def _check_head(d: nodes.Check) -> str:
    head = f"check {d.name} {d.severity}"
    if d.message is not None:
        head += f" {_q(d.message)}"
    if d.rows is not None:
        head += " for rows" + (f" where {unparse.expr(d.rows.where)}" if d.rows.where is not None else "")
    return head


def _check_body(d: nodes.Check) -> str:
    body = unparse.expr(d.expr)
    if d.tolerance:
        body += f" within {format(d.tolerance, 'f')}"
    return body


def _stmts(leaf: nodes.Leaf) -> list[tuple[str, int, nodes.Judge | None]]:
    out: list[tuple[str, int, nodes.Judge | None]] = []
    if leaf.score is not None:
        out.append((f"score {unparse.expr(leaf.score)}", leaf.score.span.line, None))
    for d in leaf.deducts:
        out.append((f"deduct {format(d.per, 'f')} per {unparse.expr(d.count)} limit {format(d.limit, 'f')}",
                    d.span.line, None))
    if leaf.judge is not None:
        j = leaf.judge
        head = f"judge {j.subject.name}" + (f" score {j.score.name}" if j.score is not None else "") + " {"
        out.append((head, j.span.line, j))
    if leaf.declared is not None:
        out.append((f"declared {leaf.declared.name}", leaf.declared.span.line, None))
    # statements in source order
    return sorted(out, key=lambda s: s[1])


def _node_head(n: nodes.Node) -> str:
    title = f" {_q(n.title)}" if n.title is not None else ""
    adjust = f" adjustable {n.adjust.text}" if n.adjust is not None else ""
    return f"{n.kind} {n.id}{title} weight {n.weight_text}{adjust}"


def _has_comment(p: _Printer, first: int, last: int) -> bool:
    return any(first < c.line <= last for c in p.comments[p.next:])


def _one_line(p: _Printer, n: nodes.Node, indent: int) -> str | None:
    """The item on one line, if it has a single simple statement, no comment inside, and fits."""
    stmts = _stmts(n.leaf) if n.leaf is not None else []
    if n.kind != "item" or len(stmts) != 1 or stmts[0][2] is not None or _has_comment(p, n.span.line, n.span.end_line):
        return None
    one = f"{_node_head(n)} {{ {stmts[0][0]} }}"
    return one if display_width("  " * indent + one) <= WIDTH else None


def _check_line(p: _Printer, d: nodes.Check) -> str | None:
    one = f"{_check_head(d)} {{ {_check_body(d)} }}"
    return one if display_width(one) <= WIDTH and not _has_comment(p, d.span.line, d.span.end_line) else None


def _node(p: _Printer, n: nodes.Node, indent: int) -> None:
    stmts = _stmts(n.leaf) if n.leaf is not None else []
    one = _one_line(p, n, indent)
    if one is not None:
        p.line(one, indent, n.span.line)
        return
    p.line(_node_head(n) + " {", indent, n.span.line)
    if n.rows is not None:
        where = f" where {unparse.expr(n.rows.where)}" if n.rows.where is not None else ""
        p.line("rows" + where, indent + 1, n.rows.span.line)
    for c in n.children:
        _node(p, c, indent + 1)
    for text, line, judge in stmts:
        p.line(text, indent + 1, line)
        if judge is not None:
            for case in judge.cases:
                value = _amount(case.lo) if case.lo == case.hi else f"{_amount(case.lo)} .. {_amount(case.hi)}"
                p.line(f"{_q(case.label)}: {value}", indent + 2, case.span.line)
            p.close(indent + 1, judge.span.end_line)
    p.close(indent, n.span.end_line)


def _aligned(rows: list[tuple[str, str, int]], indent: int, p: _Printer) -> None:
    width = max((display_width(a) for a, _, _ in rows), default=0)
    for a, b, line in rows:
        p.line(a + " " * (width - display_width(a) + 1) + b, indent, line)


def format_file(f: nodes.RulesetFile) -> str:
    """The canonical text of a parsed ruleset file."""
    p = _Printer(f.comments)
    prev: str | None = None
    prev_block = False
    for d in f.decls:
        group = "header" if isinstance(d, (nodes.Setting, nodes.Years, nodes.Rounding)) else type(d).__name__
        block = isinstance(d, (nodes.Grades, nodes.Bands, nodes.Indicators, nodes.Aggregate)) or \
            (isinstance(d, nodes.Node) and _one_line(p, d, 0) is None) or \
            (isinstance(d, nodes.Check) and _check_line(p, d) is None)
        if prev is not None and (group != prev or block or prev_block):
            p.blank()
        prev, prev_block = group, block
        if isinstance(d, nodes.Setting):
            p.line(_setting(d), 0, d.span.line)
        elif isinstance(d, nodes.Years):
            p.line(_years(d), 0, d.span.line)
        elif isinstance(d, nodes.Rounding):
            p.line(f"rounding {d.mode} {d.places}", 0, d.span.line)
        elif isinstance(d, nodes.Grades):
            p.line("grades {", 0, d.span.line)
            for g in d.entries:
                rule = "otherwise" if g.minimum is None else f">= {format(g.minimum, 'f')}"
                p.line(f"{_q(g.label)} {rule}", 1, g.span.line)
            p.close(0, d.span.end_line)
        elif isinstance(d, nodes.Bands):
            p.line(f"bands {d.name} {{", 0, d.span.line)
            _aligned([(_q(b.label) + (" aka " + ", ".join(_q(a) for a in b.aliases) if b.aliases else ""),
                       f"{_amount(b.lo)} .. {_amount(b.hi)}", b.span.line) for b in d.bands], 1, p)
            p.close(0, d.span.end_line)
        elif isinstance(d, nodes.Indicators):
            p.line("indicators {", 0, d.span.line)
            for pf in d.formulas:
                p.line(f"{pf.direction}: {unparse.expr(pf.expr)}", 1, pf.span.line)
            if d.unsigned is not None:
                p.line(f"unsigned: by {d.unsigned.by} {{", 1, d.unsigned.span.line)
                for case in d.unsigned.cases:
                    key = "otherwise" if case.value is None else _q(case.value)
                    p.line(f"{key}: {case.direction}", 2, case.span.line)
                p.close(1, d.unsigned.span.end_line)
            if d.qualitative is not None:
                p.line(f"qualitative: {d.qualitative.bands}", 1, d.qualitative.span.line)
            for when in d.classes:
                p.line(f"when {unparse.expr(when.cond)}: {when.formula}", 1, when.span.line)
            if d.inapplicable is not None:
                p.line(f"inapplicable: rescale {d.inapplicable.mode}", 1, d.inapplicable.span.line)
            p.close(0, d.span.end_line)
        elif isinstance(d, nodes.Aggregate):
            p.line(f"aggregate by {d.by} {{", 0, d.span.line)
            for agg_rule in d.rules:
                p.line(f"{agg_rule.key}: {unparse.expr(agg_rule.expr)}", 1, agg_rule.span.line)
            p.close(0, d.span.end_line)
        elif isinstance(d, nodes.Fact):
            p.line(_fact(d), 0, d.span.line)
        elif isinstance(d, nodes.Let):
            p.line(f"let {d.name} = {unparse.expr(d.expr)}", 0, d.span.line)
        elif isinstance(d, nodes.Check):
            one = _check_line(p, d)
            if one is not None:
                p.line(one, 0, d.span.line)
            else:
                p.line(_check_head(d) + " {", 0, d.span.line)
                p.line(_check_body(d), 1, d.expr.span.line)
                p.close(0, d.span.end_line)
        elif isinstance(d, nodes.Node):
            _node(p, d, 0)
        elif isinstance(d, nodes.Remove):
            p.line(f"remove {d.name}", 0, d.span.line)
        elif isinstance(d, nodes.Reweight):
            adjust = f" adjustable {d.adjust.text}" if d.adjust is not None else ""
            p.line(f"weight {d.name} {d.weight_text}{adjust}", 0, d.span.line)
    return p.finish()


def format_text(text: str, path: str = "<ruleset>") -> str:
    """Format ruleset source; raises if the result would not parse back to the same tree."""
    original = parse_text(text, path)
    result = format_file(original)
    again = parse_text(result, path)
    if again.decls != original.decls or sorted(c.text for c in again.comments) != sorted(c.text for c in original.comments):
        raise PerfrulesError([Diagnostic("error", "fmt", "格式化结果与原文的含义不一致，未写入（这是 perfrules 的缺陷，请报告）",
                                         path)])
    return result
