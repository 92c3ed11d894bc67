"""Score bounds by interval arithmetic, narrowed by ``if`` conditions; concrete counterexamples.

Each operation's interval rule comes from :mod:`perfrules.operations`; a counterexample is tried
with the one evaluator of :mod:`perfrules.evaluate`, so the checker imports no runtime.
"""

from __future__ import annotations

import itertools
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import nodes
from ..evaluate import eval_expr
from ..intervals import INF, Interval
from ..nodes import free_names
from ..operations import ARITHMETIC, FUNCTIONS
from ..values import CONTEXT, EvalError, Value, fmt_number
from .context import MAX_COUNTEREXAMPLE_TRIES


@dataclass
class _Bounds:
    """Interval analysis of one expression, remembering where division may hit zero."""

    domains: Mapping[str, Interval]
    weight: Interval | None
    zero_divisions: list[nodes.BinOp] = field(default_factory=list)

    def of(self, expr: nodes.Expr, env: Mapping[str, Interval] | None = None) -> Interval:
        env = env if env is not None else self.domains
        match expr:
            case nodes.Num(value=value):
                return Interval.point(value)
            case nodes.Ref(name=name):
                return env.get(name, Interval.everything())
            case nodes.WeightRef():
                return self.weight or Interval.non_negative()
            case nodes.Neg(operand=operand):
                return ARITHMETIC["neg"].bound(self.of(operand, env))
            case nodes.BinOp(op=op, left=left, right=right):
                a, b = self.of(left, env), self.of(right, env)
                if ARITHMETIC[op].divides and b.contains_zero():
                    self.zero_divisions.append(expr)
                return ARITHMETIC[op].bound(a, b)
            case nodes.Call(func=func, args=args):
                operation = FUNCTIONS.get(func)
                if operation is None or len(args) < operation.min_args or (
                        operation.max_args is not None and len(args) > operation.max_args):
                    return Interval.everything()  # reported by the type check
                vals = [self.of(a, env) for a in args]
                if operation.divides and vals[-1].contains_zero():
                    self.zero_divisions.append(nodes.BinOp("/", args[0], args[-1], expr.span))
                return operation.bound(*vals)
            case nodes.If(cond=cond, then=then, else_=else_):
                t_env = _refine(cond, True, env)
                e_env = _refine(cond, False, env)
                branches = []
                if t_env is not None:
                    branches.append(self.of(then, t_env))
                if e_env is not None:
                    branches.append(self.of(else_, e_env))
                if not branches:
                    return self.of(else_, env)
                out = branches[0]
                for b in branches[1:]:
                    out = out.union(b)
                return out
        return Interval.everything()


_FLIP = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}
_NEGATE = {">": "<=", "<": ">=", ">=": "<", "<=": ">", "==": "!=", "!=": "=="}


def _refine(cond: nodes.Expr, truth: bool, env: Mapping[str, Interval]) -> Mapping[str, Interval] | None:
    """Narrow the ranges in `env` knowing `cond` is `truth`; None if that cannot happen.

    `env` itself when nothing narrows, else a view with the one range changed (never a copy of
    every range: a ruleset may declare a thousand facts).
    """
    out = env
    if isinstance(cond, nodes.Not):
        return _refine(cond.operand, not truth, env)
    if isinstance(cond, nodes.Logic):
        if (cond.op == "and") == truth:
            first = _refine(cond.left, truth, env)
            return _refine(cond.right, truth, first) if first is not None else None
        return out  # a disjunction (or a negated conjunction) narrows nothing we can use
    if not isinstance(cond, nodes.Compare):
        return out
    op, left, right = cond.op, cond.left, cond.right
    if isinstance(left, nodes.Num) and isinstance(right, nodes.Ref):
        op, left, right = _FLIP[op], right, left
    if not (isinstance(left, nodes.Ref) and isinstance(right, nodes.Num)) or left.name not in env:
        return out
    if not truth:
        op = _NEGATE[op]
    cur, k = env[left.name], right.value
    narrowed: Interval | None = cur
    if op == ">":
        narrowed = cur.intersect(k, INF, open_lo=True)
    elif op == ">=":
        narrowed = cur.intersect(k, INF)
    elif op == "<":
        narrowed = cur.intersect(-INF, k)
        if narrowed is not None and narrowed.hi == k and k == 0:
            narrowed = Interval(narrowed.lo, narrowed.hi, True)
    elif op == "<=":
        narrowed = cur.intersect(-INF, k)
    elif op == "==":
        narrowed = cur.intersect(k, k)
    if narrowed is None:
        return None
    return ChainMap({left.name: narrowed}, env)  # type: ignore[arg-type]


def _candidates(domain: Interval, integer: bool) -> list[Decimal]:
    lo = domain.lo if domain.lo.is_finite() else Decimal(-1000000)
    hi = domain.hi if domain.hi.is_finite() else max(lo, Decimal(0)) + Decimal(1000000)
    picks = [lo, Decimal(1), Decimal(100), Decimal(0), Decimal("0.5"), lo + 1, (lo + hi) / 2, hi]
    out: list[Decimal] = []
    for p in picks:
        if integer:
            p = p.to_integral_value()
        if lo <= p <= hi and not (domain.nonzero and p == 0) and p not in out:
            out.append(p)
    return out


@dataclass
class _Counter:
    values: dict[str, Decimal]
    result: Decimal | None
    error: str | None

    def describe(self) -> str:
        given = "，".join(f"{k} = {fmt_number(v)}" for k, v in sorted(self.values.items()))
        if self.error:
            return f"例如 {given} 时：{self.error}"
        assert self.result is not None
        return f"例如 {given} 时得分为 {fmt_number(self.result.quantize(Decimal('0.0001')))}"


def _search_counterexample(expr: nodes.Expr, lo: Decimal, hi: Decimal, domains: Mapping[str, Interval],
                           integers: set[str], lets: Mapping[str, nodes.Let], weight: Decimal | None) -> _Counter | None:
    """Try the corners of every input range for a value of `expr` outside [lo, hi]."""
    names = set()
    pending = list(free_names(expr))
    seen: set[str] = set()
    while pending:
        n = pending.pop()
        if n in seen:
            continue
        seen.add(n)
        if n in lets:
            pending.extend(free_names(lets[n].expr))
        elif n in domains:
            names.add(n)
    order = sorted(names)
    per = [_candidates(domains[n], n in integers) for n in order]
    for i, combo in enumerate(itertools.product(*per)):
        if i >= MAX_COUNTEREXAMPLE_TRIES:
            break
        env: dict[str, Value] = dict(zip(order, combo))
        try:
            with _local_context():
                for name, let in lets.items():
                    try:
                        env[name] = eval_expr(let.expr, env, None)
                    except EvalError:
                        pass
                value = eval_expr(expr, env, weight)
        except EvalError as err:
            return _Counter(dict(zip(order, combo)), None, err.message)
        except (ArithmeticError, TypeError):
            continue
        if isinstance(value, Decimal) and (value < lo or value > hi):
            return _Counter(dict(zip(order, combo)), value, None)
    return None


def _local_context() -> Any:
    from decimal import localcontext

    return localcontext(CONTEXT)
