"""What changed between two rulesets, said in Chinese.

Compares the checked models, not the text: weights moved, items and sections
added or removed, formulas, deductions and judged bands, tier bands, grade
thresholds, rounding, facts and checks.  Reordering or reformatting a file
changes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import unparse
from .model import FactSpec, Model, NodeSpec
from .result import Result
from .values import fmt_number, fmt_score

#: The groups of a change list, in the order they are shown, with their Chinese headings.
GROUP_TITLES = {"header": "基本信息", "weights": "分值", "tree": "结构", "rules": "计分方法", "bands": "定性分档",
                "grades": "评价等次", "facts": "数据", "checks": "检查"}

_MODES = {"half_up": "四舍五入", "四舍五入": "四舍五入", "half_even": "银行家舍入", "银行家舍入": "银行家舍入",
          "down": "截断", "truncate": "截断", "截断": "截断", "up": "进一", "进一": "进一"}


def _pct(x: Decimal) -> str:
    return f"{fmt_number(x * 100)}%"


def _rule(n: NodeSpec) -> str:
    if n.is_rows:
        return "选取指标行" + (f"（{unparse.expr(n.rows_where)}）" if n.rows_where is not None else "（全部）")
    if n.score is not None:
        return f"得分 = {unparse.expr(n.score)}"
    if n.deducts:
        return "；".join(f"每 {unparse.expr(d.count)} 扣 {fmt_number(d.per)} 分，最多扣 {fmt_number(d.limit)} 分"
                        for d in n.deducts)
    if n.judge is not None:
        cases = "，".join(f"{k} {fmt_number(lo)}" + ("" if lo == hi else f"–{fmt_number(hi)}")
                         for k, (lo, hi) in n.judge.cases.items())
        return f"按 {n.judge.subject} 分档：{cases}"
    return "汇总下级"


def rule_text(n: NodeSpec) -> str:
    """How a section or item is scored, in Chinese (``得分 = …``, ``选取指标行（…）``, ``汇总下级``)."""
    return _rule(n)


def _label(n: NodeSpec) -> str:
    return n.name if n.name == n.id else f"{n.id}（{n.name}）"


def _fact_text(f: FactSpec) -> str:
    parts = [f.type + (" 列表" if f.is_list else "")]
    if f.values:
        parts.append("取值 " + "、".join(f.values))
    if f.lo is not None or f.hi is not None:
        show = _pct if f.type in ("percent", "ratio") else fmt_number
        parts.append(f"范围 {show(f.lo) if f.lo is not None else ''}..{show(f.hi) if f.hi is not None else ''}")
    parts.append("选填" if f.optional else "必填")
    return "，".join(parts)


@dataclass
class Change:
    """One change, in words; `kind` groups them (header, weights, tree, rules, bands, grades, facts, checks)."""

    kind: str
    text: str


@dataclass
class TotalChange:
    """One form's total and grade under the old and the new ruleset; `change` is signed text (+1.5, -2, 0),
    or 不适合 when the form stops fitting the new ruleset (`misfit` says why; the totals are not comparable)."""

    old_total: str
    new_total: str
    change: str
    old_grade: str
    new_grade: str
    misfit: tuple[str, ...] = ()


def total_change(old: Result, new: Result) -> TotalChange:
    """How a form's total moves from its result under the old ruleset to the one under the new."""
    delta = new.total - old.total
    change = ("+" if delta > 0 else "") + fmt_score(delta, new.places) if delta else "0"
    misfit = tuple(f"{f.code}  {f.path}  {f.message}" for f in stops_fitting(old, new))
    return TotalChange(fmt_score(old.total, old.places), fmt_score(new.total, new.places),
                       "不适合" if misfit else change, old.grade, new.grade, misfit)


