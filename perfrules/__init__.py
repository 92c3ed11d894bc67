"""perfrules — executable, checked rulesets for budget-performance self-evaluation.

The public API: :func:`load_ruleset` → :class:`Ruleset` → :meth:`Ruleset.evaluate`
→ :class:`Result`.  See docs/embedding.md.
"""

from ._version import __version__
from .aggregate import Aggregated, AggregationError
from .api import Ruleset, Scorer, load_ruleset, ruleset_from_text
from .errors import (
    Diagnostic,
    FormError,
    LookupFailure,
    PerfrulesError,
    RulesetError,
    RuleSyntaxError,
)
from .forms import Form, read_form
from .result import Finding, ItemResult, Result, SectionResult

__all__ = [
    "Aggregated",
    "AggregationError",
    "Diagnostic",
    "Finding",
    "Form",
    "FormError",
    "ItemResult",
    "LookupFailure",
    "PerfrulesError",
    "Result",
    "RuleSyntaxError",
    "Ruleset",
    "RulesetError",
    "Scorer",
    "SectionResult",
    "__version__",
    "load_ruleset",
    "read_form",
    "ruleset_from_text",
]
