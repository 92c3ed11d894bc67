"""Errors and located diagnostics.

One root, :class:`PerfrulesError`; every message a user sees names the file,
line and column, quotes the source line with a caret under the spot, and says
what to change.  Lark's and PyYAML's exceptions never leak past the loaders.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


def display_width(text: str) -> int:
    """Terminal columns taken by `text` (CJK characters are two wide)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: The widest source excerpt shown under a message (characters); longer lines are windowed.
EXCERPT_WIDTH = 120


def caret_excerpt(text: str, line: int, column: int, end_column: int | None = None) -> str:
    """The source line `line` of `text` with a caret (or ^^^ run) under `column`.

    Columns are 1-based character positions; the caret is aligned by display
    width so it stands under CJK text correctly.
    """
    lines = text.splitlines()
    if line < 1 or line > len(lines):
        return ""
    src = lines[line - 1].replace("\t", " ")
    col = max(1, min(column, len(src) + 1))
    if len(src) > EXCERPT_WIDTH:  # a long line: a window around the spot, elided both sides
        start = max(0, col - 1 - EXCERPT_WIDTH // 2)
        end = start + EXCERPT_WIDTH
        head, tail = ("…" if start else ""), ("…" if end < len(src) else "")
        src = head + src[start:end] + tail
        col = col - start + len(head)
        if end_column is not None:
            end_column = min(end_column - start + len(head), len(src) + 1)
    width = 1
    if end_column is not None and end_column > col:
        width = max(1, display_width(src[col - 1 : min(end_column, len(src) + 1) - 1]))
    pad = display_width(src[: col - 1])
    gutter = f"{line:>4} | "
    return f"{gutter}{src}\n{' ' * (len(gutter) - 2)}| {' ' * pad}{'^' * width}"


@dataclass(frozen=True)
class Diagnostic:
    """A located message: what is wrong, where, and what to do about it."""

    severity: str
    code: str
    message: str
    file: str = "<input>"
    line: int = 0
    column: int = 0
    end_column: int | None = None
    hint: str | None = None
    source: str | None = field(default=None, repr=False, compare=False)

    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def render(self) -> str:
        """The message as printed: ``file:line:col: error[code]: …``, excerpt, hint."""
        out = [f"{self.location()}: {self.severity}[{self.code}]: {self.message}"]
        if self.source and self.line:
            excerpt = caret_excerpt(self.source, self.line, self.column, self.end_column)
            if excerpt:
                out.append(excerpt)
        if self.hint:
            out.append(f"  = 提示: {self.hint}")
        return "\n".join(out)


class PerfrulesError(Exception):
    """Root of every error perfrules raises on bad input."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__(self.render())

    def render(self, limit: int = 20) -> str:
        """All diagnostics, or the first `limit` and a count of the rest."""
        shown = [d.render() for d in self.diagnostics[:limit]]
        rest = len(self.diagnostics) - limit
        if rest > 0:
            shown.append(f"…… 另有 {rest} 条诊断未显示 (and {rest} more)")
        return "\n\n".join(shown)


class RulesetError(PerfrulesError):
    """A ruleset that cannot be used: it fails the checker (names, weights, bands, bounds) or,
    as :class:`RuleSyntaxError`, does not parse."""


class RuleSyntaxError(RulesetError):
    """A ruleset file that does not parse (or exceeds the documented size limits)."""


class FormError(PerfrulesError):
    """A form that cannot be read: bad YAML/JSON, schema violations, limits."""


class LookupFailure(PerfrulesError):
    """No ruleset (or more than one) applies to a form."""



class EngineError(PerfrulesError):
    """The engine could not compute a believable value (a number beyond its precision).

    Never a score: the form is not scored, and the CLI exits with status 2.
    """
