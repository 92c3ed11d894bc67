"""What scoring a form produces: items, sections, findings, total, grade, receipt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .coverage import Cell
from .findings import Finding
from .operations import in_engine_context
from .rows import RowSource, row_detail
from .trace import Trace, render_trace, trace_words
from .values import fmt_number, fmt_score

__all__ = ["Finding", "ItemResult", "Result", "SectionResult"]


@dataclass(slots=True)
class ItemResult:
    """One scored node: the budget-execution item, an indicator row, or a rubric item."""

    id: str
    name: str
    section: str
    weight: Decimal
    score: Decimal
    raw: Decimal
    declared: Decimal | None
    path: str
    kind: str  # "item" | "row"
    trace: Trace | None = field(repr=False, default=None)
    source: RowSource | None = field(repr=False, default=None)  # the row and its plan, for an indicator row
    rule_line: int = 0
    places: int = 2
    cached_explain: str | None = field(default=None, repr=False, compare=False)
    applicable: bool = True  # False: a 不适用 row, not scored (see rescale.py)

    @property
    def detail(self) -> dict[str, str]:
        """For a row: target, actual, levels, direction or tier, and why (worded on demand)."""
        if self.source is None:
            return {}
        return row_detail(self.source.row, self.source.plan)

    @property
    def explain(self) -> str:
        """The formula with the numbers, e.g. ``20 × 11789 ÷ 13000 = 18.14``."""
        if self.cached_explain is None:
            self.cached_explain = render_trace(self.trace, self.score, self.places)
        return self.cached_explain


@dataclass
class SectionResult:
    id: str
    name: str
    weight: Decimal
    score: Decimal
    parent: str | None
    items: list[str] = field(default_factory=list)
    rescaled: Any = None  # a rescale.Rescaling when 不适用 parts were scaled out


@dataclass
class Result:
    """A scored form. ``to_dict()`` is the JSON of the form contract; ``explain()`` the full trace.

    A result made by :meth:`deferred` (the summary path, :mod:`perfrules.summary`) works out its
    ``items`` and ``sections`` the first time either is read; everything else is there at once.
    """

    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    ruleset_path: str
    form: str
    kind: str
    unit: str | None
    title: str | None
    total: Decimal
    max: Decimal
    grade: str
    places: int
    items: list[ItemResult]
    sections: list[SectionResult]
    findings: list[Finding]
    declared_total: Decimal | None = None
    declared_grade: str | None = None
    reached: frozenset[Cell] = frozenset()  # rubric cells exercised, when coverage was asked for
    rescaled: Any = None  # a rescale.Rescaling of the total when 不适用 weight left it
    tolerance: Decimal = Decimal(0)  # the ruleset's `tolerance`: a declared value this close is accepted
    aggregated_from: tuple[str, ...] = ()  # the fund tables this form was aggregated from

    @classmethod
    def deferred(cls, detail: Callable[[], Result], fields: dict[str, Any]) -> Result:
        """A result with every field but ``items`` and ``sections`` (`fields`, taken over, not
        copied), which `detail` (the full scoring of the same form, giving the same total, grade and
        findings) supplies when first read."""
        result = object.__new__(cls)
        fields["_detail"] = detail
        result.__dict__ = fields
        return result

    if not TYPE_CHECKING:  # hidden from mypy: it would make every misspelt attribute an Any
        def __getattr__(self, name: str) -> Any:  # only reached for a field not set yet
            detail = vars(self).get("_detail") if name in ("items", "sections") else None
            if detail is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            full = detail()  # two threads reading at once may both work it out: the same items
            if (full.total, full.grade) != (self.total, self.grade):  # defence in depth: cannot happen
                raise AssertionError(f"summary and full scoring disagree: {self.total} {self.grade} vs "
                                     f"{full.total} {full.grade}")
            vars(self).update(items=full.items, sections=full.sections)
            vars(self).pop("_detail", None)
            return vars(self)[name]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled whole (a deferred result works out its items first)."""
        self.items  # noqa: B018 - reading it fills a deferred result in
        return {k: v for k, v in vars(self).items() if k != "_detail"}

    def accepted(self, declared: Decimal | None, computed: Decimal) -> bool | None:
        """Whether a declared value stands (equal, or within the tolerance); None when nothing was declared."""
        return None if declared is None else abs(declared - computed) <= self.tolerance

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def exit_status(self) -> int:
        """0 scored with no error finding, 1 with at least one (forms.md)."""
        return 1 if self.errors else 0

    def item(self, key: str) -> ItemResult:
        """The item with id or name `key`."""
        for it in self.items:
            if key in (it.id, it.name):
                return it
        raise KeyError(key)

    def section(self, key: str) -> SectionResult:
        for s in self.sections:
            if key in (s.id, s.name):
                return s
        raise KeyError(key)

    def _num(self, x: Decimal) -> str:
        return fmt_score(x, self.places)

    @property
    def total_text(self) -> str:
        """The total as the form contract writes it (``to_dict()["total"]``)."""
        return self._num(self.total)

    @in_engine_context
    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``forms.md``; amounts are exact decimal strings."""
        out = self._head()
        out["items"] = self._items()
        out["sections"] = [{"id": s.id, "name": s.name, "weight": fmt_number(s.weight), "score": self._num(s.score),
                            **({"parent": s.parent} if s.parent else {}),
                            **({"rescaled": s.rescaled.to_dict()} if s.rescaled else {})} for s in self.sections]
        return self._tail(out)

    @in_engine_context
    def summary_dict(self) -> dict[str, Any]:
        """:meth:`to_dict` without ``items`` and ``sections`` (the same keys, in the same order, otherwise):
        what ``score --format jsonl --summary`` writes; a deferred result's items are not worked out."""
        return self._tail(self._head())

    def _head(self) -> dict[str, Any]:
        """to_dict's keys before the items: the form, the ruleset, the figures and what was declared."""
        out: dict[str, Any] = {
            "form": self.form,
            "kind": self.kind,
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version},
            "total": self.total_text,
            "max": fmt_number(self.max),
            "grade": self.grade,
        }
        if self.unit:
            out["unit"] = self.unit
        if self.title:
            out["title"] = self.title
        if self.declared_total is not None:
            out["declared_total"] = fmt_number(self.declared_total)
            if self.declared_total != self.total and self.accepted(self.declared_total, self.total):
                out["declared_total_within_tolerance"] = True
        if self.declared_grade is not None:
            out["declared_grade"] = self.declared_grade
        return out

    def _items(self) -> list[dict[str, Any]]:
        """to_dict's ``items``: each with its explanation, worded once (kept on the item)."""
        items = []
        places = self.places
        for it in self.items:
            score = fmt_score(it.score, places)
            d: dict[str, Any] = {"id": it.id, "name": it.name, "section": it.section, "kind": it.kind,
                                 "weight": fmt_number(it.weight), "score": score}
            if it.declared is not None:
                d["declared"] = fmt_number(it.declared)
                if it.declared != it.score and self.accepted(it.declared, it.score):
                    d["declared_within_tolerance"] = True
            explain = it.cached_explain
            if explain is None:  # ItemResult.explain's words, in this context, with the score worded above
                explain = it.cached_explain = trace_words(
                    it.trace, it.score, it.places, score if it.places == places else None)
            d["explain"] = explain
            d["path"] = it.path
            if it.source is not None:  # ItemResult.detail, a new dict each time: not copied again
                d["detail"] = row_detail(it.source.row, it.source.plan)
            if not it.applicable:
                d["applicable"] = False
            items.append(d)
        return items

    def _tail(self, out: dict[str, Any]) -> dict[str, Any]:
        """to_dict's keys after the sections, added to `out`: rescaling, aggregation, findings, receipt."""
        if self.rescaled is not None:
            out["rescaled"] = self.rescaled.to_dict()
        if self.aggregated_from:
            out["aggregated_from"] = list(self.aggregated_from)
        out["findings"] = [f.to_dict() for f in self.findings]
        out["receipt"] = {"ruleset": self.ruleset_id, "version": self.ruleset_version, "sha256": self.ruleset_sha256,
                          "perfrules": __version__}
        return out

    @in_engine_context
    def explain(self) -> str:
        """A readable trace of every point: each item's rule, inputs and arithmetic."""
        from .explain import render_result

        return render_result(self, full=True)
