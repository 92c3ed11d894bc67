"""A lean loop over Lark's own LALR tables and contextual lexers, for well-formed ruleset text.

Lark's parser loop and lexer are general: each token is matched twice (once for the space before
it), counted for newlines and fed through checks that a ruleset never needs.  This loop runs the
same parse table, the same per-state regular expressions and keyword rules and the same reduction
callbacks (:mod:`perfrules.build_nodes`), so it builds the same nodes, about twice as fast.

It knows only success: wherever Lark would stop (a character no terminal of the state matches, a
token the state does not expect) it raises :class:`NeedsLark`, and the caller parses the text
with Lark itself, which raises its own exception with everything a message needs.  The tables
are read from Lark's internals once; if they do not look as expected (another Lark version),
:func:`lean_tables` returns ``None`` and Lark's own loop is used for every text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lark import Lark, Token

#: What the ruleset grammar ignores between tokens: blanks (``%import common.WS``) and comments.
IGNORED = frozenset({"WS", "COMMENT"})
_SKIP = re.compile(r"(?:[ \t\f\r\n]+|#[^\n]*)+")


class NeedsLark(Exception):
    """The text is not one the lean loop parses: let Lark parse it (and say what is wrong)."""


class _Token(Token):
    """A Lark token made without Lark's constructor (the attributes are set by the loop)."""

    __slots__ = ()


SHIFT, REDUCE, PASS = 0, 1, 2  # PASS: a ``?rule`` of one symbol, whose value is that symbol's

#: One entry of the action table: (SHIFT/REDUCE/PASS, next state or rule size, reduction, rule name).
Action = tuple[int, int, Any, str]


#: How a state's lexer is run: its regular expression's ``match``, its keywords (text → terminal,
#: for NAME) and its terminals whose pattern Lark cannot rule out spanning lines.
Scanner = tuple[Callable[[str, int], "re.Match[str] | None"], dict[str, str], frozenset[str]]


@dataclass(frozen=True)
class LeanTables:
    """Lark's parse table, reductions and per-state lexers, in the shape the loop reads."""

    start: int
    end: int
    actions: dict[int, dict[str, Action]]
    lexers: dict[int, Any]  # Lark's contextual lexer's BasicLexer of each state
    #: state → its Scanner, read from Lark's lexer the first time a text reaches the state
    scanners: dict[int, Scanner] = field(default_factory=dict)
    #: (state below, state, lookahead) → the state after the PASS reductions there, filled as met
    passes: dict[tuple[int, int, str], int] = field(default_factory=dict)


def lean_tables(parser: Lark) -> LeanTables | None:
    """The tables of `parser` (LALR, contextual lexer), or ``None`` if Lark's internals differ."""
    try:
        return _read_tables(parser)
    except (AttributeError, AssertionError, KeyError, TypeError, ValueError):
        return None


def _read_tables(parser: Lark) -> LeanTables:
    from lark.parse_tree_builder import ExpandSingleChild
    from lark.parsers.lalr_analysis import Shift

    frontend = parser.parser
    loop = frontend.parser.parser
    table, callbacks = loop.parse_table, loop.callbacks

    def action(kind: Any, arg: Any) -> Action:
        if kind is Shift:
            return SHIFT, arg, None, ""
        reduction, size = callbacks[arg], len(arg.expansion)
        passes = size == 1 and type(reduction) is ExpandSingleChild  # returns its one child as it is
        return PASS if passes else REDUCE, size, reduction, arg.origin.name

    actions = {state: {term: action(*entry) for term, entry in row.items()} for state, row in table.states.items()}
    lexers = dict(frontend.lexer.lexers)
    assert set(lexers) == set(actions)
    tables = LeanTables(table.start_states["start"], table.end_states["start"], actions, lexers)
    read_scanner(tables, tables.start)
    return tables


def read_scanner(tables: LeanTables, state: int) -> Scanner:
    """The Scanner of `state`, read from Lark's lexer once (AssertionError if it is not as expected)."""
    from lark.lexer import PatternStr, UnlessCallback

    lexer = tables.lexers[state]
    scanner = lexer.scanner  # Lark builds it on first use
    assert lexer.ignore_types == IGNORED and len(scanner._mres) == 1
    keywords: dict[str, str] = {}
    for name, callback in lexer.callback.items():
        assert name == "NAME" and type(callback) is UnlessCallback
        for t in callback.scanner.terminals:
            assert isinstance(t.pattern, PatternStr) and not t.pattern.flags
            keywords[t.pattern.value] = t.name
    found = tables.scanners[state] = (scanner._mres[0].match, keywords, frozenset(lexer.newline_types - IGNORED))
    return found


def lean_parse(tables: LeanTables, text: str) -> Any:
    """Parse `text` and return what the start rule's reduction built; :class:`NeedsLark` if not well-formed."""
    actions, scanners, end_state, passes = tables.actions, tables.scanners, tables.end, tables.passes
    states = [tables.start]
    values: list[Any] = []
    pos, size, line, line_start = 0, len(text), 1, 0
    while True:
        blank = _SKIP.match(text, pos)
        if blank is not None:
            end = blank.end()
            newlines = text.count("\n", pos, end)
            if newlines:
                line += newlines
                line_start = text.rindex("\n", pos, end) + 1
            pos = end
        token: Any = None
        if pos < size:
            scanner = scanners.get(states[-1])
            if scanner is None:
                try:
                    scanner = read_scanner(tables, states[-1])
                except (AttributeError, AssertionError, KeyError, TypeError, ValueError):
                    raise NeedsLark from None
            match, keywords, multiline = scanner
            found = match(text, pos)
            if found is None:
                raise NeedsLark
            value, kind = found.group(), str(found.lastgroup)
            if kind in IGNORED or (kind in multiline and "\n" in value):  # never in a ruleset's grammar
                raise NeedsLark
            if keywords and kind == "NAME":
                kind = keywords.get(value, kind)
            token = str.__new__(_Token, value)
            token.type, token.value, token.start_pos, token.line = kind, value, pos, line
            token.column = pos - line_start + 1
            pos += len(value)
            token.end_line, token.end_column, token.end_pos = line, pos - line_start + 1, pos
        else:
            kind = "$END"
        while True:
            action = actions[states[-1]].get(kind)
            if action is None:
                raise NeedsLark
            step = action[0]
            if step == PASS:  # a chain of them (expr → or_expr → … → atom) is one look-up
                key = (states[-2], states[-1], kind)
                top = passes.get(key)
                if top is None:
                    top = passes[key] = _after_passes(actions, states[-2], action, kind)
                states[-1] = top
                if token is None and top == end_state:  # pragma: no cover - `start` is never a PASS
                    return values[-1]
                continue
            if step == SHIFT:
                if token is None:  # pragma: no cover - the end is never shifted
                    raise NeedsLark
                states.append(action[1])
                values.append(token)
                break
            count = action[1]
            if count:
                children = values[-count:]
                del states[-count:]
                del values[-count:]
            else:
                children = []
            states.append(actions[states[-1]][action[3]][1])
            values.append(action[2](children))
            if token is None and states[-1] == end_state:
                return values[-1]


def _after_passes(actions: dict[int, dict[str, Action]], below: int, action: Action, lookahead: str) -> int:
    """The top state after every PASS reduction `lookahead` triggers above the state `below`."""
    while True:
        top = actions[below][action[3]][1]
        following = actions[top].get(lookahead)
        if following is None or following[0] != PASS:
            return top
        action = following