def diff_models(old: Model, new: Model) -> list[Change]:
    """Every semantic difference from `old` to `new`."""
    out: list[Change] = []

    def add(kind: str, text: str) -> None:
        out.append(Change(kind, text))

    # header
    if old.title != new.title:
        add("header", f"名称：{old.title} → {new.title}")
    if old.jurisdiction != new.jurisdiction:
        add("header", f"适用地区：{'/'.join(old.jurisdiction) or '全国'} → {'/'.join(new.jurisdiction) or '全国'}")
    if (old.first_year, old.last_year) != (new.first_year, new.last_year):
        add("header", f"适用年度：{old.years_text()} → {new.years_text()}")
    if old.kind != new.kind:
        add("header", f"表单类别：{old.kind} → {new.kind}")
    if old.full != new.full:
        add("header", f"满分：{fmt_number(old.full)} → {fmt_number(new.full)}")
    if (old.rounding_mode, old.places) != (new.rounding_mode, new.places):
        add("header", f"舍入：{_MODES.get(old.rounding_mode, old.rounding_mode)}保留 {old.places} 位 → "
                      f"{_MODES.get(new.rounding_mode, new.rounding_mode)}保留 {new.places} 位")
    if old.tolerance != new.tolerance:
        add("header", f"核对填报得分的允许误差：{fmt_number(old.tolerance)} → {fmt_number(new.tolerance)}")

    # grades
    og, ng = dict(old.grades), dict(new.grades)
    for label in og:
        if label not in ng:
            add("grades", f"删除等次 {label}")
        elif og[label] != ng[label]:
            a, b = og[label], ng[label]
            add("grades", f"等次 {label} 的下限：{'其余' if a is None else fmt_number(a)} → {'其余' if b is None else fmt_number(b)}")
    for label in ng:
        if label not in og:
            b = ng[label]
            add("grades", f"新增等次 {label}（{'其余' if b is None else '≥ ' + fmt_number(b)}）")

    # tier bands
    for name in sorted(set(old.bands) | set(new.bands)):
        if name not in new.bands:
            add("bands", f"删除分档 {name}")
            continue
        if name not in old.bands:
            add("bands", f"新增分档 {name}：" + "，".join(f"{b.label} {_pct(b.lo)}–{_pct(b.hi)}" for b in new.bands[name]))
            continue
        ob = {b.label: b for b in old.bands[name]}
        nb = {b.label: b for b in new.bands[name]}
        for label in ob.keys() | nb.keys():
            if label not in nb:
                add("bands", f"分档 {name}：删除 {label}")
            elif label not in ob:
                add("bands", f"分档 {name}：新增 {label} {_pct(nb[label].lo)}–{_pct(nb[label].hi)}")
            elif (ob[label].lo, ob[label].hi) != (nb[label].lo, nb[label].hi):
                add("bands", f"分档 {name}：{label} {_pct(ob[label].lo)}–{_pct(ob[label].hi)} → "
                             f"{_pct(nb[label].lo)}–{_pct(nb[label].hi)}")

    # indicator policy
    op, np_ = old.policy, new.policy
    if op and np_:
        for d in sorted(set(op.formulas) | set(np_.formulas)):
            was = unparse.expr(op.formulas[d]) if d in op.formulas else None
            now = unparse.expr(np_.formulas[d]) if d in np_.formulas else None
            if was != now:
                add("rules", f"{d} 方向的指标计分公式：{was or '无'} → {now or '无'}")
        if _unsigned(op) != _unsigned(np_):
            add("rules", f"未写方向的指标：{_unsigned(op)} → {_unsigned(np_)}")
        if op.bands_name != np_.bands_name:
            add("rules", f"定性指标使用的分档：{op.bands_name} → {np_.bands_name}")
    elif op and not np_:
        add("rules", "删除了指标计分方法（indicators）")
    elif np_ and not op:
        add("rules", "新增了指标计分方法（indicators）")

    # the rubric tree
    on = {n.id: (n, p) for n, p in _with_parents(old)}
    nn = {n.id: (n, p) for n, p in _with_parents(new)}
    for ident, (n, _) in on.items():
        if ident not in nn:
            add("tree", f"删除：{_label(n)}（{fmt_number(n.weight)} 分）")
    for ident, (n, parent) in nn.items():
        if ident not in on:
            where = f"，属于 {nn[parent][0].name}" if parent else ""
            add("tree", f"新增：{_label(n)}（{fmt_number(n.weight)} 分{where}）：{_rule(n)}")
            continue
        o, oparent = on[ident]
        if o.weight != n.weight:
            add("weights", f"分值：{_label(n)} {fmt_number(o.weight)} → {fmt_number(n.weight)}")
        if o.adjust != n.adjust:
            add("weights", f"表上自定分值：{_label(n)} {_adjust_text(o.adjust)} → {_adjust_text(n.adjust)}")
        if oparent != parent:
            add("tree", f"移动：{_label(n)} 从 {on[oparent][0].name if oparent else '最上层'} 移到 "
                        f"{nn[parent][0].name if parent else '最上层'}")
        if o.name != n.name:
            add("tree", f"改名：{o.name} → {n.name}")
        if _rule(o) != _rule(n):
            add("rules", f"{_label(n)}：{_rule(o)} → {_rule(n)}")
        if o.declared != n.declared:
            add("rules", f"{_label(n)} 的填报得分位置：{o.declared or '无'} → {n.declared or '无'}")

    # facts, derived values, checks
    for name in sorted(set(old.facts) | set(new.facts)):
        if name not in new.facts:
            add("facts", f"删除数据 {name}")
        elif name not in old.facts:
            add("facts", f"新增数据 {name}：{_fact_text(new.facts[name])}")
        elif _fact_text(old.facts[name]) != _fact_text(new.facts[name]):
            add("facts", f"数据 {name}：{_fact_text(old.facts[name])} → {_fact_text(new.facts[name])}")
    ol = {x.name: unparse.expr(x.expr) for x in old.lets}
    nl = {x.name: unparse.expr(x.expr) for x in new.lets}
    for name in sorted(set(ol) | set(nl)):
        if ol.get(name) != nl.get(name):
            add("facts", f"派生值 {name}：{ol.get(name, '无')} → {nl.get(name, '无')}")
    oc = {c.name: c for c in old.checks}
    ncs = {c.name: c for c in new.checks}
    for name in sorted(set(oc) | set(ncs)):
        if name not in ncs:
            add("checks", f"删除检查 {name}")
        elif name not in oc:
            add("checks", f"新增检查 {name}（{ncs[name].severity}）：{unparse.expr(ncs[name].expr)}")
        else:
            was_c, now_c = oc[name], ncs[name]
            if (unparse.expr(was_c.expr), was_c.tolerance, was_c.severity, was_c.rows_where) != \
                    (unparse.expr(now_c.expr), now_c.tolerance, now_c.severity, now_c.rows_where):
                add("checks", f"检查 {name}：{unparse.expr(was_c.expr)}（{was_c.severity}）→ "
                              f"{unparse.expr(now_c.expr)}（{now_c.severity}）")
    return out


