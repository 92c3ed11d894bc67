"""Aggregation of funds (汇总原则): several funds' tables of one project become one form.

Seed 003, 备注 2–3: 定量指标先汇总完成数，再计算得分 — absolute values are summed,
relative values (percentages, rates, per-capita standards) are averaged weighted
by each fund's amount; qualitative rows are averaged the same way, on their
scores; budgets are summed.  Which quantitative rows are relative is the
ruleset's ``aggregate`` rule (a condition over the row's fields, usually its
unit); the fund amount is the budget field it names.

The result is an ordinary form (a dict in the form contract) that records the
forms it came from in ``aggregated_from``; score it like any other.  The forms
are taken in the order of their sources, so the result does not depend on the
order they were given in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import yaml

from .aggregate_parts import FundParts, combine_parts
from .errors import Diagnostic, PerfrulesError
from .evaluate import eval_expr
from .forms import Form, Row
from .model import Model
from .notation import Quantity, same_text
from .result import Finding, Result
from .rows import row_fields
from .values import CONTEXT, ZERO, fmt_number

#: Decimal places kept of a weighted average (in the unit as written: 95.123456%).
AVERAGE_PLACES = 6

_RELATION_TEXT = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


class AggregationError(PerfrulesError):
    """The forms cannot be aggregated: rows that do not match, units that disagree …"""


@dataclass(frozen=True)
class Aggregated:
    """The combined form (`data`, in the form contract), its sources, and notes on how it was made."""

    data: dict[str, Any]
    sources: tuple[str, ...]
    notes: tuple[Finding, ...]


def _place(form: Form, path: str) -> str:
    where = form.lines.get(path)
    return f"{form.source}" + (f" 第 {where[0]} 行" if where else "") + f" {path}"


def _diag(code: str, message: str, form: Form, path: str, hint: str) -> Diagnostic:
    where = form.lines.get(path, (0, 0))
    return Diagnostic("error", code, message, form.source, where[0], where[1], hint=hint)


def _key(row: Row) -> tuple[int, str, str, str]:
    """How rows are matched across tables: goal, levels and name (spaces and full-width forms ignored)."""

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())

    return row.goal, norm(row.level1), norm(row.level2), norm(row.name)


def _fund(form: Form, by: str) -> Decimal | None:
    b = form.budget
    if b is None:
        return None
    value: Decimal | None = getattr(b, by.removeprefix("budget."))
    return value


def _text(q: Quantity, value: Decimal) -> str:
    shown = value * 100 if q.unit == "%" else value
    unit = q.unit
    return f"{_RELATION_TEXT.get(q.relation, '')}{fmt_number(shown.normalize())}{unit}"


def _average(values: list[Decimal], funds: list[Decimal], notes: list[Finding], path: str, what: str,
             percent: bool) -> Decimal:
    total = sum(funds, ZERO)
    weighted = sum((v * f for v, f in zip(values, funds)), ZERO)
    exact = weighted / total
    if exact * total == weighted:  # a terminating decimal: kept exactly as it is
        return exact
    step = Decimal(1).scaleb(-(AVERAGE_PLACES + (2 if percent else 0)))
    kept = exact.quantize(step, rounding=ROUND_HALF_UP)
    if kept != exact:
        notes.append(Finding("info", "aggregate-rounded", path,
                             f"{what}: 按资金额度加权平均为 {fmt_number(exact)}，保留 {AVERAGE_PLACES} 位小数"))
    return kept


class _Aggregator:
    def __init__(self, forms: list[Form], model: Model, score: Callable[[Form], Result]):
        assert model.aggregation is not None
        self.forms = forms
        self.model = model
        self.spec = model.aggregation
        self.score = score
        self.errors: list[Diagnostic] = []
        self.notes: list[Finding] = []
        self.results: dict[int, Result] = {}

    def result_of(self, i: int) -> Result:
        if i not in self.results:
            self.results[i] = self.score(self.forms[i])
        return self.results[i]

    def header(self) -> dict[str, Any]:
        first = self.forms[0]
        for other in self.forms[1:]:
            for field, a, b in (("kind", first.kind, other.kind), ("year", first.year, other.year)):
                if a != b:
                    self.errors.append(_diag("aggregate-mismatch", f"{field} 不一致：{first.source} 为 {a}，"
                                             f"{other.source} 为 {b}", other, f"$.{field}",
                                             "只有同一项目、同一年度、同一类别的表才能汇总"))
        common: list[str] = []
        for parts in zip(*(f.jurisdiction for f in self.forms)):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
        if not common:
            self.errors.append(_diag("aggregate-mismatch", "各表的地区没有共同的上级", self.forms[-1], "$.jurisdiction",
                                     "只有同一地区的表才能汇总"))
        out: dict[str, Any] = {"kind": first.kind, "jurisdiction": "/".join(common) or "全国", "year": first.year}
        units = {f.unit for f in self.forms if f.unit}
        if len(units) == 1:
            out["unit"] = units.pop()
        out["title"] = "汇总：" + "、".join(f.title or f.source for f in self.forms)
        return out

    def budget(self) -> tuple[dict[str, Any], list[Decimal]]:
        funds: list[Decimal] = []
        for f in self.forms:
            amount = _fund(f, self.spec.by)
            if amount is None:
                self.errors.append(_diag("aggregate-fund", f"{f.source} 没有 {self.spec.by}，无法按资金额度加权", f,
                                         "$.budget", f"填写 {self.spec.by}（规则的 aggregate by 指定的资金额度）"))
                amount = ZERO
            funds.append(amount)
        if all(f.budget is not None for f in self.forms) and sum(funds, ZERO) <= 0:
            self.errors.append(_diag("aggregate-fund", f"各表的 {self.spec.by} 合计为 0，无法加权平均", self.forms[0],
                                     "$.budget", "检查资金额度"))
        budgets = [f.budget for f in self.forms if f.budget is not None]
        if len(budgets) != len(self.forms):
            return {}, funds
        out: dict[str, Any] = {}
        for column in ("adjusted", "executed"):  # a blank total (None) leaves the combined one blank too
            values = [getattr(b, column) for b in budgets]
            out[column] = None if any(v is None for v in values) else sum(values, ZERO)
        if all(b.initial is not None for b in budgets):
            out = {"initial": sum((b.initial or ZERO for b in budgets), ZERO), **out}
        return out, funds

    def matched(self) -> list[list[Row]]:
        first = self.forms[0]
        index = [{_key(r): r for r in f.rows} for f in self.forms]
        for f, table in zip(self.forms, index):
            if len(table) != len(f.rows):
                seen: set[tuple[int, str, str, str]] = set()
                for r in f.rows:
                    if _key(r) in seen:
                        self.errors.append(_diag("aggregate-unmatched", f"{r.name}: 同一张表中有两行同名指标，无法对应",
                                                 f, r.path, "给两行不同的名称"))
                    seen.add(_key(r))
        for i, f in enumerate(self.forms):
            for r in f.rows:
                for j, other in enumerate(self.forms):
                    if j != i and _key(r) not in index[j]:
                        self.errors.append(_diag(
                            "aggregate-unmatched", f"{r.name}: 在 {other.source} 中没有对应的行", f, r.path,
                            "各表的指标按 绩效目标、一级指标、二级指标和名称 对应；核对两张表中这一行的名称"))
        return [[table[_key(r)] for table in index] for r in first.rows if all(_key(r) in t for t in index)]

    def row(self, rows: list[Row], funds: list[Decimal]) -> dict[str, Any] | None:
        first = rows[0]
        out: dict[str, Any] = {"goal": first.goal}
        if first.level1:
            out["level1"] = first.level1
        if first.level2:
            out["level2"] = first.level2
        out.update(name=first.name, weight=first.weight)
        problems = len(self.errors)
        for i, r in enumerate(rows[1:], 1):
            other = self.forms[i]
            here, there = _place(self.forms[0], first.path), _place(other, r.path)
            if r.weight != first.weight:
                self.errors.append(_diag("aggregate-mismatch", f"{first.name}: 分值不一致（{here} 为 "
                                         f"{fmt_number(first.weight)}，{there} 为 {fmt_number(r.weight)}）", other,
                                         r.path, "同一指标在各表中的分值应相同"))
            if r.applicable != first.applicable:
                self.errors.append(_diag("aggregate-mismatch", f"{first.name}: {here} 与 {there} 一处适用、一处不适用",
                                         other, r.path, "同一指标应同为适用或同为不适用"))
            if r.quantitative != first.quantitative:
                self.errors.append(_diag("aggregate-mismatch", f"{first.name}: {here} 与 {there} 一处是数值、一处是文字",
                                         other, r.path, "同一指标应用同样的方式填写"))
        if len(self.errors) > problems:
            return None
        reasons = list(dict.fromkeys(r.reason for r in rows if r.reason))
        if reasons:
            out["reason"] = "；".join(reasons)
        if not first.applicable:
            out.update(target=first.target_text, actual=first.actual_text, applicable=False)
            return out
        if first.quantitative:
            return self.quantitative(rows, funds, out)
        return self.qualitative(rows, funds, out)

    def quantitative(self, rows: list[Row], funds: list[Decimal], out: dict[str, Any]) -> dict[str, Any] | None:
        first = rows[0]
        targets = [r.target for r in rows]
        actuals = [r.actual for r in rows]
        unit, owner = "", 0
        for i, (t, a) in enumerate(zip(targets, actuals)):
            assert t is not None and a is not None
            for q in (t, a):
                if q.unit and unit and q.unit != unit:
                    self.errors.append(_diag(
                        "aggregate-unit", f"{first.name}: 单位不一致（{_place(self.forms[owner], rows[owner].path)} 为"
                        f"“{unit}”，{_place(self.forms[i], rows[i].path)} 为“{q.unit}”）", self.forms[i], rows[i].path,
                        "换算成同一单位后再汇总"))
                    return None
                if q.unit and not unit:
                    unit, owner = q.unit, i
        if any(not (t and t.unit) or not (a and a.unit) for t, a in zip(targets, actuals)) and unit:
            self.notes.append(Finding("warning", "aggregate-unit-missing", first.path,
                                      f"{first.name}: 有的表没有写单位，按“{unit}”汇总"))
        relations = {t.relation for t in targets if t is not None}
        if len(relations) > 1:
            self.errors.append(_diag("aggregate-mismatch", f"{first.name}: 各表目标值的方向（≥ / ≤）不一致",
                                     self.forms[-1], rows[-1].path, "同一指标的目标值应写同样的方向"))
            return None
        t0, a0 = targets[0], actuals[0]
        assert t0 is not None and a0 is not None
        t0 = Quantity(t0.value, unit, t0.relation, t0.text)
        a0 = Quantity(a0.value, unit, a0.relation if len({a.relation for a in actuals if a}) == 1 else "", a0.text)
        fields = dict(row_fields(first), unit=unit)
        relative = self.spec.relative is not None and bool(eval_expr(self.spec.relative, fields))
        t_values = [t.value for t in targets if t is not None]
        a_values = [a.value for a in actuals if a is not None]
        if relative:
            pct = unit == "%"
            tv = _average(t_values, funds, self.notes, first.path, f"{first.name} 的目标值", pct)
            av = _average(a_values, funds, self.notes, first.path, f"{first.name} 的实际值", pct)
        else:
            tv, av = sum(t_values, ZERO), sum(a_values, ZERO)
        out.update(target=_text(t0, tv), actual=_text(a0, av))
        return out

    def qualitative(self, rows: list[Row], funds: list[Decimal], out: dict[str, Any]) -> dict[str, Any]:
        first = rows[0]
        scores = []
        for i, r in enumerate(rows):
            item = next(it for it in self.result_of(i).items if it.path == r.path)
            scores.append(item.score)
        step = Decimal(1).scaleb(-self.model.places)
        total = sum(funds, ZERO)
        score = (sum((s * f for s, f in zip(scores, funds)), ZERO) / total).quantize(step, rounding=ROUND_HALF_UP)
        texts = {"target": [r.target_text for r in rows], "actual": [r.actual_text for r in rows]}
        for key, values in texts.items():
            out[key] = values[0] if all(same_text(values[0], v) for v in values) else "；".join(dict.fromkeys(values))
        policy = self.model.policy
        share = score / first.weight if first.weight else ZERO
        if policy is not None and policy.bands:
            band = max((b for b in policy.bands if b.lo <= share), key=lambda b: b.hi)
            out["tier"] = band.label
        out["declared_score"] = score
        shown = "、".join(f"{fmt_number(s)}（资金 {fmt_number(f)}）" for s, f in zip(scores, funds))
        self.notes.append(Finding("info", "aggregate-qualitative", first.path,
                                  f"{first.name}: 定性指标得分 {shown} 按资金额度加权平均为 {fmt_number(score)}"))
        return out


def aggregate_forms(forms: Sequence[Form], model: Model, score: Callable[[Form], Result]) -> Aggregated:
    """Combine the fund tables `forms` of one project as `model`'s aggregation rule says.

    `score` scores one form under `model` (the qualitative rows are averaged on
    their scores).  Each form's ``budget.sources`` (其中 rows) and ``budget.breakdowns`` are
    summed part by part (:mod:`.aggregate_parts`).
    Raises :class:`AggregationError` naming both places of every row that cannot be matched
    or whose units disagree.
    """
    if not forms:
        raise AggregationError([Diagnostic("error", "aggregate", "没有要汇总的表", hint="给出两张或更多张表")])
    if model.aggregation is None:
        raise AggregationError([Diagnostic("error", "aggregate", f"规则 {model.id} 没有规定汇总原则", model.path,
                                           hint="在规则中写 aggregate by budget.adjusted { relative: … }")])
    order = sorted(range(len(forms)), key=lambda i: (forms[i].source, forms[i].title or "", repr(forms[i].budget),
                                                     repr(forms[i].rows)))
    ordered = [forms[i] for i in order]
    with localcontext(CONTEXT):
        agg = _Aggregator(ordered, model, score)
        data = agg.header()
        budget, funds = agg.budget()
        if budget:
            parts, said = combine_parts([FundParts(f.source, f.budget.sources if f.budget else None,
                                                   f.budget.breakdowns if f.budget else ()) for f in ordered])
            data["budget"] = {**budget, **parts}
            agg.notes.extend(said)
        groups = agg.matched()
        rows = [agg.row(g, funds) for g in groups] if not agg.errors else []
    if agg.errors:
        raise AggregationError(agg.errors)
    data["indicators"] = [r for r in rows if r is not None]
    sources = tuple(f.source for f in ordered)
    data["aggregated_from"] = list(sources)
    return Aggregated(data, sources, tuple(agg.notes))


class _FormDumper(yaml.SafeDumper):
    """Writes Decimals as plain YAML numbers, exactly as they are (never through a float)."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int", text)


_FormDumper.add_representer(Decimal, _decimal)


def dump_form(data: dict[str, Any]) -> str:
    """A combined form as YAML text that `perfrules score` reads back to the same values."""
    head = "# 由 perfrules aggregate 按规则的汇总原则生成：\n" + "".join(
        f"#   {s}\n" for s in data.get("aggregated_from", ()))
    body: str = yaml.dump(data, Dumper=_FormDumper, allow_unicode=True, sort_keys=False, width=120)
    return head + body
