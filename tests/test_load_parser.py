"""The parser that builds nodes while it parses (issue 9, ruleset load speed).

Nodes are built by Lark's reductions (``build_nodes``), run by a lean loop over Lark's tables
(``lalr``); a text that fails is parsed again by Lark into its own tree, so which problem is
reported, and where, stays as it was.  The golden dump of ``tests/data/parse/every-construct.rules``
was written by the parser before this change (Lark tree + Transformer): every node and span of
every construct must stay the same.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from perfrules import nodes
from perfrules.build_nodes import KEPT_TERMINALS, Malformed, reductions
from perfrules.errors import RuleSyntaxError
from perfrules.fuzzing import ruleset_texts
from perfrules.lalr import IGNORED, NeedsLark, lean_parse, read_scanner
from perfrules.parser import (
    MAX_DEPTH,
    grammar_parser,
    kept_terminals,
    node_parser,
    node_tables,
    parse_text,
)

from .conftest import golden

ROOT = Path(__file__).resolve().parent.parent
EVERY = ROOT / "tests" / "data" / "parse" / "every-construct.rules"
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "rulesets").rglob("*.rules"))]
HEADER = 'ruleset "t/x"\njurisdiction "全国"\nyears 2024\nkind project\nfull 100\n'


def _dump(f: nodes.RulesetFile) -> str:
    return "\n".join(repr(d) for d in f.decls) + "\n"


def test_every_construct_builds_the_nodes_and_spans_of_before() -> None:
    golden("parse-every-construct.txt", _dump(parse_text(EVERY.read_text(encoding="utf-8"), "every-construct.rules")))


def test_builders_see_the_terminals_lark_keeps() -> None:
    assert kept_terminals() == KEPT_TERMINALS


def test_every_rule_lark_would_keep_in_its_tree_has_a_builder() -> None:
    callbacks = reductions()
    for rule in grammar_parser().rules:
        name = rule.alias or rule.origin.name
        inlined = rule.options.expand1 and not rule.alias and len(rule.expansion) == 1
        if not (str(name).startswith("__") or inlined):
            assert hasattr(callbacks, str(name)), name


def test_the_lean_loop_reads_this_lark() -> None:
    """If a Lark upgrade changes its internals, parsing still works (Lark's loop) but slower: say so here."""
    tables = node_tables()
    assert tables is not None
    for state in tables.lexers:  # read on first use while parsing: every state's lexer is as expected
        match, keywords, multiline = read_scanner(tables, state)
        assert multiline <= {"STRING"} and set(keywords.values()).isdisjoint(KEPT_TERMINALS)
        for blank in (" ", "\t", "\f", "\r", "\n", "#"):  # the loop skips these before matching
            found = match(blank + "a1 ", 0)
            assert found is not None and found.lastgroup in IGNORED


def _spans(value: Any) -> set[tuple[int, int, int, int]]:
    out: set[tuple[int, int, int, int]] = set()
    if isinstance(value, nodes.Span):
        out.add((value.line, value.column, value.end_line, value.end_column))
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            out |= _spans(getattr(value, f.name))
    elif isinstance(value, tuple):
        for v in value:
            out |= _spans(v)
    return out


def _lark_spans(tree: Tree[Token]) -> set[tuple[int, int, int, int]]:
    out: set[tuple[int, int, int, int]] = set()
    for t in tree.iter_subtrees():
        if not t.meta.empty:
            out.add((t.meta.line, t.meta.column, t.meta.end_line, t.meta.end_column))
        for k in t.children:
            if isinstance(k, Token):
                out.add((k.line or 0, k.column or 0, k.end_line or 0, k.end_column or 0))
    return out


@pytest.mark.parametrize("text", [*SEEDS, EVERY.read_text(encoding="utf-8")])
def test_every_span_is_one_lark_gives(text: str) -> None:
    """Each node's span is the position Lark's tree (propagate_positions) gives a rule or a token."""
    ours = _spans(parse_text(text).decls)
    assert ours <= _lark_spans(grammar_parser().parse(text))


def _outcome(parse: Any, text: str) -> tuple[str, str]:
    try:
        return "nodes", repr(parse(text).decls)
    except (NeedsLark, UnexpectedInput):
        return "syntax", ""
    except Malformed as m:
        return "malformed", f"{m.message} {m.span}"


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(ruleset_texts(SEEDS))
def test_the_lean_loop_builds_what_larks_loop_builds(text: str) -> None:
    tables = node_tables()
    assert tables is not None
    if text.count("(") + text.count("（") + text.count("{") > MAX_DEPTH:
        return  # refused before parsing
    assert _outcome(lambda t: lean_parse(tables, t), text) == _outcome(node_parser().parse, text)


def _error(text: str) -> tuple[str, int, int, str]:
    with pytest.raises(RuleSyntaxError) as exc:
        parse_text(text, "t.rules")
    (d,) = exc.value.diagnostics
    return d.code, d.line, d.column, d.message


def test_a_malformed_construct_is_located() -> None:
    assert _error(HEADER + "item a weight 100 { }\n") == ("syntax", 6, 1, "item a 没有计分规则")
    assert _error(HEADER + "years 2024.5\n") == ("syntax", 6, 7, "年份必须是整数")


def test_a_syntax_error_later_in_the_file_comes_before_a_malformed_construct() -> None:
    """Lark's tree parser saw the whole file before anything was built: keep that order."""
    text = HEADER + "item a weight 100 { }\nitem b weight 1 { score 1 + }\n"
    code, line, column, message = _error(text)
    assert (code, line, column) == ("syntax", 7, 29) and message.startswith("此处不应出现 '}'")


def test_a_tree_too_deep_later_in_the_file_comes_before_a_malformed_construct() -> None:
    text = HEADER + "item a weight 100 { }\nitem b weight 1 { score " + " + ".join(["1"] * 200) + " }\n"
    code, line, _, _ = _error(text)
    assert (code, line) == ("too-long", 7)


def test_the_first_of_two_malformed_constructs_is_reported() -> None:
    text = HEADER + "item a weight 50 { }\nitem b weight 50 { }\n"
    assert _error(text) == ("syntax", 6, 1, "item a 没有计分规则")


def test_nesting_too_deep_is_located_at_the_opening_past_the_limit() -> None:
    line = "let x = " + "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1)
    assert _error(HEADER + line + "\n") == ("too-deep", 6, 9 + MAX_DEPTH, f"括号或花括号嵌套超过 {MAX_DEPTH} 层")
    quoted = 'let y = "((((((("\n'  # brackets inside a string do not count
    assert _error(HEADER + quoted + line + "\n")[:3] == ("too-deep", 7, 9 + MAX_DEPTH)
