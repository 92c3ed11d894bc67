"""The checked ruleset: what the checker hands to the compiler and the interpreter.

The syntax tree says what was written; the model says what it means, with
defaults filled in, ``extends`` merged, names resolved and every weight, band
and bound already proven.  Both runners read only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from . import nodes

NUMERIC_TYPES = ("count", "number", "money", "percent", "ratio", "date")
FACT_TYPES = NUMERIC_TYPES + ("enum", "bool", "text")


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    label: str | None
    optional: bool
    values: tuple[str, ...]
    lo: Decimal | None
    hi: Decimal | None
    span: nodes.Span
    is_list: bool = False


@dataclass(frozen=True)
class BandSpec:
    """One tier of a qualitative band set: a share of the row's weight, lo..hi."""

    label: str
    aliases: tuple[str, ...]
    lo: Decimal
    hi: Decimal


@dataclass(frozen=True)
class RowClass:
    """``when cond: formula``: a class of rows (chosen by any row field) scored by its own formula."""

    cond: nodes.Expr
    formula: str
    span: nodes.Span
    cells: tuple[str, ...] = ("actual", "target")  # the row cells its formula reads (must be numbers)


@dataclass(frozen=True)
class Policy:
    """How an indicator row is scored: share formulas by direction, tiers for text rows."""

    formulas: dict[str, nodes.Expr]
    unsigned_field: str | None
    unsigned_cases: dict[str, str]
    unsigned_default: str | None
    bands: tuple[BandSpec, ...]
    bands_name: str | None
    span: nodes.Span
    classes: tuple[RowClass, ...] = ()  # the first class whose condition holds decides a quantitative row
    inapplicable: str | None = None  # "section" | "total": how 不适用 rows are rescaled; None: not allowed
    reads_row_fields: bool = False  # a formula reads level1, name … (so each row's fields are passed in)
    loose_classes: bool = False  # a class formula reads no target: it may score a row whose target is text


@dataclass(frozen=True)
class AggregationSpec:
    """汇总原则: fund tables are weighted by `by`; rows `relative` holds for are averaged, others summed."""

    by: str
    relative: nodes.Expr | None
    span: nodes.Span


@dataclass(frozen=True)
class JudgeSpec:
    subject: str
    score: str | None
    cases: dict[str, tuple[Decimal, Decimal]]  # absolute points
    span: nodes.Span


@dataclass(frozen=True)
class DeductSpec:
    per: Decimal
    count: nodes.Expr
    limit: Decimal
    span: nodes.Span


@dataclass(frozen=True)
class NodeSpec:
    """A section or item of the rubric tree, with its rule."""

    kind: str  # "section" | "item"
    id: str
    name: str
    weight: Decimal
    children: tuple[NodeSpec, ...] = ()
    rows_where: nodes.Expr | None = None
    is_rows: bool = False
    score: nodes.Expr | None = None
    deducts: tuple[DeductSpec, ...] = ()
    judge: JudgeSpec | None = None
    declared: str | None = None
    span: nodes.Span = field(default_factory=nodes.Span.unknown)
    adjust: tuple[Decimal, Decimal] | None = None  # bounds of a weight the form may set (see formweights)

    @property
    def is_leaf(self) -> bool:
        return not self.children and not self.is_rows

    def walk(self) -> list[NodeSpec]:
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out


@dataclass(frozen=True)
class CheckSpec:
    name: str
    severity: str
    message: str | None
    expr: nodes.Expr
    tolerance: Decimal
    span: nodes.Span
    for_rows: bool = False
    rows_where: nodes.Expr | None = None


@dataclass(frozen=True)
class Proof:
    """One bound the checker proved: the formula at `file`:`line`:`column` stays in [`lo`, `hi`].

    `allowed_lo`..`allowed_hi` is what had to be shown ([0, 分值] for a score, [0, 1] for an
    indicator share); `lo`..`hi` is the interval the analysis found, inside it.
    """

    subject: str
    file: str
    line: int
    column: int
    lo: Decimal
    hi: Decimal
    allowed_lo: Decimal
    allowed_hi: Decimal


@dataclass(frozen=True)
class Model:
    """A ruleset ready to run."""

    id: str
    title: str
    version: str
    jurisdiction: tuple[str, ...]
    first_year: int
    last_year: int | None
    kind: str
    full: Decimal
    rounding_mode: str
    places: int
    tolerance: Decimal
    grades: tuple[tuple[str, Decimal | None], ...]
    policy: Policy | None
    facts: dict[str, FactSpec]
    lets: tuple[nodes.Let, ...]
    checks: tuple[CheckSpec, ...]
    root: tuple[NodeSpec, ...]
    path: str
    sha256: str
    extends: str | None = None
    bands: dict[str, tuple[BandSpec, ...]] = field(default_factory=dict)
    proofs: tuple[Proof, ...] = ()  # every bound proved, in the order checked
    aggregation: AggregationSpec | None = None

    def nodes(self) -> list[NodeSpec]:
        out: list[NodeSpec] = []
        for n in self.root:
            out.extend(n.walk())
        return out

    def in_force(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def years_text(self) -> str:
        if self.last_year is None:
            return f"{self.first_year}–"
        if self.last_year == self.first_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @cached_property
    def adjustable(self) -> bool:
        """Whether a form may set the weight of some top-level part (see :mod:`perfrules.formweights`)."""
        return any(n.adjust for n in self.root)

    def grade_of(self, total: Decimal) -> str:
        for label, minimum in self.grades:
            if minimum is None or total >= minimum:
                return label
        return ""
