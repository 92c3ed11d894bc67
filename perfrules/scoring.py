"""Scoring rules both runners share: the audit around the expressions.

The compiled program and the interpreter differ only in how they evaluate
expressions and walk the rubric tree.  Everything else — reading facts,
classifying an indicator row, tiers and bands, judged items, deductions,
rounding, the run-time clamp, declared-value audits, totals and grades — is
defined here once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from . import nodes
from .coverage import Cell
from .errors import Diagnostic, EngineError
from .forms import Form, Row
from .model import CheckSpec, JudgeSpec, Model, NodeSpec, RowClass
from .names import FORM_PATHS
from .notation import _read_date, read_cell
from .operations import NON_FINITE, fits, minimum, multiply, non_finite, subtract
from .operations import total as add_up
from .places import place_of
from .plausibility import suspect_cells
from .rescale import inapplicable_row, section_rescale, total_rescale
from .result import Finding, ItemResult, Result, SectionResult
from .rows import RowPlan, RowSource, plan_row, qualitative_score, row_fields
from .totals import unknown_parts_message, weights_total_note
from .trace import ItemFormula, RowFormula, Said, TierScore, Trace
from .values import CONTEXT, ZERO, EvalError, Value, fmt_number, fmt_score, quantizer, round_to

_BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "是": True, "否": False, "有": True,
               "无": False, "对": True, "错": False, "符合": True, "不符合": False}


@dataclass
class Collector:
    """Findings and items of one evaluation; only true repeats (same severity, code, path and
    message) are folded."""

    form: Form
    findings: list[Finding] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    sections: list[SectionResult] = field(default_factory=list)
    reached: set[Cell] | None = None  # rubric cells this form exercised, when coverage was asked for
    buckets: dict[str, list[Row]] | None = None  # rows by section, when the compiler could dispatch them
    dropped: dict[str, Decimal] = field(default_factory=dict)  # 不适用 weight by section id (see rescale.py)
    _seen: set[tuple[str, str, str, str]] = field(default_factory=set)

    def reach(self, kind: str, key: str, part: str = "") -> None:
        """Note a rubric cell as exercised (only when coverage was asked for)."""
        if self.reached is not None:
            self.reached.add(Cell(kind, key, part))

    def add(self, severity: str, code: str, path: str, message: str) -> None:
        key = (severity, code, path, message)
        if key in self._seen:
            return
        self._seen.add(key)
        where = self.form.lines.get(path)
        self.findings.append(Finding(severity, code, path, message, where[0] if where else None,
                                     place_of(self.form.places, path)))


def engine_error(model: Model, line: int, column: int, what: str, err: Exception) -> EngineError:
    """A value beyond the engine's precision (:data:`~perfrules.operations.NON_FINITE`), located at
    the ruleset line that computed it."""
    return EngineError([Diagnostic(
        "error", "non-finite", f"{what}无法精确计算：{non_finite(err).message}", model.path, line, column,
        hint="这不是一个可信的分数，表单未计分；请缩小规则中的常数或表单中的金额（perfrules 的精度为 34 位有效数字）")])


# ---------------------------------------------------------------- inputs


def _convert_fact(spec: Any, value: Any) -> tuple[Value | None, str | None]:
    """A form's fact value as the ruleset's type says, or an error message."""
    t = spec.type
    if t in ("count", "number", "money", "percent", "ratio"):
        if isinstance(value, bool):
            return None, f"应为数字，这里是 {value}"
        num: Decimal | None = None
        if isinstance(value, (int, Decimal)):
            num = Decimal(value)
            if t in ("percent", "ratio") and num > 1 and spec.hi is not None and spec.hi <= 1:
                return None, f"{value} 超出范围；百分数请写成 \"{value}%\" 或 {Decimal(value) / 100}"
        else:
            q = read_cell(str(value))
            if q is None or q.is_date:
                return None, f"无法读作数字: {value!r}"
            if q.unit == "%" and t not in ("percent", "ratio"):
                return None, f"{spec.name} 是 {t}，不应写成百分数"
            num = q.value
        if t == "count" and num != num.to_integral_value():
            return None, f"次数/个数应为整数，这里是 {value}"
        if num < 0:
            return None, f"不能为负数，这里是 {value}"
        if spec.lo is not None and num < spec.lo:
            return None, f"{value} 小于允许的下限 {fmt_number(spec.lo * (100 if t == 'percent' else 1))}{'%' if t == 'percent' else ''}"
        if spec.hi is not None and num > spec.hi:
            return None, f"{value} 大于允许的上限 {fmt_number(spec.hi * (100 if t == 'percent' else 1))}{'%' if t == 'percent' else ''}"
        return num, None
    if t == "date":
        when = _read_date(str(value).strip())
        if when is None:
            return None, f"无法读作日期: {value!r}（写成 2023-06-21 或 2023年6月21日）"
        return Decimal(when.toordinal()), None
    if t == "bool":
        if isinstance(value, bool):
            return value, None
        word = _BOOL_WORDS.get(str(value).strip().lower())
        if word is None:
            return None, f"应为 是/否，这里是 {value!r}"
        return word, None
    if t == "enum":
        text = str(value).strip()
        if text not in spec.values:
            close = difflib.get_close_matches(text, spec.values, n=1, cutoff=0.4)
            more = f"；是不是 {close[0]}？" if close else ""
            return None, f"{text!r} 不是允许的取值（{'、'.join(spec.values)}）{more}"
        return text, None
    return str(value), None


def build_env(model: Model, form: Form, coll: Collector, evaluator: Evaluator) -> dict[str, Value]:
    """The values every expression of one form reads: budget, facts, derived values."""
    env: dict[str, Value] = {"year": Decimal(form.year)}
    b = form.budget
    if b is not None:
        if b.adjusted is not None:  # > 0 when present (budget_sources): the checker relies on it
            env["budget.adjusted"] = b.adjusted
        if b.executed is not None:
            env["budget.executed"] = b.executed
        if b.initial is not None:
            env["budget.initial"] = b.initial
        if b.declared_score is not None:
            env["budget.declared_score"] = b.declared_score
        if b.declared_rate is not None:
            env["budget.declared_rate"] = b.declared_rate
    if form.declared_total is not None:
        env["declared_total"] = form.declared_total
    for name, spec in model.facts.items():
        path = f"$.facts.{name}"
        if name in form.facts and form.facts[name] is not None:
            raw = form.facts[name]
            if spec.is_list:
                items = raw if isinstance(raw, list) else None
                if items is None:
                    coll.add("error", "invalid-fact", path, f"{spec.label or name}: 应为列表，例如 [1, 2, 3]")
                    continue
                converted = []
                for i, entry in enumerate(items):
                    value, problem = _convert_fact(spec, entry)
                    if problem:
                        coll.add("error", "invalid-fact", f"{path}[{i}]", f"{spec.label or name} 第 {i + 1} 项: {problem}")
                        break
                    assert isinstance(value, Decimal)
                    converted.append(value)
                else:
                    env[name] = tuple(converted)
                continue
            if isinstance(raw, list):
                coll.add("error", "invalid-fact", path, f"{spec.label or name}: 应为单个值，不是列表")
                continue
            value, problem = _convert_fact(spec, raw)
            if problem:
                coll.add("error", "invalid-fact", path, f"{spec.label or name}: {problem}")
            else:
                assert value is not None
                env[name] = value
        elif not spec.optional:
            coll.add("error", "missing-value", path, f"表单缺少必填数据 {name}" + (f"（{spec.label}）" if spec.label else ""))
    for name in form.facts:
        if name not in model.facts:
            close = difflib.get_close_matches(name, list(model.facts), n=1, cutoff=0.5)
            more = f"；是不是 {close[0]}？" if close else ""
            coll.add("warning", "unknown-fact", f"$.facts.{name}", f"规则 {model.id} 没有声明数据 {name}，已忽略{more}")
    for let in model.lets:
        try:
            env[let.name] = evaluator.let(let, env)
        except EvalError:
            pass  # reported where the derived value is used
        except NON_FINITE as err:  # before ArithmeticError: the trapped signals are ArithmeticErrors
            raise engine_error(model, let.span.line, let.span.column, f"派生值 {let.name} ", err) from None
        except ArithmeticError:
            pass
    return env


def missing_path(name: str | None) -> str:
    if not name:
        return "$"
    return FORM_PATHS.get(name) or f"$.facts.{name}"


def judge_score(spec: JudgeSpec, env: dict[str, Value]) -> tuple[Decimal, str, bool, Decimal | None]:
    """A judged item: (score, explanation, band violated, given score)."""
    from .values import MissingValue

    if spec.subject not in env:
        raise MissingValue.of(spec.subject)
    choice = str(env[spec.subject])
    lo, hi = spec.cases[choice]
    given = env.get(spec.score) if spec.score else None
    band = fmt_number(lo) if lo == hi else f"{fmt_number(lo)}–{fmt_number(hi)}"
    if not isinstance(given, Decimal):
        note = "" if lo == hi else "，未给分按上限"
        return hi, f"{spec.subject} = {choice} → {band} 分{note}", False, None
    if given < lo or given > hi:
        got = lo if given < lo else hi
        return got, f"{spec.subject} = {choice} → {band} 分；评分 {fmt_number(given)} 在区间外，取 {fmt_number(got)}", True, given
    return given, f"{spec.subject} = {choice} → {band} 分，评分 {fmt_number(given)}", False, given


# ---------------------------------------------------------------- finishing items


def finish_item(model: Model, coll: Collector, id: str, name: str, section: str, weight: Decimal, raw: Decimal,
                declared: Decimal | None, path: str, declared_path: str | None, kind: str, trace: Trace,
                detail: RowSource | None, audit_declared: bool, rule_line: int,
                form_weight_reported: bool = False) -> ItemResult:
    """Round, clamp (reporting a clamp as a ruleset defect), audit the declared score, record the item.

    `declared_path` None means ``path + ".declared_score"`` (an indicator row).
    `form_weight_reported`: the row's weight is not representable at the ruleset's places and
    the form was told so (``row-weight-precision``); a clamp then is the form's, not the rule's.
    """
    try:
        score = round_to(raw, model.places, model.rounding_mode)
    except NON_FINITE as err:
        raise engine_error(model, rule_line, 0, f"{name} 的得分", err) from None
    if (score < 0 or score > weight) and form_weight_reported:
        score = ZERO if score < 0 else weight
    elif score < 0 or score > weight:
        clamped = ZERO if score < 0 else weight
        coll.add("error", "score-clamped", path,
                 f"{name}: 规则算出 {fmt_number(score)} 分，超出 [0, {fmt_number(weight)}]，已限定为 {fmt_number(clamped)}；"
                 f"这是规则的缺陷，请用 perfrules check 检查规则")
        score = clamped
    if audit_declared and declared is not None and abs(declared - score) > model.tolerance:
        declared_mismatch(coll, declared_path or path + ".declared_score", name, declared, score)
    item = ItemResult(id, name, section, weight, score, raw, declared, path, kind, trace, detail, rule_line,
                      model.places)
    coll.items.append(item)
    return item


def tier_band_violation(coll: Collector, row: Row, tier: str, lo: Decimal, hi: Decimal, taken: Decimal) -> None:
    """Report a declared score outside the band of the row's tier (the score `taken` is the band's edge)."""
    coll.add("error", "band-violation", row.path + ".declared_score",
             f"{row.name}: 评价等次为 {tier}，得分应在 {fmt_number(lo)}–{fmt_number(hi)} 之间，"
             f"填报 {fmt_number(row.declared or ZERO)} 已按区间取 {fmt_number(taken)}")


def declared_mismatch(coll: Collector, path: str, name: str, declared: Decimal, score: Decimal) -> None:
    """Report a declared score the rule does not give (beyond the ruleset's tolerance)."""
    coll.add("error", "declared-score-mismatch", path, f"{name}: 填报得分 {fmt_number(declared)}，按规则应为 {fmt_number(score)}")


def weights_audit(coll: Collector, node: NodeSpec, rows: list[Row]) -> None:
    if rows:
        coll.reach("rows", node.id)
    total = ZERO
    for r in rows:
        total += r.weight
    if not rows:
        coll.add("error", "missing-rows", "$.indicators", f"{node.name}（{fmt_number(node.weight)} 分）没有对应的指标行")
    elif total != node.weight:
        coll.add("error", "weights-mismatch", "$.indicators",
                 f"{node.name} 的指标分值之和为 {fmt_number(total)}（{' + '.join(fmt_number(r.weight) for r in rows)}），"
                 f"应为 {fmt_number(node.weight)}")


def section_total(model: Model, coll: Collector, node: NodeSpec, parent: str | None, parts: list[Decimal],
                  items: list[str]) -> Decimal:
    total = add_up(tuple(parts))
    if total > node.weight:
        coll.add("error", "score-clamped", "$.indicators" if node.is_rows else "$",
                 f"{node.name}: 下级得分合计 {fmt_number(total)} 超过本级分值 {fmt_number(node.weight)}，已限定为 "
                 f"{fmt_number(node.weight)}")
        total = node.weight
    rescaled = None
    if coll.dropped:  # some part was 不适用 (see rescale.py)
        mode = model.policy.inapplicable if model.policy else None
        total, rescaled = section_rescale(mode, coll.dropped, node, items, total, model.places, model.rounding_mode)
    coll.sections.append(SectionResult(node.id, node.name, node.weight, total, parent, items, rescaled))
    return total


def assemble(model: Model, coll: Collector, top_scores: list[Decimal]) -> Result:
    """Total, grade, the budget-rate and total audits; the finished :class:`Result`."""
    form = coll.form
    total = add_up(tuple(top_scores))
    if total > model.full:  # cannot happen when the checker passed; defence in depth
        coll.add("error", "score-clamped", "$", f"总分 {fmt_number(total)} 超过满分 {fmt_number(model.full)}")
        total = model.full
    rescaled = None
    if coll.dropped:  # 不适用 weight passed up by the top-level parts (see rescale.py)
        total, rescaled = total_rescale(model, coll, total)
    grade = model.grade_of(total)
    note = weights_total_note(model.full, coll.items, form.rows, (form.notices, coll.findings)) \
        if form.rows and model.policy else None
    if note is not None:
        coll.add(note.severity, note.code, "$.indicators", note.message)
    findings = closing_audits(model, coll, total, grade)
    return Result(
        ruleset_id=model.id, ruleset_version=model.version, ruleset_sha256=model.sha256, ruleset_path=model.path,
        form=form.source, kind=form.kind, unit=form.unit, title=form.title, total=total, max=model.full, grade=grade,
        places=model.places, items=coll.items, sections=coll.sections, findings=findings,
        declared_total=form.declared_total, declared_grade=form.declared_grade, reached=frozenset(coll.reached or ()),
        rescaled=rescaled, aggregated_from=form.aggregated_from, tolerance=model.tolerance,
    )


def closing_audits(model: Model, coll: Collector, total: Decimal, grade: str) -> list[Finding]:
    """The audits of a scored form's totals (declared rate, total and grade); every finding, worst first."""
    form = coll.form
    b = form.budget
    if b is not None and b.declared_rate is not None and b.adjusted and b.executed is not None:
        _rate_audit(coll, b)
    if form.declared_total is not None and abs(form.declared_total - total) > model.tolerance:
        coll.add("error", "declared-total-mismatch", "$.declared_total",
                 f"填报总分 {fmt_number(form.declared_total)}，按规则应为 {fmt_score(total, model.places)}")
    if form.declared_grade is not None and model.grades and form.declared_grade != grade:
        coll.add("warning", "declared-grade-mismatch", "$.declared_grade",
                 f"填报等次 {form.declared_grade}，按规则总分 {fmt_score(total, model.places)} 应为 {grade}")
    findings = form.notices + coll.findings if form.notices else coll.findings
    if len({f.severity for f in findings}) > 1:
        findings.sort(key=_severity_rank)
    return findings


_RANKS = {"error": 0, "warning": 1, "info": 2}


def _severity_rank(f: Finding) -> int:
    return _RANKS.get(f.severity, 3)


def _pct(x: Decimal, places: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return (x * 100).quantize(Decimal(1).scaleb(-places), rounding=rounding)


def _rate_audit(coll: Collector, b: Any) -> None:
    places = b.declared_rate_places
    rate = b.executed / b.adjusted
    written = (b.declared_rate * 100).quantize(Decimal(1).scaleb(-places))
    expected = _pct(rate, places)
    if written == expected:
        return
    msg = (f"填报执行率 {b.declared_rate_text}，执行数 ÷ 预算数 = {fmt_number(b.executed)} ÷ {fmt_number(b.adjusted)} = "
           f"{fmt_number(_pct(rate, 2))}%，按填报精度应为 {fmt_number(expected)}%")
    if b.initial and _pct(b.executed / b.initial, places) == written:
        msg += (f"；填报值等于 执行数 ÷ 年初预算数（{fmt_number(b.executed)} ÷ {fmt_number(b.initial)}），"
                "执行率应以调整后的全年预算数为基数")
    elif _pct(rate, places, ROUND_DOWN) == written:
        msg += "；填报值是截断而不是四舍五入的结果"
    coll.add("error", "declared-rate-mismatch", "$.budget.declared_rate", msg)


# ---------------------------------------------------------------- flows shared by both runners

class Evaluator(Protocol):
    """The one seam between the shared scoring rules and a runner: how each expression of the
    ruleset is evaluated.  Expressions are named by what they belong to (a let, an item, a
    direction, a check), never by the identity of a tree node."""

    def let(self, let: nodes.Let, env: dict[str, Value]) -> Value:
        """A derived value."""

    def item_score(self, node: NodeSpec, env: dict[str, Value]) -> Value:
        """An item's ``score`` expression (``weight`` is the item's weight)."""

    def deduct_count(self, node: NodeSpec, index: int, env: dict[str, Value]) -> Value:
        """How many times deduction `index` of an item applies."""

    def formula(self, direction: str, env: dict[str, Value], local: dict[str, Any], weight: Decimal) -> Value:
        """The indicator policy's formula for `direction`, over one row's values."""

    def check(self, check: CheckSpec, env: dict[str, Value], local: dict[str, Any] | None) -> Value:
        """A consistency check (`local`: the row's values for ``check … for rows``)."""

    def check_applies(self, check: CheckSpec, row: Row) -> bool:
        """Whether a ``check … for rows where`` selects `row`."""

    def row_class(self, env: dict[str, Value], fields: dict[str, Value]) -> RowClass | None:
        """The first ``when`` class of the indicator policy whose condition holds for a row's fields."""


class Runner(Protocol):
    """What scores a form: the compiled :class:`~perfrules.compiler.Program` and the
    :class:`~perfrules.interpreter.Interpreter` both implement it."""

    model: Model

    def run(self, form: Form, coverage: bool = False) -> Result:
        """Score one validated form; with `coverage`, note the rubric cells it exercised."""


def score_leaf(model: Model, coll: Collector, node: NodeSpec, env: dict[str, Value], section: str,
               evaluator: Evaluator) -> ItemResult:
    """Score an item by its rule (score / deduct / judge) and audit its declared value."""
    declared_v = env.get(node.declared) if node.declared else None
    declared = declared_v if isinstance(declared_v, Decimal) else None
    dpath = missing_path(node.declared) if node.declared else "$"
    audit = True
    coll.reach("item", node.id)
    try:
        if node.score is not None:
            raw = evaluator.item_score(node, env)
            assert isinstance(raw, Decimal)
            trace: Trace = ItemFormula(node.score, env, node.weight)
        elif node.deducts:
            raw = node.weight
            parts = []
            for k, d in enumerate(node.deducts):
                count = evaluator.deduct_count(node, k, env)
                assert isinstance(count, Decimal)
                asked = multiply(d.per, count)
                lost = minimum(asked, d.limit)
                if asked >= d.limit:
                    coll.reach("cap", node.id, str(k + 1))
                raw = subtract(raw, lost)
                parts.append(f" − min({fmt_number(d.per)} × {fmt_number(count)}, {fmt_number(d.limit)})")
            trace = Said(fmt_number(node.weight) + "".join(parts) + " = {score}")
        else:
            assert node.judge is not None
            raw, text, violated, given = judge_score(node.judge, env)
            coll.reach("judge", node.id, str(env[node.judge.subject]))
            trace = Said(text + " → {score}")
            if violated:
                audit = False
                spath = missing_path(node.judge.score)
                lo, hi = node.judge.cases[str(env[node.judge.subject])]
                coll.add("error", "band-violation", spath,
                         f"{node.name}: {node.judge.subject} 为 {env[node.judge.subject]} 时应在 {fmt_number(lo)}–"
                         f"{fmt_number(hi)} 分之间，评分 {fmt_number(given or ZERO)} 已按区间取 {fmt_number(raw)}")
    except EvalError as err:
        path = missing_path(err.name) if err.name else "$"
        coll.add("error", err.code, path, f"{node.name} 无法计分：{err.message}")
        raw, trace, audit = ZERO, Said(f"无法计分（{err.message}），记 {{score}} 分"), False
    except NON_FINITE as err:
        raise engine_error(model, node.span.line, node.span.column, f"{node.name} 的得分", err) from None
    return finish_item(model, coll, node.id, node.name, section, node.weight, raw, declared, dpath, dpath, "item",
                       trace, None, audit, node.span.line)


def score_row(model: Model, coll: Collector, node: NodeSpec, row: Row, position: int, env: dict[str, Value],
              evaluator: Evaluator, plan: RowPlan | None = None) -> ItemResult:
    """Score one indicator row under the ruleset's indicator policy (`plan`: already planned,
    for a ruleset without ``when`` classes)."""
    policy = model.policy
    assert policy is not None
    if not row.applicable:
        return inapplicable_row(model, coll, node, row, position)
    if plan is None:
        row_class = evaluator.row_class(env, row_fields(row)) \
            if policy.classes and (row.quantitative or policy.loose_classes) else None
        plan = plan_row(policy, row, row_class)
    path = row.path
    for severity, code, message in plan.notes:
        coll.add(severity, code, path, message)
    for note in suspect_cells(row):  # OCR'd copies: a warning with the likely reading, never a correction
        coll.add(note.severity, note.code, path, note.message)
    audit = True
    trace: Trace
    weight = row.weight
    bad_weight = None if weight in good_weights(model.places) else row_weight_problem(model, row)
    if bad_weight:
        coll.add("error", "row-weight-precision", path + ".weight", bad_weight)
        audit = False
    if bad_weight and not fits(weight, model.places):
        raw, trace = ZERO, Said("分值超出精度，无法计分，记 {score} 分")
    elif plan.kind == "quant":
        coll.reach("direction", plan.direction)
        local = {"actual": plan.actual, "target": plan.target, "__row__": row}
        if policy.reads_row_fields:
            local.update(row_fields(row))
        try:
            raw = multiply(weight, evaluator.formula(plan.direction, env, local, weight))  # type: ignore[arg-type]
            trace = RowFormula(weight, policy.formulas[plan.direction], env, local)
        except EvalError as err:
            coll.add("error", err.code, path, f"{row.name} 无法计分：{err.message}")
            raw, trace, audit = ZERO, Said(f"无法计分（{err.message}），记 {{score}} 分"), False
        except NON_FINITE as err:
            raise engine_error(model, policy.span.line, policy.span.column, f"{row.name}（{path}）的得分",
                               err) from None
    elif plan.kind == "qual":
        assert plan.band is not None
        coll.reach("tier", plan.tier)
        raw, violated, lo, hi = qualitative_score(plan.band, weight, row.declared)
        trace = TierScore(plan.tier, lo, hi, row.declared, violated)
        if violated:
            audit = False
            tier_band_violation(coll, row, plan.tier, lo, hi, raw)
    else:
        assert plan.problem is not None
        severity, code, message = plan.problem
        blank = code == "blank-actual"
        if not (blank and coll.form.unfilled):  # an unfilled table is said once (unfilled-table)
            coll.add(severity, code, path, message)
        raw, trace, audit = ZERO, Said("未填写，记 {score} 分" if blank else "无法计分，记 {score} 分"), False
    return finish_item(model, coll, f"{node.id}.{position}", row.name, node.id, weight, raw, row.declared, path, None,
                       "row", trace, RowSource(row, plan), audit, node.span.line, form_weight_reported=bool(bad_weight))


_GOOD_WEIGHTS: dict[int, set[Decimal]] = {}
_GOOD_WEIGHTS_MAX = 4096


def good_weights(places: int) -> set[Decimal]:
    """Row weights already found representable at `places` decimals (by value: 10 and 10.0 alike).

    The only state scoring keeps between forms: it grows with distinct good weights and is
    emptied past :data:`_GOOD_WEIGHTS_MAX`, so a stream of odd weights cannot grow it without bound."""
    good = _GOOD_WEIGHTS.get(places)
    if good is None:
        good = _GOOD_WEIGHTS.setdefault(places, set())
    return good


def row_weight_problem(model: Model, row: Row) -> str | None:
    """What is wrong with a row's weight at the ruleset's precision (a form problem), or None."""
    w = row.weight
    if not fits(w, model.places):
        return (f"{row.name}: 分值 {fmt_number(w)} 过大，超出 perfrules 的精度（34 位有效数字），无法计分；"
                "请核对该行的分值")
    if w != w.quantize(quantizer(model.places), context=CONTEXT):  # exact: it fits (checked above)
        return (f"{row.name}: 分值 {fmt_number(w)} 的小数位多于规则 {model.id} 的舍入位数（{model.places} 位），"
                f"得分无法按规则的精度表示；请把各行分值写成至多 {model.places} 位小数（合计仍等于本部分的分值）")
    good = good_weights(model.places)
    if len(good) >= _GOOD_WEIGHTS_MAX:
        good.clear()
    good.add(w)
    return None


def select_rows(coll: Collector, node: NodeSpec, form: Form, claimed: dict[int, str],
                matches: Callable[[Row], bool]) -> list[Row]:
    """The rows a ``rows`` section draws; a row claimed by an earlier section is reported."""
    chosen = []
    for row in form.rows:
        if not matches(row):
            continue
        if row.index in claimed:
            coll.add("error", "row-claimed-twice", row.path,
                     f"{row.name}: 同时被 {claimed[row.index]} 和 {node.name} 选中，只计入 {claimed[row.index]}")
            continue
        claimed[row.index] = node.name
        chosen.append(row)
    return chosen


def unclaimed_rows(coll: Collector, form: Form, claimed: dict[int, str]) -> None:
    if form.rows and not claimed:  # the ruleset knows none of the table's parts: say it once
        # the message names every part of the ruleset: one missing-rows per section would only repeat it
        coll.findings[:] = [f for f in coll.findings if f.code != "missing-rows"]
        coll.add("error", "unknown-table-parts", "$.indicators", unknown_parts_message(form.rows, coll.sections))
        return
    for row in form.rows:
        if row.index not in claimed:
            coll.add("error", "unmatched-row", row.path,
                     f"{row.name}: 没有任何部分选取这一行（goal={row.goal}, level1={row.level1 or '空'}），未计分")
