"""Typed syntax tree of a ruleset file.

Every node is a frozen, slotted dataclass carrying the :class:`Span` it was
parsed from, so any later stage (checker, compiler, formatter) can point back at
the ruleset line.  The parser builds these from Lark's tree; nothing downstream
touches ``lark.Tree``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node stands in its source: 1-based line and column, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def unknown() -> Span:
        return Span(0, 0, 0, 0)


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal
    text: str
    is_percent: bool
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Str:
    value: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    """A value read from the form or a derived value: ``budget.adjusted``, ``未自查单位数``."""

    name: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class WeightRef:
    """``weight``: the weight of the item (or indicator row) being scored."""

    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # one of + - * /
    left: Expr
    right: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # one of >= <= == != > <
    left: Expr
    right: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class InSet:
    operand: Expr
    options: tuple[Expr, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # "and" | "or"
    left: Expr
    right: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: Expr
    else_: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    span: Span = field(compare=False)


Expr = Num | Str | BoolLit | Ref | WeightRef | Neg | BinOp | Compare | InSet | Logic | Not | If | Call


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Amount:
    """A number in a band or range; ``percent`` marks ``80%`` (a share of the weight)."""

    value: Decimal
    percent: bool
    text: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Setting:
    """One header line: ``ruleset "id"``, ``title "…"``, ``full 100``, ``kind project`` …"""

    key: str
    value: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Years:
    first: int
    last: int | None  # None with open=True: in force from `first` on
    open: bool
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Rounding:
    mode: str
    places: int
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Grade:
    label: str
    minimum: Decimal | None  # None: "otherwise"
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Grades:
    entries: tuple[Grade, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    aliases: tuple[str, ...]
    lo: Amount
    hi: Amount
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Bands:
    name: str
    bands: tuple[Band, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class PolicyFormula:
    direction: str
    expr: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class ByCase:
    value: str | None  # None: otherwise
    direction: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Unsigned:
    by: str
    cases: tuple[ByCase, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Qualitative:
    bands: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class When:
    """``when level1 == "满意度指标": 满意度``: rows the condition selects use that formula."""

    cond: Expr
    formula: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Inapplicable:
    """``inapplicable: rescale section|total``: how 不适用 rows are rescaled."""

    mode: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Indicators:
    formulas: tuple[PolicyFormula, ...]
    unsigned: Unsigned | None
    qualitative: Qualitative | None
    span: Span = field(compare=False)
    classes: tuple[When, ...] = ()
    inapplicable: Inapplicable | None = None


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    type: str
    label: str | None
    optional: bool
    values: tuple[str, ...]
    lo: Amount | None
    hi: Amount | None
    span: Span = field(compare=False)
    type_span: Span = field(compare=False, default_factory=Span.unknown)
    is_list: bool = False


@dataclass(frozen=True, slots=True)
class Let:
    name: str
    expr: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    severity: str
    message: str | None
    expr: Expr
    tolerance: Decimal
    span: Span = field(compare=False)
    rows: Rows | None = None  # `for rows [where …]`: checked once per indicator row


@dataclass(frozen=True, slots=True)
class Deduct:
    """``deduct 2 per 正文缺少部分数 limit 8``: lose `per` points per unit of `count`, at most `limit`."""

    per: Decimal
    count: Expr
    limit: Decimal
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class JudgeCase:
    label: str
    lo: Amount
    hi: Amount
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Judge:
    """A judged item: an enum fact picks a band; an optional score fact picks inside it."""

    subject: Ref
    score: Ref | None
    cases: tuple[JudgeCase, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Rows:
    where: Expr | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Leaf:
    """How a leaf node is scored: exactly one of score / deducts / judge."""

    score: Expr | None
    deducts: tuple[Deduct, ...]
    judge: Judge | None
    declared: Ref | None


@dataclass(frozen=True, slots=True)
class Adjust:
    """``adjustable 0 .. 90`` after a section's weight: the form may set the weight within these bounds."""

    lo: Decimal
    hi: Decimal
    text: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Node:
    """A section (``section``) or an item (``item``) of the rubric tree.

    A section has children, or a ``rows`` selector that draws indicator rows
    from the form, or a leaf rule (then it scores itself like an item).
    """

    kind: str  # "section" | "item"
    id: str
    title: str | None
    weight: Decimal
    weight_text: str
    children: tuple[Node, ...]
    rows: Rows | None
    leaf: Leaf | None
    span: Span = field(compare=False)
    weight_span: Span = field(compare=False, default_factory=Span.unknown)
    adjust: Adjust | None = None


@dataclass(frozen=True, slots=True)
class AggregateRule:
    """One line of an ``aggregate`` block: ``relative: unit == "%"``."""

    key: str
    expr: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """``aggregate by budget.adjusted { relative: … }``: how several funds' tables become one (汇总原则)."""

    by: str
    rules: tuple[AggregateRule, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Remove:
    name: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Reweight:
    """``weight 预算执行 10``: in an extending ruleset, change one node's weight.

    Without ``adjustable`` the new weight is fixed, even if the parent let the form set it.
    """

    name: str
    weight: Decimal
    weight_text: str
    span: Span = field(compare=False)
    adjust: Adjust | None = None


Decl = (Setting | Years | Rounding | Grades | Bands | Indicators | Fact | Let | Check | Node | Remove | Reweight
        | Aggregate)


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class RulesetFile:
    """A parsed ruleset source file."""

    path: str
    text: str
    decls: tuple[Decl, ...]
    comments: tuple[Comment, ...] = field(compare=False, default=())


def free_names(expr: Expr) -> list[str]:
    """The names `expr` reads, each once, in source order (left to right)."""
    names: dict[str, None] = {}

    def walk(e: Expr) -> None:
        match e:
            case Ref(name=name):
                names.setdefault(name)
            case Neg(operand=x) | Not(operand=x):
                walk(x)
            case BinOp(left=a, right=b) | Compare(left=a, right=b) | Logic(left=a, right=b):
                walk(a)
                walk(b)
            case If(cond=a, then=b, else_=d):
                walk(a)
                walk(b)
                walk(d)
            case Call(args=args):
                for x in args:
                    walk(x)
            case InSet(operand=x, options=opts):
                walk(x)
                for o in opts:
                    walk(o)

    walk(expr)
    return list(names)
