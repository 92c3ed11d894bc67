"""The ruleset's consistency checks run over one form: findings with the numbers of each failed side."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import nodes
from .evaluate import eval_expr
from .model import Model
from .nodes import free_names
from .operations import NON_FINITE
from .rows import check_row_values
from .scoring import Collector, Evaluator, engine_error, missing_path
from .trace import condition_words, render
from .unparse import expr as source
from .values import EvalError, Value, fmt_number


def check_message(name: str, message: str | None, sides: str) -> str:
    head = message or f"检查 {name} 未通过"
    return f"{head}：{sides}" if sides else head

def run_checks(model: Model, coll: Collector, env: dict[str, Value],
               evaluator: Evaluator) -> None:
    """Evaluate the ruleset's consistency checks; a failed one is a ``check-failed`` finding."""
    for check in model.checks:
        if not check.for_rows:
            _one_check(model, coll, check, env, None, _check_path(check, model), "", evaluator)
            continue
        for row in coll.form.rows:
            if not (evaluator.check_applies(check, row) and row.quantitative and row.applicable):
                continue
            local = check_row_values(row)
            _one_check(model, coll, check, env, local, row.path, f"{row.name}: ", evaluator)


def _one_check(model: Model, coll: Collector, check: Any, env: dict[str, Value], local: dict[str, Any] | None, path: str,
               prefix: str, evaluator: Evaluator) -> None:
    try:
        ok = evaluator.check(check, env, local)
    except NON_FINITE as err:
        raise engine_error(model, check.span.line, check.span.column, f"检查 {check.name} ", err) from None
    except EvalError as err:
        # a check over optional data the form left out does not apply: say so quietly (info)
        spec = model.facts.get(err.name or "")
        optional = spec is not None and spec.optional
        coll.add("info" if optional else "warning", "check-skipped", missing_path(err.name) if not local else path,
                 f"{prefix}检查 {check.name} 未执行：{err.message}" + ("（选填数据未填写）" if optional else ""))
        return
    coll.reach("check", check.name)
    if not ok:
        sides = _failed_sides(check, env, local)
        coll.add(check.severity, "check-failed", path, prefix + check_message(check.name, check.message, sides))


def _check_path(check: Any, model: Model) -> str:
    """Where a failed check points in the form: the first fact it reads, else the form itself."""
    facts = [n for n in free_names(check.expr) if n in model.facts or n.startswith("budget.")]
    return missing_path(facts[0]) if facts else "$"


def _failed_sides(check: Any, env: dict[str, Value], local: dict[str, Any] | None) -> str:
    """The numbers of a failed check: each side of a comparison with its value and the difference."""
    scope: Any = {**env, **local} if local else env
    e = check.expr
    if isinstance(e, nodes.Logic):
        return condition_words(e, False, scope)  # the part that failed, in words
    if not isinstance(e, nodes.Compare):
        return render(e, scope)
    try:
        left, right = _side_value(e.left, scope), _side_value(e.right, scope)
    except (EvalError, ArithmeticError):
        return render(e, scope)
    sides = f"{_side(e.left, scope)} = {_value(left)}，{_side(e.right, scope)} = {_value(right)}"
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        sides += f"，相差 {fmt_number(abs(left - right))}"
        if check.tolerance:
            sides += f"（允许误差 {fmt_number(check.tolerance)}）"
    return sides


def _side_value(e: Any, scope: Any) -> Value:
    if isinstance(e, nodes.Ref) and e.name in scope:
        return scope[e.name]  # type: ignore[no-any-return]
    return eval_expr(e, scope)


def _side(e: Any, scope: Any) -> str:
    """One side of a failed comparison: its names, and its numbers where it is a formula."""
    if isinstance(e, nodes.Ref):
        return e.name
    text = source(e)
    if isinstance(e, nodes.Num):
        return text
    return f"{text} = {render(e, scope)}"


def _value(v: Value) -> str:
    return fmt_number(v) if isinstance(v, Decimal) else str(v)
