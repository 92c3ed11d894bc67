"""The checker's diagnostic context: where a problem is, what names a scope reads, did-you-mean."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .. import nodes
from ..errors import Diagnostic
from ..intervals import Interval

MAX_COUNTEREXAMPLE_TRIES = 4000


def _did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return f"是不是 {close[0]}？(did you mean {close[0]}?)" if close else None


@dataclass
class _Scope:
    """What names an expression may read, with their types and ranges."""

    types: dict[str, str]
    domains: dict[str, Interval]
    weight: Decimal | None  # None: `weight` is not available here
    weight_domain: Interval | None = None
    what: str = "表达式"


@dataclass
class _Ctx:
    diags: list[Diagnostic] = field(default_factory=list)
    file: nodes.RulesetFile | None = None

    def at(self, file: nodes.RulesetFile | None) -> _Ctx:
        return _Ctx(self.diags, file)

    def error(self, code: str, message: str, span: nodes.Span, hint: str | None = None,
              severity: str = "error") -> None:
        f = self.file
        end = span.end_column if span.end_line == span.line else None
        self.diags.append(Diagnostic(severity, code, message, f.path if f else "<ruleset>", span.line, span.column,
                                     end, hint=hint, source=f.text if f else None))
