"""One run of a form: the frame both runners share around their walk of the rubric tree.

The engine's decimal context, the form's values, the walk (the runner's own), rows no section
drew, the consistency checks, totals and grade — and a value beyond the engine's precision
turned into the located engine error (:data:`~perfrules.operations.NON_FINITE`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext

from .checks import run_checks
from .forms import Form
from .model import Model
from .operations import NON_FINITE
from .result import Result
from .scoring import Collector, Evaluator, assemble, build_env, engine_error, unclaimed_rows
from .values import CONTEXT, Value

#: A runner's walk of the rubric tree: (form values, collector, rows claimed so far) → top-level scores.
Walk = Callable[[dict[str, Value], Collector, dict[int, str]], list[Decimal]]


def score_form(model: Model, form: Form, evaluator: Evaluator, walk: Walk, coverage: bool = False) -> Result:
    """Score `form`: `walk` scores the tree, `evaluator` every expression; with `coverage`, the
    result's ``reached`` holds the rubric cells the form exercised."""
    try:
        with localcontext(CONTEXT):
            coll = Collector(form, reached=set() if coverage else None)
            env = build_env(model, form, coll, evaluator)
            claimed: dict[int, str] = {}
            top = walk(env, coll, claimed)
            if len(claimed) != len(form.rows):
                unclaimed_rows(coll, form, claimed)
            if model.checks:
                run_checks(model, coll, env, evaluator)
            return assemble(model, coll, top)
    except NON_FINITE as err:  # located where it arose when scoring knew the line
        raise engine_error(model, 0, 0, "", err) from None
