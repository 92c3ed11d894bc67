"""Generated Python for the summary path: a direction's formula as one function, operations inlined.

A compiled closure tree (:mod:`perfrules.compiler`) calls one Python function per node of a
formula.  For the rows of the summary path (:mod:`perfrules.summary`) a direction's formula is
instead turned, once per ruleset, into the source of one function
``score(a, t, w, E) = R(w × formula)`` — actual, target, weight, the form's values, and the
ruleset's rounding ``R`` — and compiled with :func:`compile`.

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
        raise MissingValue(f"表单缺少 {name}", name) from None


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


def _emit(expr: nodes.Expr, out: GeneratedSource, row_names: frozenset[str]) -> str | None:
    """The Python expression computing `expr`, or None for a construct not generated."""

    def emit(e: nodes.Expr) -> str | None:
        return _emit(e, out, row_names)

    match expr:
        case nodes.Num(value=value) | nodes.Str(value=value) | nodes.BoolLit(value=value):
            return out.constant(value)
        case nodes.Ref(name=name):
            if name in _ROW_VALUES:
                return _ROW_VALUES[name]
            return None if name in row_names else out.name(name)
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


def row_scorer_source(formula: nodes.Expr, row_names: frozenset[str]) -> GeneratedSource | None:
    """The source of ``score(a, t, w, E)`` for a direction's `formula`; None when some construct
    of it is not generated (or it reads a row field other than actual and target)."""
    out = GeneratedSource()
    body = _emit(formula, out, row_names)
    product = ARITHMETIC["*"].inline
    if body is None or product is None:
        return None
    out.text = f"def score(a, t, w, E):\n    return R({product.format('w', body)})\n"
    return out


def row_scorer(formula: nodes.Expr, row_names: frozenset[str],
               round_score: Callable[[Decimal], Decimal]) -> RowScorer | None:
    """``R(weight × formula)`` as one compiled function (see the module's docstring), or None."""
    source = row_scorer_source(formula, row_names)
    if source is None:
        return None
    namespace: dict[str, Any] = {
        "__builtins__": {"bool": bool}, "K": tuple(source.constants), "N": tuple(source.names),
        "F": tuple(source.functions), "REF": _ref, "R": round_score}
    exec(compile(source.text, "<perfrules formula>", "exec"), namespace)  # noqa: S102 - our fixed text only
    scorer: RowScorer = namespace["score"]
    return scorer
