"""Generated Python for the summary path: a direction's formula as one function, operations inlined.

A compiled closure tree (:mod:`perfrules.compiler`) calls one Python function per node of a
formula.  For the rows of the summary path (:mod:`perfrules.summary`) a direction's formula is
instead turned, once per ruleset, into the source of one function
``score(a, t, w, E) = R(w × formula)`` — actual, target, weight, the form's values, and the
ruleset's rounding ``R`` — and compiled with :func:`compile`.  The ``rows`` sections of the summary
path are one generated loop over a form's rows (:func:`rows_scorer`): each row's section, plain
test, direction, formula (inlined where it is generated, else the runner's own scorer called),
rounding and declared-score audit, with no call per row for the common row.

What may appear in that source is fixed here, never taken from a ruleset or a form: this
module's fragments, the operations' own templates (:attr:`~perfrules.operations.Operation.inline`,
:attr:`~perfrules.operations.Comparison.inline`, each the same value as what the closures call)
and integer indices.  Every constant of the ruleset is ``K[i]``, every name of a form value is
read as ``REF(E, N[i])``, every function is ``F[i](…)`` — values in tuples handed to the compiled
code, not text in it.  The function runs with :data:`~perfrules.operations.STRICT` as the thread's
decimal context (the summary path sets it), so a non-finite result raises as it does in the
closures.  ``tests/test_codegen.py`` holds each generated function equal to its closure and feeds
rulesets whose every name and string holds quotes, newlines and backslashes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

from . import nodes
from .operations import ARITHMETIC, COMPARISONS, FUNCTIONS
from .values import MissingValue, Value

#: A generated row scorer: (actual, target, weight, form values) → the rounded score.
RowScorer = Callable[[Decimal, Decimal, Decimal, Mapping[str, Value]], Decimal]

_ROW_VALUES = {"actual": "a", "target": "t"}  # the row's values: the function's own parameters


def _ref(env: Mapping[str, Value], name: str) -> Value:
    """A form value, as the closures read it (MissingValue when the form lacks it)."""
    try:
        return env[name]
    except KeyError:
        raise MissingValue.of(name) from None


@dataclass
class GeneratedSource:
    """The text of one generated function and the values its indices name."""

    text: str = ""
    constants: list[Any] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    functions: list[Callable[..., Any]] = field(default_factory=list)

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"K[{len(self.constants) - 1}]"

    def name(self, name: str) -> str:
        self.names.append(name)
        return f"REF(E, N[{len(self.names) - 1}])"

    def function(self, fn: Callable[..., Any]) -> str:
        self.functions.append(fn)
        return f"F[{len(self.functions) - 1}]"


def _emit(expr: nodes.Expr, out: GeneratedSource, row_names: frozenset[str],
          row_values: Mapping[str, str] = _ROW_VALUES) -> str | None:
    """The Python expression computing `expr`, or None for a construct not generated; `row_names`
    are the names that are a row's, `row_values` those of them the function has as parameters
    (an item's function has none: :func:`item_scorer`)."""

    def emit(e: nodes.Expr) -> str | None:
        return _emit(e, out, row_names, row_values)

    match expr:
        case nodes.Num(value=value) | nodes.Str(value=value) | nodes.BoolLit(value=value):
            return out.constant(value)
        case nodes.Ref(name=name):
            if name in row_names:
                return row_values.get(name)
            return out.name(name)
        case nodes.WeightRef():
            return "w"
        case nodes.BinOp(op=op, left=left, right=right):
            a, b, template = emit(left), emit(right), ARITHMETIC[op].inline
            return None if a is None or b is None or template is None else template.format(a, b)
        case nodes.Neg(operand=operand):
            a, template = emit(operand), ARITHMETIC["neg"].inline
            return None if a is None or template is None else template.format(a)
        case nodes.Call(func=func, args=args):
            parts = [emit(x) for x in args]
            if any(p is None for p in parts):
                return None
            return f"{out.function(FUNCTIONS[func].compiled)}({', '.join(p for p in parts if p)})"
        case nodes.If(cond=cond, then=then, else_=else_):
            k, t, f = emit(cond), emit(then), emit(else_)
            return None if k is None or t is None or f is None else f"({t} if {k} else {f})"
        case nodes.Compare(op=op, left=left, right=right):
            a, b = emit(left), emit(right)
            return None if a is None or b is None else COMPARISONS[op].inline.format(a, b)
        case nodes.Logic(op=op, left=left, right=right):
            a, b = emit(left), emit(right)
            word = "and" if op == "and" else "or"
            return None if a is None or b is None else f"(bool({a}) {word} bool({b}))"
        case nodes.Not(operand=operand):
            a = emit(operand)
            return None if a is None else f"(not {a})"
    return None  # `in (…)` and anything new: the closure serves


def _row_score(body: str) -> str | None:
    """The statement's right side that scores a row by a direction's formula `body`: the weight
    times it, rounded by the ruleset (``Q``, ``RM``) in the thread's context (:data:`STRICT`)."""
    product = ARITHMETIC["*"].inline
    return None if product is None else f"{product.format('w', body)}.quantize(Q, RM)"


def row_scorer_source(formula: nodes.Expr, row_names: frozenset[str]) -> GeneratedSource | None:
    """The source of ``score(a, t, w, E)`` for a direction's `formula` — the expression the rows loop
    (:func:`rows_source`) inlines for it; None when some construct of it is not generated (or it
    reads a row field other than actual and target)."""
    out = GeneratedSource()
    body = _emit(formula, out, row_names)
    score = None if body is None else _row_score(body)
    if score is None:
        return None
    out.text = f"def score(a, t, w, E):\n    return {score}\n"
    return out


def row_scorer(formula: nodes.Expr, row_names: frozenset[str], step: Decimal, rounding: str) -> RowScorer | None:
    """One direction's score as the rows loop computes it, as a function of its own (what
    ``tests/test_codegen.py`` holds equal to the closures), or None; `step` and `rounding` are the
    ruleset's (:func:`~perfrules.operations.quantizer`, :data:`~perfrules.operations.ROUNDING_MODES`)."""
    source = row_scorer_source(formula, row_names)
    if source is None:
        return None
    scorer: RowScorer = _compiled(source, "score", Q=step, RM=rounding)
    return scorer


#: A generated item scorer: form values → the item's rounded score.
ItemScorer = Callable[[Mapping[str, Value]], Decimal]


def item_scorer(score: nodes.Expr, weight: Decimal, round_score: Callable[[Decimal], Decimal],
                row_names: frozenset[str]) -> ItemScorer | None:
    """``R(score)`` of a fixed item (``weight`` its weight) as one compiled function, or None when
    some construct of it is not generated; it runs with :data:`~perfrules.operations.STRICT` as the
    thread's decimal context, as the rows loop does."""
    out = GeneratedSource()
    body = _emit(score, out, row_names, {})
    if body is None:
        return None
    out.text = f"def item(E):\n    return R({body})\n"
    scorer: ItemScorer = _compiled(out, "item", w=weight, R=round_score)
    return scorer


def _compiled(source: GeneratedSource, name: str, **values: Any) -> Any:
    """Function `name` of `source`, compiled with its constants, names and functions, the form-value
    reader and `values` as its only globals (and the builtins the fragments use)."""
    namespace: dict[str, Any] = {
        "__builtins__": {"abs": abs, "bool": bool}, "K": tuple(source.constants), "N": tuple(source.names),
        "F": tuple(source.functions), "REF": _ref, **values}
    exec(compile(source.text, f"<perfrules {name}>", "exec"), namespace)  # noqa: S102 - our fixed text only
    return namespace[name]


# ---------------------------------------------------------------- the rows sections as one loop

#: A report the rows loop leaves for its section's turn: (section index, reporter, its arguments);
#: the reporter is called as ``reporter(collector, *arguments)``.
Pending = tuple[int, Callable[..., None], tuple[Any, ...]]

#: A generated rows scorer: (a form's rows, form values) → (each section's score, the findings to
#: report, section by section), or None when some row is not plain (the full path scores the form).
RowsScorer = Callable[[Any, Mapping[str, Value]], "tuple[tuple[Decimal, ...], list[Pending] | None] | None"]


@dataclass(frozen=True)
class Direction:
    """One direction of the indicator policy: its formula (inlined where generated) and the
    runner's own scorer of it (called where the formula is not generated, or `generate` is off)."""

    name: str
    formula: nodes.Expr
    scorer: RowScorer


@dataclass(frozen=True)
class RowsValues:
    """Everything the generated rows loop reads besides the rows: values, never text in the code.

    A row belongs to section ``sections[row.<field>]`` (an index into `weights`; no entry: the row
    is unclaimed).  `relations` maps a target's comparator to its direction; a target without one
    takes ``unsigned_cases[row.<unsigned_field>]`` (no field: ``unsigned_cases[""]``), else
    `unsigned_default` — what :func:`perfrules.rows.plan_row` decides for a row of two plain
    numbers; the loop's test of a misread cell is :func:`perfrules.plausibility.quick_plausible`'s.  `tier(row, w)` scores any other row: (score, None), (score, the arguments of
    `band_violation`) when the declared score is outside its band, or None.  `suspect(row)` is true
    for a row whose cells look misread; `weight_problem(row)` for a weight the ruleset's precision
    cannot hold (`good_weights` are those already found good); `mismatch(C, row, declared, score)`
    reports a declared score beyond `tolerance`.
    """

    field: str
    sections: Mapping[object, int]
    weights: tuple[Decimal, ...]
    directions: tuple[Direction, ...]
    relations: Mapping[str, str]
    unsigned_field: str | None
    unsigned_cases: Mapping[str, str]
    unsigned_default: str
    step: Decimal
    rounding: str
    tolerance: Decimal
    good_weights: set[Decimal]
    weight_problem: Callable[[Any], object]
    suspect: Callable[[Any], object]
    tier: Callable[[Any, Decimal], tuple[Decimal, tuple[Any, ...] | None] | None]
    band_violation: Callable[..., None]
    mismatch: Callable[..., None]


# The loop.  What is filled in is this module's own fragments and integers (below), nothing else.
_ROWS = """\
def rows(rows, E):
    P = None
{start}
    for row in rows:
        i = SECTION(FIELD(row))
        if i is None:
            return None
        w = row.weight
        if not row.applicable or (w not in GOOD and WP(row)):
            return None
        tq = row.target
        aq = row.actual
        v = None
        if (tq is not None and aq is not None and not tq.is_date and not aq.is_date and tq.unit == aq.unit
                and tq.value > ZERO and aq.value >= ZERO):
            d = REL(tq.relation)
            if d is None:
                d = {unsigned}
            a = aq.value
            t = tq.value
{dispatch}
            else:
                return None
            if (not ((tq.relation or not row.target_text.lstrip().startswith(TWO))
                     and not (a > ONE and aq.unit == PCT)) and SUSPECT(row)):
                return None
        else:
            r = TIER(row, w)
            if r is None:
                return None
            s, v = r
            if v is not None:
                if P is None:
                    P = []
                P.append((i, BAND, v))
        if not ZERO <= s <= w:
            return None
        dcl = row.declared
        if dcl is not None and v is None and abs(dcl - s) > TOL:
            if P is None:
                P = []
            P.append((i, MISMATCH, (row, dcl, s)))
{add}
    if {check}:
        return None
    return ({scores},), P
"""


def _indented(lines: list[str], depth: int) -> str:
    return "\n".join("    " * depth + line for line in lines)


def rows_source(values: RowsValues, row_names: frozenset[str], generate: bool) -> GeneratedSource:
    """The source of ``rows(rows, E)`` for `values` (see :class:`RowsValues`); with `generate`,
    each direction's formula is inlined where :func:`_emit` generates it."""
    out = GeneratedSource()
    dispatch = []
    for i, direction in enumerate(values.directions):
        body = _emit(direction.formula, out, row_names) if generate else None
        score = None if body is None else _row_score(body)
        dispatch.append(f"{'if' if i == 0 else 'elif'} d == D[{i}]:")
        dispatch.append(f"    s = {score or f'{out.function(direction.scorer)}(a, t, w, E)'}")
    if not dispatch:
        dispatch = ["if False:", "    pass"]
    sections = range(len(values.weights))
    start = [f"W{k} = ZERO\nS{k} = ZERO\nN{k} = 0" for k in sections]
    add = []
    for k in sections:
        test = [] if len(values.weights) == 1 else [f"{'if' if k == 0 else 'elif'} i == {k}:"]
        add += test + [("    " if test else "") + f"{x}" for x in (f"W{k} += w", f"S{k} += s", f"N{k} += 1")]
    check = " or ".join(f"N{k} == 0 or W{k} != NW[{k}] or S{k} > NW[{k}]" for k in sections) or "False"
    out.text = _ROWS.format(start=_indented("\n".join(start).split("\n"), 1), unsigned=(
        "UC(UF(row) or EMPTY, UD)" if values.unsigned_field else "UD"), dispatch=_indented(dispatch, 3),
        add=_indented(add, 2), check=check, scores=", ".join(f"S{k}" for k in sections))
    return out


def rows_scorer(values: RowsValues, row_names: frozenset[str], generate: bool) -> RowsScorer:
    """The rows loop of :func:`rows_source`, compiled once; it runs with
    :data:`~perfrules.operations.STRICT` as the thread's decimal context (the summary path sets it)."""
    source = rows_source(values, row_names, generate)
    cases = dict(values.unsigned_cases)
    scorer: RowsScorer = _compiled(
        source, "rows", SECTION=dict(values.sections).get, FIELD=attrgetter(values.field), NW=values.weights,
        D=tuple(d.name for d in values.directions), REL=dict(values.relations).get, UC=cases.get,
        UF=attrgetter(values.unsigned_field) if values.unsigned_field else None,
        UD=values.unsigned_default if values.unsigned_field else cases.get("", values.unsigned_default),
        EMPTY="", TWO="2", PCT="%", ONE=Decimal(1), ZERO=Decimal(0), Q=values.step, RM=values.rounding,
        TOL=values.tolerance, GOOD=values.good_weights, WP=values.weight_problem, SUSPECT=values.suspect,
        TIER=values.tier, BAND=values.band_violation, MISMATCH=values.mismatch)
    return scorer
