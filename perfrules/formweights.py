"""Form-supplied weights: a ruleset's ``adjustable`` sections take the weight the form gives them.

财预〔2020〕10号 sets the level-1 weights 产出 50 / 效益 30 / 满意度 10 (and 预算执行率 10)
"原则上", and lets a unit adjust them; real tables use 60/30/0, 70/20/10 and so on.  A
ruleset says where that is allowed with ``adjustable lo .. hi`` on a top-level ``rows``
section (checked in :mod:`perfrules.adjustable`).  Before a form is scored, :func:`adapt`

* reads a weight written into a level-1 label (``产出指标(60分)`` → level1 ``产出指标``, 60);
* takes each adjustable section's form weight: its label, else the sum of its rows' weights
  (0 when the form has no rows for it);
* uses the form weights when each lies within its bounds and, with the fixed parts, they add
  up to ``full`` — an ``info`` finding names the deviation from the ruleset's weights;
* otherwise keeps the ruleset's weights and says why in an ``error`` finding that names both
  numbers.  Nothing is clamped or rescaled silently.

Labels are read off in every ruleset (so ``产出指标(50分)`` still selects the 产出指标 rows); on a
fixed section a label that differs from the ruleset's weight is an error (``form-weights-fixed``).

The result is an ordinary model with different weights: both runners score it unchanged,
and the bound proof carries over (rows score at most their own weights; the weights add up
to ``full``).
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from .coverage import Cell
from .evaluate import eval_expr
from .forms import Form, Row
from .model import Model
from .result import Finding, Result
from .rows import row_fields
from .values import fmt_number

#: A level-1 label carrying its weight: ``产出指标(60分)``, ``效益指标（30 分）``.
LABEL = re.compile(r"^(?P<name>.+?)\s*[（(]\s*(?P<points>\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")

PATH = "$.indicators"


@dataclasses.dataclass(frozen=True)
class Plan:
    """The weights one form gives the adjustable sections, and what was said about them."""

    weights: dict[str, Decimal]  # node id → weight to score with
    findings: tuple[Finding, ...]
    rows: tuple[Row, ...]  # the rows with weight labels taken off level1


def adapt(model: Model, form: Form) -> tuple[Model, Form]:
    """The model and form to score: the form's own weights where the ruleset admits them."""
    if not model.adjustable and not _any_labelled(form.rows):
        return model, form
    plan = plan_weights(model, form)
    if plan.rows is not form.rows or plan.findings:
        form = dataclasses.replace(form, rows=plan.rows, notices=[*form.notices, *plan.findings])
    if all(plan.weights.get(n.id, n.weight) == n.weight for n in model.root):
        return model, form
    root = tuple(dataclasses.replace(n, weight=plan.weights[n.id]) if n.id in plan.weights else n
                 for n in model.root if not (n.id in plan.weights and plan.weights[n.id] == 0 and n.adjust))
    return dataclasses.replace(model, root=root), form


def mark_reached(result: Result) -> Result:
    """Record the coverage cells of form-supplied weights (used / refused) in `result`."""
    codes = {f.code for f in result.findings}
    cells = {Cell("weights", "form")} if "form-weights" in codes else set()
    if codes & {"form-weights-total", "form-weights-out-of-range"}:
        cells.add(Cell("weights", "refused"))
    return dataclasses.replace(result, reached=result.reached | cells) if cells else result


def weights_key(model: Model) -> tuple[tuple[str, Decimal], ...]:
    """What distinguishes one adapted model from another (to cache compiled programs)."""
    return tuple((n.id, n.weight) for n in model.root)


def _any_labelled(rows: tuple[Row, ...]) -> bool:
    for row in rows:  # a loop, not any(…): this runs on every form
        if "分" in row.level1 or "分" in row.level2:
            return True
    return False


def _labelled(row: Row) -> bool:
    return "分" in row.level1 or "分" in row.level2


def _strip_labels(form: Form) -> tuple[tuple[Row, ...], dict[str, set[Decimal]]]:
    labels: dict[str, set[Decimal]] = {}
    rows = list(form.rows)
    changed = False
    for i, row in enumerate(rows):
        if not _labelled(row):
            continue
        m = LABEL.match(row.level1)
        m2 = LABEL.match(row.level2)  # 二级 labels (``数量指标(10分)``) are read off too, their points unused
        if m is None and m2 is None:
            continue
        level1 = row.level1
        if m is not None:
            level1 = m.group("name").strip()
            labels.setdefault(level1, set()).add(Decimal(m.group("points")))
        level2 = m2.group("name").strip() if m2 is not None else row.level2
        rows[i] = dataclasses.replace(row, level1=level1, level2=level2)
        changed = True
    return (tuple(rows) if changed else form.rows), labels


