"""Stage 1 — source text to typed syntax tree.

The grammar (``grammar/perfrules.lark``) is loaded once per process, as an
LALR(1) parser with positions.  Lark's exceptions are translated into
:class:`~perfrules.errors.RuleSyntaxError` with file, line, column, a caret
excerpt and, in Chinese, what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from . import nodes
from ._resources import data_dir
from .errors import Diagnostic, RuleSyntaxError
from .files import read_user_text
from .operations import in_engine_context

#: Ruleset sources larger than this are refused before parsing.
MAX_SOURCE_BYTES = 2_000_000
#: Expression nesting deeper than this is refused (keeps every later tree walk shallow).
MAX_DEPTH = 60
#: How deep the syntax tree of one file may go: a chain of N ``+`` or ``else if`` is N levels.
#: Every later stage walks expressions recursively; this bound keeps them far from Python's
#: recursion limit, so a long expression is a located error, never a RecursionError.
MAX_TREE_DEPTH = 120


@cache
def grammar_parser() -> Lark:
    """The Lark LALR parser for ruleset files, built once per process."""
    text = (data_dir("grammar") / "perfrules.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=False,
                cache=True)


@cache
def generation_grammar() -> Lark:
    """The same grammar, built without Lark's cache so it keeps the rules (for hypothesis' from_lark)."""
    text = (data_dir("grammar") / "perfrules.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual")


# Readable names for the terminals Lark reports as "expected".
_TOKEN_NAMES = {
    "NAME": "名称",
    "NUMBER": "数字",
    "PERCENT": "百分数",
    "STRING": '带引号的文字 "…"',
    "_LBRACE": "{",
    "_RBRACE": "}",
    "_LPAR": "(",
    "_RPAR": ")",
    "_COLON": ":",
    "_COMMA": ",",
    "_EQ": "=",
    "RANGE": "..",
    "CMP_OP": "比较符 (>= <= == …)",
    "ADD_OP": "+ 或 -",
    "MUL_OP": "* 或 /",
    "$END": "文件结尾",
    "MINUS": "负号 -",
    "__ANON_0": "…",
}


def _token_name(name: str) -> str:
    if name in _TOKEN_NAMES:
        return _TOKEN_NAMES[name]
    # Anonymous keywords are named after their text by Lark, e.g. "WEIGHT" for "weight".
    return name.lower() if name.isupper() else name


def _expected(names: Sequence[str] | set[str]) -> str:
    shown = sorted({_token_name(n) for n in names if not n.startswith("__")})
    if len(shown) > 8:
        shown = shown[:8] + ["……"]
    return "、".join(shown)


def _span(meta: Any) -> nodes.Span:
    if getattr(meta, "empty", False) or not hasattr(meta, "line"):
        return nodes.Span.unknown()
    return nodes.Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(tok: Token) -> nodes.Span:
    return nodes.Span(tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0)


def _unquote(tok: Token) -> str:
    return str(tok)[1:-1]


class _Issue(Exception):
    """Raised inside the transformer for a construct that parses but is malformed."""

    def __init__(self, message: str, span: nodes.Span, hint: str | None = None):
        super().__init__(message)
        self.message, self.span, self.hint = message, span, hint


def _num(tok: Token) -> Decimal:
    return Decimal(str(tok))


def _to_amount(node: nodes.Num) -> nodes.Amount:
    text = node.text
    raw = Decimal(text[:-1]) if node.is_percent else node.value
    return nodes.Amount(raw, node.is_percent, text, node.span)


_OPS = {"×": "*", "÷": "/", "≥": ">=", "≤": "<=", "≠": "!="}


@v_args(meta=True)
class _ToAst(Transformer[Token, Any]):
    """Lark tree → :mod:`perfrules.nodes` nodes."""

    # ---- header
    def _setting(self, key: str, meta: Any, children: list[Any]) -> nodes.Setting:
        tok = children[0]
        value = _unquote(tok) if tok.type == "STRING" else str(tok)
        return nodes.Setting(key, value, _span(meta))

    def ruleset_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("ruleset", meta, c)

    def extends_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("extends", meta, c)

    def title_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("title", meta, c)

    def version_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("version", meta, c)

    def jurisdiction_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("jurisdiction", meta, c)

    def kind_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("kind", meta, c)

    def full_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("full", meta, c)

    def tolerance_decl(self, meta: Any, c: list[Any]) -> nodes.Setting:
        return self._setting("tolerance", meta, c)

    def remove_decl(self, meta: Any, c: list[Any]) -> nodes.Remove:
        return nodes.Remove(str(c[0]), _span(meta))

    def weight_decl(self, meta: Any, c: list[Any]) -> nodes.Reweight:
        adjust = c[2] if len(c) > 2 else None
        return nodes.Reweight(str(c[0]), _num(c[1]), str(c[1]), _span(meta), adjust)

    def adjustable(self, meta: Any, c: list[Any]) -> nodes.Adjust:
        lo, hi = _num(c[0]), _num(c[2])
        span = _span(meta)
        if lo > hi:
            raise _Issue(f"adjustable 的下限 {c[0]} 大于上限 {c[2]}", span, "写成 adjustable 下限 .. 上限")
        return nodes.Adjust(lo, hi, f"{c[0]} .. {c[2]}", span)

    def years_decl(self, meta: Any, c: list[Any]) -> nodes.Years:
        first = c[0]
        if "." in str(first):
            raise _Issue("年份必须是整数", _tok_span(first))
        if len(c) == 1:
            return nodes.Years(int(first), int(first), False, _span(meta))
        if len(c) == 2:
            return nodes.Years(int(first), None, True, _span(meta))
        if "." in str(c[2]):
            raise _Issue("年份必须是整数", _tok_span(c[2]))
        return nodes.Years(int(first), int(c[2]), False, _span(meta))

    def rounding_decl(self, meta: Any, c: list[Any]) -> nodes.Rounding:
        if "." in str(c[1]):
            raise _Issue("保留的小数位数必须是整数", _tok_span(c[1]), "例如: rounding half_up 2")
        return nodes.Rounding(str(c[0]), int(c[1]), _span(meta))

    def grades_decl(self, meta: Any, c: list[Any]) -> nodes.Grades:
        return nodes.Grades(tuple(c), _span(meta))

    def grade_min(self, meta: Any, c: list[Any]) -> nodes.Grade:
        label, op, number = c
        if _OPS.get(str(op), str(op)) != ">=":
            raise _Issue(f"等级只能用 >= 给出下限，这里写的是 {op}", _tok_span(op), f'例如: "{_unquote(label)}" >= 90')
        return nodes.Grade(_unquote(label), _num(number), _span(meta))

    def grade_otherwise(self, meta: Any, c: list[Any]) -> nodes.Grade:
        return nodes.Grade(_unquote(c[0]), None, _span(meta))

    # ---- bands
    def bands_decl(self, meta: Any, c: list[Any]) -> nodes.Bands:
        return nodes.Bands(str(c[0]), tuple(c[1:]), _span(meta))

    def band(self, meta: Any, c: list[Any]) -> nodes.Band:
        label = _unquote(c[0])
        rest = c[1:]
        aliases: tuple[str, ...] = ()
        if rest and isinstance(rest[0], tuple):
            aliases, rest = rest[0], rest[1:]
        lo, _, hi = rest
        return nodes.Band(label, aliases, _to_amount(lo), _to_amount(hi), _span(meta))

    def aka(self, meta: Any, c: list[Any]) -> tuple[str, ...]:
        return tuple(_unquote(t) for t in c)

    # ---- indicator policy
    def indicators_decl(self, meta: Any, c: list[Any]) -> nodes.Indicators:
        formulas = tuple(x for x in c if isinstance(x, nodes.PolicyFormula))
        unsigned = [x for x in c if isinstance(x, nodes.Unsigned)]
        qual = [x for x in c if isinstance(x, nodes.Qualitative)]
        inapplicable = [x for x in c if isinstance(x, nodes.Inapplicable)]
        for dup, what in ((unsigned, "unsigned"), (qual, "qualitative"), (inapplicable, "inapplicable")):
            if len(dup) > 1:
                raise _Issue(f"indicators 中 {what} 只能写一次", dup[1].span)
        classes = tuple(x for x in c if isinstance(x, nodes.When))
        return nodes.Indicators(formulas, unsigned[0] if unsigned else None, qual[0] if qual else None, _span(meta),
                              classes, inapplicable[0] if inapplicable else None)

    def policy_when(self, meta: Any, c: list[Any]) -> nodes.When:
        return nodes.When(c[0], str(c[1]), _span(meta))

    def policy_inapplicable(self, meta: Any, c: list[Any]) -> nodes.Inapplicable:
        return nodes.Inapplicable(str(c[0]), _span(meta))

    def aggregate_decl(self, meta: Any, c: list[Any]) -> nodes.Aggregate:
        by, *rules = c
        return nodes.Aggregate(by.name, tuple(rules), _span(meta))

    def aggregate_rule(self, meta: Any, c: list[Any]) -> nodes.AggregateRule:
        return nodes.AggregateRule(str(c[0]), c[1], _span(meta))

    def policy_formula(self, meta: Any, c: list[Any]) -> nodes.PolicyFormula:
        return nodes.PolicyFormula(str(c[0]), c[1], _span(meta))

    def policy_unsigned(self, meta: Any, c: list[Any]) -> nodes.Unsigned:
        return nodes.Unsigned(str(c[0]), tuple(c[1:]), _span(meta))

    def by_value(self, meta: Any, c: list[Any]) -> nodes.ByCase:
        return nodes.ByCase(_unquote(c[0]), str(c[1]), _span(meta))

    def by_otherwise(self, meta: Any, c: list[Any]) -> nodes.ByCase:
        return nodes.ByCase(None, str(c[0]), _span(meta))

    def policy_qualitative(self, meta: Any, c: list[Any]) -> nodes.Qualitative:
        return nodes.Qualitative(str(c[0]), _span(meta))

    # ---- facts, lets, checks
    def fact_decl(self, meta: Any, c: list[Any]) -> nodes.Fact:
        name, type_, *opts = c
        label: str | None = None
        optional = False
        values: tuple[str, ...] = ()
        lo = hi = None
        is_list = False
        for kind, value in opts:
            if kind == "list":
                is_list = True
            elif kind == "label":
                label = value
            elif kind == "optional":
                optional = True
            elif kind == "required":
                optional = False
            elif kind == "values":
                values = value
            elif kind == "range":
                lo, hi = value
        return nodes.Fact(str(name), str(type_), label, optional, values, lo, hi, _span(meta), _tok_span(type_), is_list)

    def fact_label(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("label", _unquote(c[0]))

    def fact_optional(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("optional", True)

    def fact_required(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("required", True)

    def fact_list(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("list", True)

    def for_rows(self, meta: Any, c: list[Any]) -> nodes.Rows:
        return nodes.Rows(c[0] if c else None, _span(meta))

    def fact_values(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        return ("values", tuple(_unquote(t) for t in c))

    def fact_range(self, meta: Any, c: list[Any]) -> tuple[str, Any]:
        lo = _to_amount(c[0])
        hi = _to_amount(c[2]) if len(c) > 2 else None
        return ("range", (lo, hi))

    def let_decl(self, meta: Any, c: list[Any]) -> nodes.Let:
        return nodes.Let(str(c[0]), c[1], _span(meta))

    def within(self, meta: Any, c: list[Any]) -> tuple[str, Decimal]:
        return ("within", _num(c[0]))

    def check_decl(self, meta: Any, c: list[Any]) -> nodes.Check:
        name = str(c[0])
        severity = "error"
        message = None
        tolerance = Decimal(0)
        expr = None
        rows = None
        for x in c[1:]:
            if isinstance(x, nodes.Rows):
                rows = x
            elif isinstance(x, Token) and x.type == "NAME":
                severity = str(x)
            elif isinstance(x, Token) and x.type == "STRING":
                message = _unquote(x)
            elif isinstance(x, tuple) and x and x[0] == "within":
                tolerance = x[1]
            else:
                expr = x
        assert expr is not None
        return nodes.Check(name, severity, message, expr, tolerance, _span(meta), rows)

    # ---- rubric tree
    def _node(self, kind: str, meta: Any, c: list[Any]) -> nodes.Node:
        ident = c[0]
        rest = c[1:]
        title = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            title, rest = _unquote(rest[0]), rest[1:]
        weight_tok, body = rest[0], rest[1:]
        adjust = body[0] if body and isinstance(body[0], nodes.Adjust) else None
        if adjust is not None:
            body = body[1:]
        children = tuple(x for x in body if isinstance(x, nodes.Node))
        rows = [x for x in body if isinstance(x, nodes.Rows)]
        score = [x for x in body if isinstance(x, tuple) and x[0] == "score"]
        declared = [x for x in body if isinstance(x, tuple) and x[0] == "declared"]
        deducts = tuple(x for x in body if isinstance(x, nodes.Deduct))
        judges = [x for x in body if isinstance(x, nodes.Judge)]
        span = _span(meta)
        if len(rows) > 1:
            raise _Issue(f"{ident} 中 rows 只能写一次", rows[1].span, "把多个条件用 or 合并到一条 rows where 中")
        if len(score) > 1:
            raise _Issue(f"{ident} 中 score 只能写一次", score[1][2], "把几部分写成一个表达式，或拆成几个 item")
        if len(judges) > 1:
            raise _Issue(f"{ident} 中 judge 只能写一次", judges[1].span, "拆成几个 item")
        if len(declared) > 1:
            raise _Issue(f"{ident} 中 declared 只能写一次", declared[1][2])
        rules = len(score) + (1 if deducts else 0) + len(judges)
        if rules > 1:
            raise _Issue(f"{ident} 的计分方式只能选一种: score、deduct 或 judge", span, "拆成几个 item，各用一种计分方式")
        leaf = None
        if rules or declared:
            leaf = nodes.Leaf(score[0][1] if score else None, deducts, judges[0] if judges else None,
                            declared[0][1] if declared else None)
        if kind == "item" and rules == 0:
            raise _Issue(f"item {ident} 没有计分规则", span, "在花括号中写 score 表达式、deduct 扣分或 judge 分档")
        if kind == "section" and (children or rows) and rules:
            raise _Issue(f"section {ident} 既有下级又有自己的计分规则", span,
                         "有计分规则的叶子请写成 item；section 只汇总下级")
        if children and rows:
            raise _Issue(f"section {ident} 既有下级 item/section 又有 rows", rows[0].span,
                         "把 rows 放进单独的 section")
        if kind == "section" and not (children or rows or rules):
            raise _Issue(f"section {ident} 是空的", span, "写下级 item/section，或 rows where … 选取指标行")
        return nodes.Node(kind, str(ident), title, _num(weight_tok), str(weight_tok), children,
                        rows[0] if rows else None, leaf, span, _tok_span(weight_tok), adjust)

    def section(self, meta: Any, c: list[Any]) -> nodes.Node:
        return self._node("section", meta, c)

    def item(self, meta: Any, c: list[Any]) -> nodes.Node:
        return self._node("item", meta, c)

    def rows(self, meta: Any, c: list[Any]) -> nodes.Rows:
        return nodes.Rows(c[0] if c else None, _span(meta))

    def score_stmt(self, meta: Any, c: list[Any]) -> tuple[str, Any, nodes.Span]:
        return ("score", c[0], _span(meta))

    def declared_stmt(self, meta: Any, c: list[Any]) -> tuple[str, Any, nodes.Span]:
        return ("declared", c[0], _span(meta))

    def deduct_stmt(self, meta: Any, c: list[Any]) -> nodes.Deduct:
        return nodes.Deduct(_num(c[0]), c[1], _num(c[2]), _span(meta))

    def judge_stmt(self, meta: Any, c: list[Any]) -> nodes.Judge:
        subject = c[0]
        rest = c[1:]
        score = None
        if rest and isinstance(rest[0], nodes.Ref):
            score, rest = rest[0], rest[1:]
        return nodes.Judge(subject, score, tuple(rest), _span(meta))

    def judge_case(self, meta: Any, c: list[Any]) -> nodes.JudgeCase:
        lo = _to_amount(c[1])
        hi = _to_amount(c[3]) if len(c) > 2 else lo
        return nodes.JudgeCase(_unquote(c[0]), lo, hi, _span(meta))

    # ---- expressions
    def if_expr(self, meta: Any, c: list[Any]) -> nodes.If:
        return nodes.If(c[0], c[1], c[2], _span(meta))

    def or_(self, meta: Any, c: list[Any]) -> nodes.Logic:
        return nodes.Logic("or", c[0], c[1], _span(meta))

    def and_(self, meta: Any, c: list[Any]) -> nodes.Logic:
        return nodes.Logic("and", c[0], c[1], _span(meta))

    def not_(self, meta: Any, c: list[Any]) -> nodes.Not:
        return nodes.Not(c[0], _span(meta))

    def compare(self, meta: Any, c: list[Any]) -> nodes.Compare:
        op = str(c[1])
        return nodes.Compare(_OPS.get(op, op), c[0], c[2], _span(meta))

    def in_(self, meta: Any, c: list[Any]) -> nodes.InSet:
        return nodes.InSet(c[0], tuple(c[1:]), _span(meta))

    def binary(self, meta: Any, c: list[Any]) -> nodes.BinOp:
        op = str(c[1])
        return nodes.BinOp(_OPS.get(op, op), c[0], c[2], _span(meta))

    def neg(self, meta: Any, c: list[Any]) -> nodes.Neg:
        return nodes.Neg(c[0], _span(meta))

    def number(self, meta: Any, c: list[Any]) -> nodes.Num:
        return nodes.Num(_num(c[0]), str(c[0]), False, _tok_span(c[0]))

    def percent(self, meta: Any, c: list[Any]) -> nodes.Num:
        text = str(c[0])
        return nodes.Num(Decimal(text[:-1]) / 100, text, True, _tok_span(c[0]))

    def string(self, meta: Any, c: list[Any]) -> nodes.Str:
        return nodes.Str(_unquote(c[0]), _tok_span(c[0]))

    def true(self, meta: Any, c: list[Any]) -> nodes.BoolLit:
        return nodes.BoolLit(True, _span(meta))

    def false(self, meta: Any, c: list[Any]) -> nodes.BoolLit:
        return nodes.BoolLit(False, _span(meta))

    def weight_ref(self, meta: Any, c: list[Any]) -> nodes.WeightRef:
        return nodes.WeightRef(_span(meta))

    def ref(self, meta: Any, c: list[Any]) -> nodes.Ref:
        return nodes.Ref(".".join(str(t) for t in c), _span(meta))

    def call(self, meta: Any, c: list[Any]) -> nodes.Call:
        return nodes.Call(str(c[0]), tuple(c[1:]), _span(meta))

    def start(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c)


_COMMENT = re.compile(r'"[^"\n]*"|“[^”\n]*”|(#[^\n]*)')


def extract_comments(text: str) -> tuple[nodes.Comment, ...]:
    """Every ``# …`` comment with its position (strings are skipped)."""
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for m in _COMMENT.finditer(line):
            if m.group(1):
                found.append(nodes.Comment(m.group(1), lineno, m.start(1) + 1))
    return tuple(found)


