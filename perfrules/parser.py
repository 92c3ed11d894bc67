"""Stage 1 — source text to typed syntax tree.

The grammar (``grammar/perfrules.lark``) is loaded once per process as an LALR(1) parser
that builds the typed nodes while it parses (:mod:`perfrules.build_nodes`): no parse tree is
built and walked again.  Lark's exceptions are translated into
:class:`~perfrules.errors.RuleSyntaxError` with file, line, column, a caret excerpt and, in
Chinese, what was expected.  A file that fails is parsed once more by the same grammar into
Lark's own tree (:func:`grammar_parser`), so which problem is reported first, and where, is
decided as it always was: a syntax error before a tree too deep before a malformed construct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from lark import Lark, Token, Tree
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)
from lark.grammar import Terminal

from . import nodes
from ._resources import data_dir
from .build_nodes import Malformed, Parsed, reductions
from .errors import Diagnostic, RuleSyntaxError
from .files import read_user_text
from .lalr import LeanTables, NeedsLark, lean_parse, lean_tables
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
    """The Lark LALR parser for ruleset files that builds Lark's tree with positions (built once).

    Only a file that fails needs it: it decides which problem is reported, and where.
    """
    text = (data_dir("grammar") / "perfrules.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=False,
                cache=True)


@cache
def node_parser() -> Lark:
    """The same grammar and lexer, building :mod:`perfrules.nodes` while it parses (built once)."""
    text = (data_dir("grammar") / "perfrules.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=False, keep_all_tokens=True,
                transformer=reductions(), cache=True)


@cache
def node_tables() -> LeanTables | None:
    """:func:`node_parser`'s tables for the lean loop of :mod:`perfrules.lalr` (None: use Lark's loop)."""
    return lean_tables(node_parser())


def _parse_nodes(text: str) -> Parsed:
    """The declarations of `text`, built while it is parsed; Lark's exceptions where it is not well-formed."""
    tables = node_tables()
    if tables is not None:
        try:
            return lean_parse(tables, text)  # type: ignore[no-any-return]
        except NeedsLark:
            pass
    return node_parser().parse(text)  # type: ignore[return-value]


def kept_terminals() -> set[str]:
    """The terminals Lark's tree keeps (named ones not starting with ``_``): what builders see."""
    return {s.name for rule in grammar_parser().rules for s in rule.expansion
            if isinstance(s, Terminal) and not s.filter_out}


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


_COMMENT = re.compile(r'"[^"\n]*"|“[^”\n]*”|(#[^\n]*)')


def extract_comments(text: str) -> tuple[nodes.Comment, ...]:
    """Every ``# …`` comment with its position (strings are skipped)."""
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        for m in _COMMENT.finditer(line):
            if m.group(1):
                found.append(nodes.Comment(m.group(1), lineno, m.start(1) + 1))
    return tuple(found)


_NESTING = re.compile(r'[\n"“”({（)}）]')


def _nesting_depth_error(text: str, path: str) -> Diagnostic | None:
    if sum(text.count(ch) for ch in "({（") <= MAX_DEPTH:
        return None  # not enough openings to go too deep
    depth = 0
    line, line_start = 1, 0
    in_str = False
    for found in _NESTING.finditer(text):
        ch = found.group()
        if ch == "\n":
            line, line_start, in_str = line + 1, found.end(), False
        elif ch in "\"“”":
            in_str = not in_str if ch == '"' else ch == "“"
        elif not in_str and ch in "({（":
            depth += 1
            if depth > MAX_DEPTH:
                return Diagnostic("error", "too-deep", f"括号或花括号嵌套超过 {MAX_DEPTH} 层", path, line,
                                  found.start() - line_start + 1, hint="把过深的表达式拆成几个 let 定义", source=text)
        elif not in_str:
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


def _first_problem(text: str, path: str) -> Diagnostic | None:
    """A syntax error or a tree too deep, found as Lark's own tree parser finds them."""
    try:
        tree = grammar_parser().parse(text)
    except UnexpectedInput as err:
        return _syntax_diagnostic(err, text, path)
    return _tree_depth_error(tree, text, path)


def _malformed(issue: Malformed, text: str, path: str) -> Diagnostic:
    sp = issue.span
    return Diagnostic("error", "syntax", issue.message, path, sp.line, sp.column,
                      sp.end_column if sp.end_line == sp.line else None, hint=issue.hint, source=text)


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
        parsed = _parse_nodes(text)
    except UnexpectedInput as err:
        raise RuleSyntaxError([_syntax_diagnostic(err, text, path)]) from None
    except Malformed as issue:  # built before the parser reached the rest of the file: is the rest well-formed?
        raise RuleSyntaxError([_first_problem(text, path) or _malformed(issue, text, path)]) from None
    if parsed.height > MAX_TREE_DEPTH:
        too_long = _first_problem(text, path)
        assert too_long is not None
        raise RuleSyntaxError([too_long])
    return nodes.RulesetFile(path, text, parsed.decls, extract_comments(text))


def parse_file(path: str) -> nodes.RulesetFile:
    """Read and parse the ruleset file at `path` (a regular file, UTF-8, a BOM is tolerated)."""
    text = read_user_text(path, MAX_SOURCE_BYTES, "规则文件", RuleSyntaxError)
    return parse_text(text, str(path))