def _claimed(model: Model, rows: tuple[Row, ...]) -> dict[str, list[Row]]:
    """The rows each ``rows`` section draws, an earlier section first (as the runners do)."""
    taken: set[int] = set()
    out: dict[str, list[Row]] = {}
    for node in model.nodes():
        if not node.is_rows:
            continue
        chosen = out.setdefault(node.id, [])
        for row in rows:
            if row.index in taken:
                continue
            if node.rows_where is None or eval_expr(node.rows_where, row_fields(row)):
                taken.add(row.index)
                chosen.append(row)
    return out


def _part_labels(section: str, rows: list[Row], labels: dict[str, set[Decimal]], line: int | None
                 ) -> list[Finding]:
    """Labels of level-1 parts inside one section (黄石 / 湖北 goals): each against its own rows."""
    out = []
    for level1 in dict.fromkeys(r.level1 for r in rows):
        written = labels.get(level1, set())
        total = sum((r.weight for r in rows if r.level1 == level1), Decimal(0))
        if written and written != {total}:
            out.append(Finding("error", "form-weights-label", PATH,
                               f"{section} 中的 {level1}: 表上标注 {'、'.join(fmt_number(w) for w in sorted(written))} 分，"
                               f"各行分值之和为 {fmt_number(total)}", line))
    return out


def plan_weights(model: Model, form: Form) -> Plan:
    """Read the form's weights for the adjustable sections and decide whether to use them."""
    rows, labels = _strip_labels(form)
    drawn = _claimed(model, rows)
    findings: list[Finding] = []
    line = form.lines.get(PATH, (None,))[0]

    def say(severity: str, code: str, message: str) -> None:
        findings.append(Finding(severity, code, PATH, message, line))

    given: dict[str, Decimal] = {}
    for node in model.root:
        mine = drawn.get(node.id, [])
        written = set().union(*(labels.get(r.level1, set()) for r in mine)) if mine else set()
        if written and len({r.level1 for r in mine}) > 1:
            # several level-1 parts in one section (a goal): the labels are the parts', not the section's
            findings.extend(_part_labels(node.name, mine, labels, line))
            written = set()
        if node.adjust is None:
            if written and written != {node.weight}:
                say("error", "form-weights-fixed",
                    f"{node.name}: 表上标注 {'、'.join(fmt_number(w) for w in sorted(written))} 分，"
                    f"规则规定 {fmt_number(node.weight)} 分，不能由表单调整；按规则的分值计分")
            continue
        if len(written) > 1:
            say("error", "form-weights-label", f"{node.name}: 表上标注了不同的分值 "
                f"{'、'.join(fmt_number(w) for w in sorted(written))}，按各行分值之和计")
        given[node.id] = written.pop() if len(written) == 1 else sum((r.weight for r in mine), Decimal(0))

    nominal = {n.id: n.weight for n in model.root}
    supplied = any(drawn.get(k) for k in given)  # a form without indicator rows gives no weights
    if not supplied or all(given[k] == nominal[k] for k in given):
        return Plan({}, tuple(findings), rows)
    names = {n.id: n.name for n in model.root}
    fixed = [n for n in model.root if n.adjust is None]
    ruleset_parts = "、".join(f"{names[k]} {fmt_number(nominal[k])}" for k in given)
    outside = [n for n in model.root if n.adjust and not n.adjust[0] <= given[n.id] <= n.adjust[1]]
    if outside:
        for n in outside:
            assert n.adjust is not None
            say("error", "form-weights-out-of-range",
                f"{n.name}: 表上分值 {fmt_number(given[n.id])}，超出规则允许的 {fmt_number(n.adjust[0])}–"
                f"{fmt_number(n.adjust[1])}；按规则的分值（{ruleset_parts}）计分")
        return Plan({}, tuple(findings), rows)
    total = sum((n.weight for n in fixed), Decimal(0)) + sum(given.values(), Decimal(0))
    parts = " + ".join(f"{n.name} {fmt_number(given.get(n.id, n.weight))}" for n in model.root)
    if total != model.full:
        say("error", "form-weights-total",
            f"表上各部分分值合计 {fmt_number(total)}（{parts}），不等于满分 {fmt_number(model.full)}；"
            f"不能按表上的分值计分，按规则的分值（{ruleset_parts}）计分")
        return Plan({}, tuple(findings), rows)
    form_parts = "、".join(f"{names[k]} {fmt_number(given[k])}" for k in given)
    say("info", "form-weights",
        f"表上的一级指标分值 {form_parts} 与规则原则上的分值（{ruleset_parts}）不同；"
        f"合计 {fmt_number(total)}（{parts}），在规则允许的范围内，按表上的分值计分")
    return Plan(given, tuple(findings), rows)