_DIR = {"positive": "正向", "reverse": "反向"}
_FIELD = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标"}


def _unsigned(p: Any) -> str:
    default = _DIR.get(p.unsigned_default or "positive", p.unsigned_default)
    if not p.unsigned_field or not p.unsigned_cases:
        return f"一律按{default}"
    cases = "，".join(f"{k} → {_DIR.get(v, v)}" for k, v in p.unsigned_cases.items())
    return f"按{_FIELD.get(p.unsigned_field, p.unsigned_field)}：{cases}，其余 → {default}"


def _with_parents(model: Model) -> list[tuple[NodeSpec, str | None]]:
    out: list[tuple[NodeSpec, str | None]] = []

    def walk(n: NodeSpec, parent: str | None) -> None:
        out.append((n, parent))
        for c in n.children:
            walk(c, n.id)

    for n in model.root:
        walk(n, None)
    return out


#: Findings that say a form does not fit a ruleset's structure (its score is then not comparable).
FIT_CODES = ("weights-mismatch", "missing-rows", "unmatched-row", "row-claimed-twice", "score-clamped",
             "missing-value", "inapplicable-not-allowed")


def stops_fitting(old: Any, new: Any) -> list[Any]:
    """The structural findings the new ruleset's result has and the old one's has not."""
    before = {(f.code, f.path) for f in old.findings if f.code in FIT_CODES}
    return [f for f in new.findings if f.code in FIT_CODES and (f.code, f.path) not in before]


def _adjust_text(bounds: tuple[Decimal, Decimal] | None) -> str:
    """How a section's ``adjustable`` bounds read in a diff."""
    return "不可调" if bounds is None else f"可在 {fmt_number(bounds[0])}–{fmt_number(bounds[1])} 之间"