def _nesting_depth_error(text: str, path: str) -> Diagnostic | None:
    depth = 0
    line, col = 1, 0
    in_str = False
    for ch in text:
        col += 1
        if ch == "\n":
            line, col, in_str = line + 1, 0, False
        elif ch in "\"“”":
            in_str = not in_str if ch == '"' else ch == "“"
        elif not in_str and ch in "({（":
            depth += 1
            if depth > MAX_DEPTH:
                return Diagnostic("error", "too-deep", f"括号或花括号嵌套超过 {MAX_DEPTH} 层", path, line, col,
                                  hint="把过深的表达式拆成几个 let 定义", source=text)
        elif not in_str and ch in ")}）":
            depth = max(0, depth - 1)
    return None


def _tree_depth_error(tree: Tree[Token], text: str, path: str) -> Diagnostic | None:
    """A located error if the parse tree is deeper than MAX_TREE_DEPTH (walked without recursion)."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            meta = node.meta
            line = getattr(meta, "line", 0) if not meta.empty else 0
            col = getattr(meta, "column", 0) if not meta.empty else 0
            return Diagnostic("error", "too-long", f"表达式过长或嵌套过深（语法树超过 {MAX_TREE_DEPTH} 层；一串 N 个 + 或 "
                              "else if 算 N 层）", path, line, col,
                              hint="把长表达式拆成几个 let 定义，每个 let 写其中一部分，再相加", source=text)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return None


def _syntax_diagnostic(err: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line = getattr(err, "line", 0) or 0
    col = getattr(err, "column", 0) or 0
    hint = None
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        ch = text[pos] if 0 <= pos < len(text) else "?"
        msg = f"无法识别的字符 {ch!r}"
        if ch in "'‘’":
            hint = '文字请用英文双引号 "…" 或中文引号 “…” 括起来'
        elif ch == "%":
            hint = "百分数要紧跟在数字后面，例如 80%"
        else:
            hint = "删除这个字符，或检查是否漏了引号"
    elif isinstance(err, UnexpectedEOF):
        msg = f"文件意外结束，应为: {_expected(err.expected)}"
        hint = "检查花括号 { } 和圆括号 ( ) 是否成对"
        lines = text.splitlines() or [""]
        line, col = len(lines), len(lines[-1]) + 1
    elif isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            msg = f"文件意外结束，应为: {_expected(err.expected)}"
            hint = "检查花括号 { } 和圆括号 ( ) 是否成对"
            lines = text.splitlines() or [""]
            line, col = len(lines), len(lines[-1]) + 1
        else:
            msg = f"此处不应出现 {str(tok)!r}，应为: {_expected(err.expected)}"
            if "_RBRACE" in err.expected and tok.type in ("SECTION", "ITEM", "RULESET"):
                hint = "上一个块可能缺少右花括号 }"
            elif tok.type == "NAME" and "STRING" in err.expected:
                hint = f'文字要加引号: "{tok}"'
            elif tok.type == "NAME" and {"NUMBER"} <= set(err.expected):
                hint = "这里需要一个数字"
    else:  # pragma: no cover - lark has no other UnexpectedInput kinds
        msg = str(err)
    return Diagnostic("error", "syntax", msg, path, line, col, hint=hint, source=text)


@in_engine_context
def parse_text(text: str, path: str = "<ruleset>") -> nodes.RulesetFile:
    """Parse ruleset source `text`; raise :class:`RuleSyntaxError` on any problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise RuleSyntaxError([Diagnostic("error", "too-large", f"规则文件超过 {MAX_SOURCE_BYTES} 字节", path,
                                          hint="规则文件应当短小；拆分或删除多余内容")])
    if "\x00" in text:
        pos = text.index("\x00")
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise RuleSyntaxError([Diagnostic("error", "syntax", "文件中有 NUL 字符，不是文本文件", path, line, col,
                                          source=text)])
    deep = _nesting_depth_error(text, path)
    if deep:
        raise RuleSyntaxError([deep])
    try:
        tree = grammar_parser().parse(text)
    except UnexpectedInput as err:
        raise RuleSyntaxError([_syntax_diagnostic(err, text, path)]) from None
    too_long = _tree_depth_error(tree, text, path)
    if too_long:
        raise RuleSyntaxError([too_long])
    try:
        decls = _ToAst().transform(tree)
    except VisitError as err:
        issue = err.orig_exc
        if isinstance(issue, _Issue):
            sp = issue.span
            raise RuleSyntaxError([Diagnostic("error", "syntax", issue.message, path, sp.line, sp.column,
                                              sp.end_column if sp.end_line == sp.line else None,
                                              hint=issue.hint, source=text)]) from None
        raise
    return nodes.RulesetFile(path, text, decls, extract_comments(text))


def parse_file(path: str) -> nodes.RulesetFile:
    """Read and parse the ruleset file at `path` (a regular file, UTF-8, a BOM is tolerated)."""
    text = read_user_text(path, MAX_SOURCE_BYTES, "规则文件", RuleSyntaxError)
    return parse_text(text, str(path))
