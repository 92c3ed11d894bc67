"""Stage 2 — from syntax tree to a proven :class:`~perfrules.model.Model`.

The checker collects every problem it finds (it does not stop at the first):
unresolved names (with "did you mean"), type errors, children's weights that
do not add up, tier bands that overlap, leave gaps or leave [0, 100%], grades
out of order, and — by interval analysis over each score expression, not by
sampling — any score that could fall outside [0, weight] for some input the
ruleset admits.  For a failed proof it reports the interval found and tries
the corners of the input ranges for a concrete input that breaks it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal

from .. import nodes
from ..adjustable import node_problems
from ..errors import Diagnostic
from ..header import read_header
from ..intervals import INF, Interval
from ..model import (
    FACT_TYPES,
    NUMERIC_TYPES,
    AggregationSpec,
    BandSpec,
    CheckSpec,
    DeductSpec,
    FactSpec,
    JudgeSpec,
    Model,
    NodeSpec,
    Policy,
    Proof,
    RowClass,
)
from ..names import (
    BOOL,
    DIRECTIONS,
    FORM_NAMES,
    LIST,
    NUM,
    ROW_CELLS,
    ROW_FIELDS,
    ROW_NAMES,
    SEVERITY_NAMES,
    TEXT,
)
from ..nodes import free_names
from ..operations import MAX_PLACES, PRECISION, fits, in_engine_context
from ..references import FUND_AMOUNTS, RESCALE_MODES, unreferenced
from ..values import ROUNDING_MODES, fmt_number
from .bounds import _Bounds, _search_counterexample
from .context import _Ctx, _did_you_mean, _Scope
from .merge import _merge
from .types import _infer, _tname

# ---------------------------------------------------------------- the checker


class _Checker:
    def __init__(self, chain: list[nodes.RulesetFile], prove: bool = True):
        self.chain = chain
        self.proving = prove
        self.top = chain[-1]
        self.ctx = _Ctx([], self.top)
        self.merged = _merge(chain, self.ctx)
        self.places = 2
        self.facts: dict[str, FactSpec] = {}
        self.types: dict[str, str] = {}
        self.domains: dict[str, Interval] = {}
        self.integers: set[str] = set()
        self.lets: dict[str, nodes.Let] = {}
        self.proofs: list[Proof] = []

    def c(self, file: nodes.RulesetFile) -> _Ctx:
        return self.ctx.at(file)

    # -- header
    def _setting(self, key: str) -> tuple[nodes.RulesetFile, nodes.Setting] | None:
        return self.merged.settings.get(key)

    def header(self) -> dict[str, object]:
        h = read_header(self.chain)  # the one reading of the header, shared with the registry
        for p in h.problems:
            self.c(p.file).error(p.code, p.message, p.span, p.hint)
        out: dict[str, object] = {
            "id": h.id, "title": h.title, "version": h.version, "jurisdiction": h.jurisdiction, "kind": h.kind,
            "full": h.full, "tolerance": h.tolerance, "extends": h.extends, "first_year": h.first_year,
            "last_year": h.last_year,
        }
        full = self._setting("full")
        mode, places = "half_up", 2
        if self.merged.rounding:
            f, r = self.merged.rounding
            if r.mode not in ROUNDING_MODES:
                self.c(f).error("rounding", f"未知的舍入方式 {r.mode}", r.span,
                                _did_you_mean(r.mode, ROUNDING_MODES) or "可选: " + "、".join(ROUNDING_MODES))
            else:
                mode = r.mode
            if not 0 <= r.places <= MAX_PLACES:
                self.c(f).error("rounding", f"小数位数 {r.places} 超出 0–{MAX_PLACES}", r.span)
            else:
                places = r.places
        out["rounding_mode"], out["places"] = mode, places
        self.places = places
        if full and not fits(Decimal(full[1].value), places):
            self.c(full[0]).error("magnitude", _too_big("满分", full[1].value, places), full[1].span,
                                  _fit_hint(places))
        return out

    # -- grades
    def grades(self, full: Decimal) -> tuple[tuple[str, Decimal | None], ...]:
        if self.merged.grades is None:
            return ()
        f, g = self.merged.grades
        c = self.c(f)
        out: list[tuple[str, Decimal | None]] = []
        last: Decimal | None = None
        labels: set[str] = set()
        for i, e in enumerate(g.entries):
            if e.label in labels:
                c.error("grades", f"等级 {e.label} 重复", e.span)
            labels.add(e.label)
            if e.minimum is None:
                if i != len(g.entries) - 1:
                    c.error("grades", "otherwise 必须是最后一个等级", e.span, "把它移到 grades 块的末尾")
            else:
                if e.minimum > full:
                    c.error("grades", f"等级 {e.label} 的下限 {e.minimum} 超过满分 {fmt_number(full)}", e.span)
                if last is not None and e.minimum >= last:
                    c.error("grades", f"等级下限应从高到低排列：{e.label} >= {e.minimum} 不低于上一档的 {last}", e.span,
                            "按从高到低的顺序写等级")
                last = e.minimum
            out.append((e.label, e.minimum))
        if g.entries and g.entries[-1].minimum not in (None, Decimal(0)):
            c.error("grades", "最后一个等级应为 otherwise（或 >= 0），否则低分没有等级", g.entries[-1].span,
                    '例如: "差" otherwise')
        return tuple(out)

    # -- facts and lets
    def facts_and_lets(self) -> None:
        for name, (t, d) in FORM_NAMES.items():
            self.types[name] = t
            self.domains[name] = d
        for name, (f, fact) in self.merged.facts.items():
            c = self.c(f)
            if fact.type not in FACT_TYPES:
                c.error("type", f"未知的数据类型 {fact.type}", fact.type_span,
                        _did_you_mean(fact.type, FACT_TYPES) or "可选: " + "、".join(FACT_TYPES))
                continue
            if fact.values and fact.type != "enum":
                c.error("type", f"只有 enum 类型可以列出取值，{name} 是 {fact.type}", fact.span)
            if fact.type == "enum" and not fact.values:
                c.error("type", f"enum 类型的 {name} 需要列出取值", fact.span, f'例如: fact {name} enum ("全面", "较全面")')
            if (fact.lo or fact.hi) and fact.type not in NUMERIC_TYPES:
                c.error("type", f"{fact.type} 类型不能给出数值范围", fact.span)
            lo = _amount_value(fact.lo) if fact.lo else None
            hi = _amount_value(fact.hi) if fact.hi else None
            if lo is not None and hi is not None and hi < lo:
                c.error("range", f"{name} 的范围 {fact.lo.text}..{fact.hi.text} 上限小于下限", fact.span)  # type: ignore[union-attr]
            spec = FactSpec(name, fact.type, fact.label, fact.optional, fact.values, lo, hi, fact.span, fact.is_list)
            self.facts[name] = spec
            if fact.is_list:
                if fact.type not in NUMERIC_TYPES:
                    c.error("type", f"列表只能是数值类型（{'、'.join(NUMERIC_TYPES)}），这里是 {fact.type}", fact.span)
                self.types[name] = LIST
            elif fact.type in NUMERIC_TYPES:
                self.types[name] = NUM
                self.domains[name] = Interval(lo if lo is not None else Decimal(0), hi if hi is not None else INF)
                if fact.type == "count":
                    self.integers.add(name)
            elif fact.type == "bool":
                self.types[name] = BOOL
            else:
                self.types[name] = TEXT
        # lets: in order of declaration, each may use the ones before it
        for name, (f, let) in self.merged.lets.items():
            c = self.c(f)
            if name in FORM_NAMES or name in ROW_NAMES:
                c.error("duplicate", f"{name} 是保留名称，不能重新定义", let.span, "换一个名称")
                continue
            scope = _Scope(self.types, self.domains, None, what="let 定义")  # read, never written
            let_type = _infer(let.expr, scope, c)
            if name in free_names(let.expr):
                c.error("cycle", f"{name} 的定义引用了它自己", let.span)
                continue
            self.types[name] = let_type or NUM
            self.lets[name] = let
            if let_type == NUM:
                b = _Bounds(self.domains, None)
                self.domains[name] = b.of(let.expr)

    # -- bands
    def bands(self) -> dict[str, tuple[BandSpec, ...]]:
        out: dict[str, tuple[BandSpec, ...]] = {}
        for name, (f, bands) in self.merged.bands.items():
            c = self.c(f)
            specs: list[BandSpec] = []
            for b in bands.bands:
                for a in (b.lo, b.hi):
                    if not a.percent:
                        c.error("bands", f"分档 {b.label} 的界限应写成百分数（占权重的比例），如 {a.text}%", a.span)
                lo, hi = _amount_value(b.lo), _amount_value(b.hi)
                if lo > hi:
                    c.error("bands", f"分档 {b.label} 的下限 {b.lo.text} 大于上限 {b.hi.text}", b.span, "写成 下限 .. 上限")
                if lo < 0 or hi > 1:
                    c.error("bands", f"分档 {b.label} 超出 0%–100%", b.span)
                specs.append(BandSpec(b.label, b.aliases, lo, hi))
            labels = [s.label for s in specs] + [a for s in specs for a in s.aliases]
            dup = {x for x in labels if labels.count(x) > 1}
            if dup:
                c.error("bands", f"分档名称重复: {'、'.join(sorted(dup))}", bands.span)
            ordered = sorted(zip(specs, bands.bands), key=lambda p: (p[0].lo, p[0].hi))
            if ordered:
                if ordered[0][0].lo != 0:
                    c.error("bands", f"分档没有覆盖 0%：最低一档 {ordered[0][0].label} 从 {ordered[0][1].lo.text} 开始",
                            ordered[0][1].span, "让最低一档从 0% 开始")
                if ordered[-1][0].hi != 1:
                    c.error("bands", f"分档没有覆盖 100%：最高一档 {ordered[-1][0].label} 止于 {ordered[-1][1].hi.text}",
                            ordered[-1][1].span, "让最高一档止于 100%")
                for (lower, lower_src), (upper, upper_src) in zip(ordered, ordered[1:]):
                    if upper.lo > lower.hi:
                        c.error("bands", f"分档之间有空缺: {lower.label} 止于 {lower_src.hi.text}，{upper.label} 从 "
                                f"{upper_src.lo.text} 开始", upper_src.span, f"把 {upper.label} 的下限改为 {lower_src.hi.text}")
                    elif upper.lo < lower.hi:
                        c.error("bands", f"分档重叠: {lower.label} ({lower_src.lo.text}..{lower_src.hi.text}) 与 {upper.label} "
                                f"({upper_src.lo.text}..{upper_src.hi.text})", upper_src.span,
                                f"把 {upper.label} 的下限改为 {lower_src.hi.text}")
            # keep them from the top tier down, as written
            out[name] = tuple(specs)
        return out

    # -- indicator policy
    def policy(self, bands: dict[str, tuple[BandSpec, ...]]) -> Policy | None:
        if self.merged.indicators is None:
            return None
        f, ind = self.merged.indicators
        c = self.c(f)
        formulas: dict[str, nodes.Expr] = {}
        types = dict(self.types)
        domains = dict(self.domains)
        for row_name, (row_type, row_domain) in ROW_NAMES.items():
            types[row_name] = row_type
            domains[row_name] = row_domain
        types.update({k: v for k, v in ROW_FIELDS.items() if k != "weight"})  # level1 … reason read the row
        for pf in ind.formulas:
            if pf.direction in formulas:
                c.error("duplicate", f"方向 {pf.direction} 的公式重复", pf.span)
            scope = _Scope(types, domains, None, Interval.non_negative(), what="指标计分公式")
            before = len(c.diags)
            formula_type = _infer(pf.expr, scope, c)
            if len(c.diags) > before:
                formula_type = None  # an error inside: no proof on top of it
            if formula_type not in (NUM, None):
                c.error("type", f"{pf.direction} 的公式应得出数字（得分占权重的比例）", pf.expr.span)
            formulas[pf.direction] = pf.expr
            if formula_type == NUM:
                self.prove(c, pf.expr, Decimal(0), Decimal(1), domains, None, Interval.non_negative(),
                           f"{pf.direction} 方向的得分比例", "得分 = 权重 × 本式，本式应在 0 到 1 之间；用 min(…, 1) 封顶、"
                           "用 if … then … else … 处理为 0 的情形")
        for direction in DIRECTIONS:
            if direction not in formulas:
                c.error("policy", f"indicators 缺少 {direction} 方向的公式", ind.span,
                        f"例如: {direction}: " + ("if target > 0 then min(actual / target, 1) else 1"
                                                  if direction == "positive"
                                                  else "if actual > 0 then min(target / actual, 1) else 1"))
        cases: dict[str, str] = {}
        default = None
        field_name = None
        if ind.unsigned:
            field_name = ind.unsigned.by
            if field_name not in ("level1", "level2", "name"):
                c.error("policy", f"unsigned 只能按 level1、level2 或 name 区分，这里是 {field_name}", ind.unsigned.span,
                        _did_you_mean(field_name, ("level1", "level2", "name")))
            for case in ind.unsigned.cases:
                if case.direction not in formulas:
                    c.error("unknown-name", f"未定义的方向 {case.direction}", case.span,
                            _did_you_mean(case.direction, formulas) or "可用: " + "、".join(formulas))
                if case.value is None:
                    default = case.direction
                else:
                    cases[case.value] = case.direction
        band_specs: tuple[BandSpec, ...] = ()
        bands_name = None
        if ind.qualitative:
            bands_name = ind.qualitative.bands
            if bands_name not in bands:
                c.error("unknown-name", f"未定义的分档 {bands_name}", ind.qualitative.span,
                        _did_you_mean(bands_name, bands) or "先用 bands 名称 { … } 定义分档")
            else:
                band_specs = bands[bands_name]
        classes = []
        for when in ind.classes:
            t = _infer(when.cond, _Scope(dict(ROW_FIELDS), {}, None, what="when 条件"), c)
            if t not in (BOOL, None):
                c.error("type", "when 后应为条件", when.cond.span, '例如: when level1 == "满意度指标": 满意度')
            if when.formula not in formulas:
                c.error("unknown-name", f"未定义的计分公式 {when.formula}", when.span,
                        _did_you_mean(when.formula, formulas) or "在 indicators 中先写 名称: 公式")
            read = free_names(formulas[when.formula]) if when.formula in formulas else ["actual", "target"]
            classes.append(RowClass(when.cond, when.formula, when.span, tuple(n for n in ROW_CELLS if n in read)))
        mode = ind.inapplicable.mode if ind.inapplicable else None
        if ind.inapplicable and mode not in RESCALE_MODES:
            c.error("policy", f"未知的折算方式 {mode}", ind.inapplicable.span,
                    "可选: rescale section（折算到所在部分的分值）、rescale total（总分折算到满分）")
        for unused in unreferenced(ind, f, self.merged.bands):
            self.c(unused.file).error(unused.code, unused.message, unused.span, unused.hint, severity="warning")
        reads_fields = any(n in ROW_FIELDS for e in formulas.values() for n in free_names(e))
        loose = any("target" not in k.cells for k in classes)
        return Policy(formulas, field_name, cases, default, band_specs, bands_name, ind.span, tuple(classes), mode,
                      reads_fields, loose)

    def aggregation(self) -> AggregationSpec | None:
        if self.merged.aggregate is None:
            return None
        f, agg = self.merged.aggregate
        c = self.c(f)
        if agg.by not in FUND_AMOUNTS:
            c.error("unknown-name", f"aggregate by 后应为资金额度 {'、'.join(FUND_AMOUNTS)}，这里是 {agg.by}", agg.span,
                    _did_you_mean(agg.by, FUND_AMOUNTS))
        relative = None
        for rule in agg.rules:
            if rule.key != "relative":
                c.error("unknown-name", f"aggregate 中未知的规则 {rule.key}", rule.span,
                        "只有 relative: 条件（哪些定量指标是相对值，按资金额度加权平均）")
                continue
            t = _infer(rule.expr, _Scope(dict(ROW_FIELDS), {}, None, what="relative 条件"), c)
            if t not in (BOOL, None):
                c.error("type", "relative 后应为条件", rule.expr.span, 'relative: unit in ("%", "元/人/年")')
            relative = rule.expr
        return AggregationSpec(agg.by, relative, agg.span)

    # -- bound proofs
    def prove(self, c: _Ctx, expr: nodes.Expr, lo: Decimal, hi: Decimal, domains: Mapping[str, Interval],
              weight: Decimal | None, weight_domain: Interval | None, what: str, hint: str) -> None:
        if not self.proving:
            return
        b = _Bounds(domains, Interval.point(weight) if weight is not None else weight_domain)
        found = b.of(expr)
        for div in b.zero_divisions:
            ce = _search_counterexample(div.right, Decimal("0.000001"), Decimal("1e30"), domains, self.integers,
                                        self.lets, weight)
            example = f"；{ce.describe().replace('得分为', '除数为')}" if ce else ""
            c.error("division-by-zero", f"{what}中的除数可能为 0{example}", div.span,
                    "用 if 除数 > 0 then … else … 处理除数为 0 的情形，或用 fact 的范围排除 0")
        if b.zero_divisions:
            return
        if found.within(lo, hi):
            self.proofs.append(Proof(what, c.file.path if c.file else "<ruleset>", expr.span.line,
                                     expr.span.column, found.lo, found.hi, lo, hi))
            return
        ce = _search_counterexample(expr, lo, hi, domains, self.integers, self.lets, weight)
        example = ce.describe() if ce else "在各输入的边界值上未找到具体反例，但无法证明不越界"
        c.error("bound", f"{what}可能超出 [{fmt_number(lo)}, {fmt_number(hi)}]：区间分析得到 {found}；{example}",
                expr.span, hint)

    # -- rubric tree
    def node(self, f: nodes.RulesetFile, n: nodes.Node, ids: dict[str, nodes.Span],
             policy: Policy | None) -> NodeSpec:
        c = self.c(f)
        if n.id in ids:
            c.error("duplicate", f"编号 {n.id} 重复", n.span, "每个 section/item 的编号必须唯一")
        ids[n.id] = n.span
        w = n.weight
        if not fits(w, self.places):
            c.error("magnitude", _too_big("分值", n.weight_text, self.places), n.weight_span, _fit_hint(self.places))
        if w.as_tuple().exponent < -self.places:  # type: ignore[operator]
            c.error("rounding", f"分值 {n.weight_text} 的小数位多于舍入位数 {self.places}", n.weight_span,
                    "分值应能按规则的舍入精度表示")
        name = n.title or n.id
        children = tuple(self.node(f, k, ids, policy) for k in n.children)
        if children:
            total = sum((k.weight for k in children), Decimal(0))
            if total != w:
                parts = " + ".join(f"{k.name} {fmt_number(k.weight)}" for k in children)
                c.error("weights", f"{name} 的分值为 {n.weight_text}，但下级分值之和为 {fmt_number(total)}（{parts}）",
                        n.weight_span, f"调整下级分值使其合计 {n.weight_text}，或把本级分值改为 {fmt_number(total)}")
        rows_where = None
        if n.rows is not None:
            if policy is None:
                c.error("policy", f"{name} 选取了指标行，但规则没有 indicators 计分方法", n.rows.span,
                        "加一个 indicators { positive: … reverse: … qualitative: … } 块")
            if n.rows.where is not None:
                scope = _Scope(dict(ROW_FIELDS), {}, None, Interval.non_negative(), what="rows where 条件")
                t = _infer(n.rows.where, scope, c)
                if t not in (BOOL, None):
                    c.error("type", "rows where 后应为条件", n.rows.where.span, '例如: rows where goal == 1')
                rows_where = n.rows.where
            adjust = (n.adjust.lo, n.adjust.hi) if n.adjust is not None else None
            return NodeSpec("section", n.id, name, w, is_rows=True, rows_where=rows_where, span=n.span, adjust=adjust)
        leaf = n.leaf
        score = None
        deducts: tuple[DeductSpec, ...] = ()
        judge = None
        declared = None
        if leaf is not None:
            scope = _Scope(self.types, self.domains, w, what=f"{name} 的计分")  # read, never written
            if leaf.declared is not None:
                dn = leaf.declared.name
                if dn not in self.types:
                    c.error("unknown-name", f"未定义的名称 {dn}", leaf.declared.span,
                            _did_you_mean(dn, self.types) or "declared 后写表单中申报得分的位置，如 budget.declared_score")
                elif self.types[dn] != NUM:
                    c.error("type", f"申报得分 {dn} 应为数字", leaf.declared.span)
                declared = dn
            if leaf.score is not None:
                before = len(c.diags)
                t = _infer(leaf.score, scope, c)
                if len(c.diags) > before:
                    t = None  # an error inside: no proof on top of it
                if t not in (NUM, None):
                    c.error("type", f"score 应为数字，这里是{_tname(t)}", leaf.score.span,
                            "条件请写成 if 条件 then 分数 else 分数")
                elif t == NUM:
                    self.prove(c, leaf.score, Decimal(0), w, self.domains, w, None, f"{name} 的得分",
                               f"用 min(…, {n.weight_text}) 封顶、max(…, 0) 保底，或收紧 fact 的取值范围")
                score = leaf.score
            if leaf.deducts:
                specs = []
                before = len(c.diags)
                for d in leaf.deducts:
                    t = _infer(d.count, scope, c)
                    if t not in (NUM, None):
                        c.error("type", "deduct … per 后应为数字（次数、天数等）", d.count.span)
                    specs.append(DeductSpec(d.per, d.count, d.limit, d.span))
                deducts = tuple(specs)
                expr = _deduct_expr(w, deducts)
                if len(c.diags) == before:
                        self.prove(c, expr, Decimal(0), w, self.domains, w, None, f"{name} 扣分后的得分",
                               f"各条 deduct 的 limit 之和不应超过分值 {n.weight_text}")
                limits = sum((d.limit for d in deducts), Decimal(0))
                if limits > w and self.proving:
                    c.error("bound", f"{name} 最多扣 {fmt_number(limits)} 分，超过分值 {n.weight_text}", n.span,
                            f"把 limit 之和降到 {n.weight_text} 以内")
            if leaf.judge is not None:
                judge = self.judge(c, leaf.judge, w, name)
        return NodeSpec(n.kind, n.id, name, w, children, score=score, deducts=deducts, judge=judge,
                        declared=declared, span=n.span)

    def judge(self, c: _Ctx, j: nodes.Judge, weight: Decimal, name: str) -> JudgeSpec | None:
        subject = self.facts.get(j.subject.name)
        ok = True
        if subject is None:
            c.error("unknown-name", f"未定义的名称 {j.subject.name}", j.subject.span,
                    _did_you_mean(j.subject.name, self.facts) or "judge 后写一个 enum 类型的 fact")
            ok = False
        elif subject.type != "enum":
            c.error("type", f"judge 的对象 {subject.name} 应为 enum 类型，这里是 {subject.type}", j.subject.span)
            ok = False
        if j.score is not None:
            sf = self.facts.get(j.score.name)
            if sf is None:
                c.error("unknown-name", f"未定义的名称 {j.score.name}", j.score.span,
                        _did_you_mean(j.score.name, self.facts) or "score 后写评审给分的 fact（number 类型）")
            elif sf.type not in ("number", "count"):
                c.error("type", f"{sf.name} 应为 number 类型", j.score.span)
        cases: dict[str, tuple[Decimal, Decimal]] = {}
        for case in j.cases:
            lo = case.lo.value * weight / 100 if case.lo.percent else case.lo.value
            hi = case.hi.value * weight / 100 if case.hi.percent else case.hi.value
            if case.label in cases:
                c.error("duplicate", f"分档 {case.label} 重复", case.span)
            if lo > hi:
                c.error("bands", f"{case.label} 的下限大于上限", case.span, "写成 下限 .. 上限")
            if lo < 0 or hi > weight:
                c.error("bound", f"{name} 的分档 {case.label} ({fmt_number(lo)}..{fmt_number(hi)}) 超出 [0, {fmt_number(weight)}]",
                        case.span, f"分档分数应在 0 到分值 {fmt_number(weight)} 之间")
            cases[case.label] = (lo, hi)
        if ok and subject is not None:
            missing = [v for v in subject.values if v not in cases]
            extra = [k for k in cases if k not in subject.values]
            for k in extra:
                span = next(cs.span for cs in j.cases if cs.label == k)
                c.error("unknown-name", f"{subject.name} 没有取值 {k}", span,
                        _did_you_mean(k, subject.values) or "可选: " + "、".join(subject.values))
            if missing:
                c.error("judge", f"{name} 的 judge 没有覆盖 {subject.name} 的取值: {'、'.join(missing)}", j.span,
                        "为每个取值写一档分数")
        return JudgeSpec(j.subject.name, j.score.name if j.score else None, cases, j.span)

    # -- checks
    def checks(self) -> tuple[CheckSpec, ...]:
        out = []
        for name, (f, ch) in self.merged.checks.items():
            c = self.c(f)
            if ch.severity not in SEVERITY_NAMES:
                c.error("check", f"未知的严重程度 {ch.severity}", ch.span, "可选: error、warning、info")
            types = dict(self.types)
            where = None
            if ch.rows is not None:
                types.update(ROW_FIELDS)
                types.update({k: v[0] for k, v in ROW_NAMES.items()})
                if ch.rows.where is not None:
                    wt = _infer(ch.rows.where, _Scope(dict(ROW_FIELDS), {}, None, Interval.non_negative(),
                                                      what="rows where 条件"), c)
                    if wt not in (BOOL, None):
                        c.error("type", "rows where 后应为条件", ch.rows.where.span)
                    where = ch.rows.where
            row_weight = Interval.non_negative() if ch.rows is not None else None  # `weight`: the row's
            scope = _Scope(types, self.domains, None, row_weight, what="check 条件")
            t = _infer(ch.expr, scope, c)
            if t not in (BOOL, None):
                c.error("type", "check 的内容应为条件（真/假）", ch.expr.span, "例如: { 左边 == 右边 within 0.01 }")
            out.append(CheckSpec(name, ch.severity, ch.message, ch.expr, ch.tolerance, ch.span, ch.rows is not None,
                                 where))
        return tuple(out)

    def run(self) -> Model | None:
        h = self.header()
        full = h["full"]
        assert isinstance(full, Decimal)
        grades = self.grades(full)
        self.facts_and_lets()
        bands = self.bands()
        policy = self.policy(bands)
        ids: dict[str, nodes.Span] = {}
        root = tuple(self.node(f, n, ids, policy) for f, n in self.merged.tree)
        if not root:
            self.ctx.at(self.top).error("tree", "规则没有任何 section 或 item", nodes.Span(1, 1, 1, 1),
                                        "至少写一个 section 或 item")
        total = sum((n.weight for n in root), Decimal(0))
        if root and total != full:
            f0 = self.merged.tree[0][0]
            parts = " + ".join(f"{n.name} {fmt_number(n.weight)}" for n in root)
            self.ctx.at(f0).error("weights", f"各部分分值之和为 {fmt_number(total)}（{parts}），不等于满分 {fmt_number(full)}",
                                  self.merged.tree[0][1].weight_span, "调整分值使其合计等于 full")
        for f, n in self.merged.tree:
            for problem in node_problems(n, full):
                self.ctx.at(f).error("adjustable", problem.message, problem.span, problem.hint)
        checks = self.checks()
        aggregation = self.aggregation()
        if any(d.severity == "error" for d in self.ctx.diags):
            return None
        digest = hashlib.sha256("\n\x00\n".join(f.text for f in self.chain).encode("utf-8")).hexdigest()
        return Model(
            id=str(h["id"]), title=str(h["title"]), version=str(h["version"]),
            jurisdiction=h["jurisdiction"],  # type: ignore[arg-type]
            first_year=h["first_year"], last_year=h["last_year"],  # type: ignore[arg-type]
            kind=str(h["kind"]), full=full, rounding_mode=str(h["rounding_mode"]), places=self.places,
            tolerance=h["tolerance"],  # type: ignore[arg-type]
            grades=grades, policy=policy, facts=self.facts, lets=tuple(self.lets.values()), checks=checks,
            root=root, path=self.top.path, sha256=digest, extends=h["extends"],  # type: ignore[arg-type]
            bands=bands, proofs=tuple(self.proofs), aggregation=aggregation,
        )


def _too_big(what: str, text: str, places: int) -> str:
    return (f"{what} {text} 保留 {places} 位小数后超过 {PRECISION} 位有效数字，超出 perfrules 的精度，"
            f"得分无法精确计算")


def _fit_hint(places: int) -> str:
    return (f"分值与满分的整数部分至多 {PRECISION - places} 位（舍入 {places} 位小数时）；"
            "缩小分值，或减少 rounding 的小数位数")


def _amount_value(a: nodes.Amount) -> Decimal:
    return a.value / 100 if a.percent else a.value


def _deduct_expr(weight: Decimal, deducts: tuple[DeductSpec, ...]) -> nodes.Expr:
    """The score a deduct rule gives, as an expression: weight − Σ min(per × count, limit)."""
    span = deducts[0].span
    expr: nodes.Expr = nodes.Num(weight, fmt_number(weight), False, span)
    for d in deducts:
        per = nodes.Num(d.per, fmt_number(d.per), False, d.span)
        lim = nodes.Num(d.limit, fmt_number(d.limit), False, d.span)
        expr = nodes.BinOp("-", expr, nodes.Call("min", (nodes.BinOp("*", per, d.count, d.span), lim), d.span), d.span)
    return expr


@in_engine_context
def check_chain(chain: list[nodes.RulesetFile], prove: bool = True) -> tuple[Model | None, list[Diagnostic]]:
    """Check a ruleset given as its ``extends`` chain (the root first, the file itself last).

    Returns the model (``None`` if any error) and every diagnostic found.
    ``prove=False`` skips the bound proofs (only for testing the run-time guards).
    """
    checker = _Checker(chain, prove)
    model = checker.run()
    return model, checker.ctx.diags
