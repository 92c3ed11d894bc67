"""Hypothesis strategies and invariant checks for testers.

Use them from your own pytest suite::

    from hypothesis import given
    from perfrules.testing import forms, assert_guarantees, load

    rs = load("hubei/huangshi/project-2022")

    @given(forms(rs))
    def test_guarantees(form):
        assert_guarantees(rs, form)

``forms(ruleset)`` draws forms valid for that ruleset: indicator rows in every
notation the engine reads (≥ ≤ = 不低于 以上 以内, %, 万元, 人, 元/人/年, dates, text),
qualitative rows with and without declared scores, rows of the ``when`` classes
and form-supplied weights (:mod:`perfrules.testing_rows`), 不适用 rows, facts of
every declared type, and boundary values (0, actual = target, huge and tiny
amounts, many decimal places).  ``assert_guarantees`` checks every promise perfrules makes
about a result, and raises :class:`GuaranteeViolation` naming the one broken.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from .api import Ruleset, load_ruleset
from .forms import Form, read_form
from .model import FactSpec, Model, NodeSpec
from .notation import Quantity
from .operations import in_engine_context
from .rescale import Rescaling, scale
from .result import Result
from .testing_rows import ROW_KEYS, class_choices, literal_constraints, section_weights
from .values import fmt_number

__all__ = ["GuaranteeViolation", "assert_guarantees", "check_guarantees", "forms", "guarantee_test", "load",
           "rulesets"]

load = load_ruleset


class GuaranteeViolation(AssertionError):
    """A result broke one of perfrules' guarantees; ``guarantee`` names which."""

    def __init__(self, guarantee: str, detail: str):
        super().__init__(f"{guarantee}: {detail}")
        self.guarantee = guarantee
        self.detail = detail


# ---------------------------------------------------------------- numbers


def _decimal(lo: Decimal, hi: Decimal, places: int = 4) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=lo, max_value=hi, places=places, allow_nan=False, allow_infinity=False)


def _amount() -> st.SearchStrategy[Decimal]:
    """Amounts with the edges people hit: 0, tiny, huge, many decimals."""
    return st.one_of(
        st.just(Decimal(0)),
        _decimal(Decimal("0.0001"), Decimal(1), 4),
        _decimal(Decimal(1), Decimal(100000), 2),
        _decimal(Decimal(100000), Decimal(1000000000), 0),
        _decimal(Decimal(0), Decimal(1000), 8),
    )


def _positive_amount() -> st.SearchStrategy[Decimal]:
    return _amount().filter(lambda x: x > 0)


# ---------------------------------------------------------------- rows

_UNITS = ["", "人", "万元", "元/人/年", "户", "次", "%"]
_GE = ["≥", ">=", "不低于", ""]
_LE = ["≤", "<=", "不高于", "不超过"]
_TEXTS = ["有效提升", "出台", "全部及时到位", "较大提升", "基本达到", "明显改善"]


def _plain(x: Decimal) -> str:
    return fmt_number(x)


@st.composite
def _quant_cells(draw: st.DrawFn) -> tuple[str, str]:
    unit = draw(st.sampled_from(_UNITS))
    direction = draw(st.sampled_from(["ge", "le", "none", "suffix", "eq"]))
    if unit == "%":
        target = draw(_decimal(Decimal(0), Decimal(200), 2))
        actual = draw(st.one_of(st.just(target), _decimal(Decimal(0), Decimal(200), 2)))
    else:
        target = draw(_amount())
        actual = draw(st.one_of(st.just(target), _amount(), st.just(Decimal(0))))
    t = _plain(target) + unit
    a = _plain(actual) + unit
    if direction == "ge":
        t = draw(st.sampled_from(_GE)) + t
    elif direction == "le":
        t = draw(st.sampled_from(_LE)) + t
    elif direction == "suffix":
        t = t + draw(st.sampled_from(["以上", "以内"]))
    elif direction == "eq":  # an equality target (the ruleset's equal formula, else its unsigned one)
        t = draw(st.sampled_from(["=", "＝", "等于"])) + t
    if draw(st.booleans()) and direction == "ge":
        a = "≥" + a  # an actual written as a bound counts as its value
    return t, a


@st.composite
def _date_cells(draw: st.DrawFn) -> tuple[str, str]:
    deadline = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    shift = draw(st.integers(min_value=-60, max_value=60))
    done = deadline + timedelta(days=shift)
    return (f"{deadline.year}年{deadline.month}月{deadline.day}日之前",
            draw(st.sampled_from([f"{done.year}年{done.month}月{done.day}日", done.isoformat()])))


@st.composite
def _table_cells(draw: st.DrawFn, model: Model) -> tuple[Any, Any]:
    """Cells as real tables fill them (docs/forms.md): blank, words, fractions, bare numbers, tier names."""
    target = draw(st.sampled_from(["≥90%", "≥95%", "100%", "≤5%", "≥6次", "有效提升", None]))
    bands = model.policy.bands if model.policy else ()
    words = ["完成", "已完成", "显著提升", *(w for b in bands for w in (b.label, *b.aliases))]
    actual = draw(st.one_of(st.none(), st.just(""), st.sampled_from(words),
                            _decimal(Decimal(0), Decimal("1.5"), 4).map(_plain),
                            _decimal(Decimal(0), Decimal(300), 1).map(_plain), st.just(target)))
    return target, actual


@st.composite
def _row(draw: st.DrawFn, model: Model, fields: dict[str, Any], weight: Decimal) -> dict[str, Any]:
    row: dict[str, Any] = {"name": draw(st.sampled_from(["预计参保人数", "资金及时拨付率", "服务对象满意率", "成本控制",
                                                           "政策知晓率", "支付完成时间", "指标"])), "weight": weight}
    row.update(fields)
    kind = draw(st.sampled_from(["quant", "quant", "quant", "text", "date", "table"]))
    if kind == "table":
        row["target"], row["actual"] = draw(_table_cells(model))
    elif kind == "quant":
        row["target"], row["actual"] = draw(_quant_cells())
    elif kind == "date":
        row["target"], row["actual"] = draw(_date_cells())
    else:
        text = draw(st.sampled_from(_TEXTS))
        same = draw(st.booleans())
        row["target"] = text
        row["actual"] = text if same else draw(st.sampled_from(_TEXTS))
        bands = model.policy.bands if model.policy else ()
        if bands and (not same or draw(st.booleans())):
            band = draw(st.sampled_from(list(bands)))
            row["tier"] = draw(st.sampled_from([band.label, *band.aliases]))
    if model.policy is not None and model.policy.inapplicable and draw(st.integers(0, 7)) == 0:
        row["actual"] = draw(st.sampled_from(["不适用", "N/A"]))  # rescaled as the ruleset says
    if draw(st.booleans()):
        row["declared_score"] = draw(_decimal(Decimal(0), weight, 2))
    return row


_constraints = literal_constraints  # literal values a ``rows where`` condition asks for


@st.composite
def _split(draw: st.DrawFn, total: Decimal, places: int) -> list[Decimal]:
    """`total` split into 1–6 non-negative parts at `places` decimals that add up exactly."""
    n = draw(st.integers(min_value=1, max_value=6))
    unit = Decimal(1).scaleb(-places)
    steps = int(total / unit)
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=steps), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, steps]
    return [(Decimal(b - a) * unit) for a, b in zip(bounds, bounds[1:])]


def _rows_sections(model: Model) -> list[NodeSpec]:
    return [n for n in model.nodes() if n.is_rows]


@st.composite
def _fact_value(draw: st.DrawFn, spec: FactSpec) -> Any:
    if spec.is_list:  # ``money list``: the 其中 amounts a check adds up
        one = dataclasses.replace(spec, is_list=False)
        return draw(st.lists(_fact_value(one), min_size=0, max_size=6))
    t = spec.type
    lo: Decimal = spec.lo if spec.lo is not None else Decimal(0)
    hi: Decimal
    if t == "count":
        top = int(spec.hi) if spec.hi is not None else int(lo) + 40
        return draw(st.integers(min_value=int(lo), max_value=top))
    if t in ("number", "money"):
        hi = spec.hi if spec.hi is not None else lo + Decimal(100000)
        return draw(_decimal(lo, hi, 2))
    if t in ("percent", "ratio"):
        hi = spec.hi if spec.hi is not None else Decimal(2)
        v = draw(_decimal(lo, hi, 4))
        return draw(st.sampled_from([v, f"{fmt_number(v * 100)}%"]))
    if t == "enum":
        return draw(st.sampled_from(list(spec.values)))
    if t == "bool":
        return draw(st.sampled_from([True, False, "是", "否"]))
    if t == "date":
        return draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))).isoformat()
    return draw(st.text(min_size=0, max_size=20))


def _judge_score_facts(model: Model) -> dict[str, tuple[Decimal, Decimal]]:
    """Score facts of judged items, with the range a form may give them."""
    out = {}
    for n in model.nodes():
        if n.judge is not None and n.judge.score:
            lo = min(v[0] for v in n.judge.cases.values())
            hi = max(v[1] for v in n.judge.cases.values())
            out[n.judge.score] = (lo, hi)
    return out


@st.composite
def _forms(draw: st.DrawFn, model: Model) -> dict[str, Any]:
    year = model.first_year if model.last_year == model.first_year else draw(
        st.integers(min_value=model.first_year, max_value=model.last_year or model.first_year + 5))
    form: dict[str, Any] = {"kind": model.kind, "jurisdiction": "/".join(model.jurisdiction) or "全国", "year": year}
    adjusted = draw(_positive_amount())
    executed = draw(st.one_of(st.just(adjusted), _amount(), _decimal(Decimal(0), adjusted * 2, 2)))
    budget: dict[str, Any] = {"adjusted": adjusted, "executed": executed}
    if draw(st.booleans()):
        budget["initial"] = draw(_positive_amount())
    if draw(st.booleans()):
        budget["declared_rate"] = f"{fmt_number((executed / adjusted * 100).quantize(Decimal(1)))}%"
    if draw(st.booleans()):
        budget["declared_score"] = draw(_decimal(Decimal(0), Decimal(20), 2))
    if draw(st.integers(0, 5)) == 0:  # the 其中 rows, the total sometimes left at 0 or blank
        budget["sources"] = {"appropriation": {"adjusted": adjusted, "executed": executed}}
        budget["adjusted"] = draw(st.sampled_from([adjusted, Decimal(0), None]))
    form["budget"] = budget
    facts: dict[str, Any] = {}
    scored = _judge_score_facts(model)
    for name, spec in model.facts.items():
        if spec.optional and draw(st.booleans()):
            continue
        if name in scored:
            lo, hi = scored[name]
            facts[name] = draw(_decimal(lo, hi, 1))
        else:
            facts[name] = draw(_fact_value(spec))
    if facts:
        form["facts"] = facts
    rows: list[dict[str, Any]] = []
    given = draw(section_weights(model))  # the ruleset's, or other weights for adjustable sections
    for section in _rows_sections(model):
        cons = _constraints(section.rows_where)
        classes = class_choices(model, cons)  # ``when`` classes a row of this section may belong to
        weights = draw(_split(given.get(section.id, section.weight), model.places))
        for w in weights:
            fields: dict[str, Any] = {}
            wanted = cons
            if draw(st.booleans()) and classes:
                wanted = draw(st.sampled_from(classes))
            for key in ROW_KEYS:
                if key in wanted:
                    value = draw(st.sampled_from(wanted[key]))
                    fields[key] = int(value) if key == "goal" else value
            if "goal" not in fields:
                fields["goal"] = 1
            if "level2" not in fields:
                fields["level2"] = draw(st.sampled_from(["数量指标", "质量指标", "时效指标", "成本指标", "社会效益"]))
            rows.append(draw(_row(model, fields, w)))
    if rows:
        form["indicators"] = rows
    if draw(st.booleans()):
        form["declared_total"] = draw(_decimal(Decimal(0), model.full, 2))
    return form


def forms(ruleset: Ruleset | Model) -> st.SearchStrategy[dict[str, Any]]:
    """A hypothesis strategy of form dicts valid for `ruleset`."""
    model = ruleset.model if isinstance(ruleset, Ruleset) else ruleset
    return _forms(model)


# ---------------------------------------------------------------- guarantees


def _bump(q: Quantity, factor: Decimal) -> Quantity:
    return dataclasses.replace(q, value=q.value * factor + Decimal("0.01"))


def assert_guarantees(ruleset: Ruleset, form: dict[str, Any] | Form) -> None:
    """Check every guarantee on one form; raise :class:`GuaranteeViolation` naming the one broken.

    See :func:`check_guarantees` for the list (which also returns the result).
    """
    check_guarantees(ruleset, form)


@in_engine_context
def check_guarantees(ruleset: Ruleset, form: dict[str, Any] | Form) -> Result:
    """Check every guarantee on one form; return its result, or raise :class:`GuaranteeViolation`.

    - every item and section score lies in [0, weight], already before the
      run-time clamp (a clamp that had to act is a defect in the ruleset);
    - rounding never pushes a score past its weight;
    - section scores are the sums of their parts, the top-level parts add up
      to the total (each scaled as the result records where 不适用 parts were
      rescaled), and the total never exceeds the full score;
    - the same form always gives the same result;
    - the compiled program and the interpreter agree exactly;
    - a positive indicator's score never falls when its actual rises, and a
      reverse one's never rises.
    """
    f = form if isinstance(form, Form) else read_form(dict(form))
    result = ruleset.evaluate(f, coverage=True)
    model = ruleset.model
    clamps = [x for x in result.findings if x.code == "score-clamped"]
    if clamps:
        raise GuaranteeViolation("score within [0, weight] before the clamp", clamps[0].message)
    for it in result.items:
        if not (0 <= it.score <= it.weight):
            raise GuaranteeViolation("item score within [0, weight]", f"{it.name}: {it.score} of {it.weight}")
        if it.raw > it.weight and it.raw.is_finite():
            raise GuaranteeViolation("score within [0, weight] before the clamp",
                                     f"{it.name}: raw {it.raw} > {it.weight}")
    by_id = {s.id: s for s in result.sections}
    items = {i.id: i for i in result.items}
    for s in result.sections:
        if not (0 <= s.score <= s.weight):
            raise GuaranteeViolation("section score within [0, weight]", f"{s.name}: {s.score} of {s.weight}")
        parts = [by_id[k].score if k in by_id and k != s.id else items[k].score for k in s.items]
        if _as_scored(sum(parts, Decimal(0)), s.rescaled, s.weight, model) != s.score:
            raise GuaranteeViolation("sections are the sums of their parts", f"{s.name}: {parts} ≠ {s.score}")
    top = sum((s.score for s in result.sections if s.parent is None), Decimal(0))
    if _as_scored(top, result.rescaled, model.full, model) != result.total:
        raise GuaranteeViolation("top-level parts add up to the total", f"{top} ≠ {result.total}")
    if result.total > model.full or result.total < 0:
        raise GuaranteeViolation("total within [0, full score]", f"{result.total} of {model.full}")
    again = ruleset.evaluate(f)
    if again.to_dict() != result.to_dict():
        raise GuaranteeViolation("determinism", "the same form gave two different results")
    interpreted = ruleset.interpret(f, coverage=True)
    if interpreted.to_dict() != result.to_dict() or interpreted.reached != result.reached:
        raise GuaranteeViolation("compiled = interpreted", _first_difference(result.to_dict(), interpreted.to_dict()))
    _monotonicity(ruleset, f, result)
    return result


def _as_scored(raw: Decimal, rescaled: Rescaling | None, weight: Decimal, model: Model) -> Decimal | None:
    """A sum of parts as it is scored: scaled up for 不适用 parts when they were (None: the result's
    record of that scaling names another sum)."""
    if rescaled is None:
        return raw
    if rescaled.raw != raw:
        return None
    return scale(raw, rescaled.applicable, weight, model.places, model.rounding_mode)


def _first_difference(a: dict[str, Any], b: dict[str, Any]) -> str:
    for k in a:
        if a[k] != b.get(k):
            return f"{k}: compiled {a[k]!r} ≠ interpreted {b.get(k)!r}"
    return "results differ"


def _monotonicity(ruleset: Ruleset, form: Form, result: Result) -> None:
    rows = {r.path: r for r in form.rows}
    for it in result.items:
        direction = it.detail.get("direction")
        row = rows.get(it.path)
        if it.kind != "row" or direction not in ("positive", "reverse") or row is None or row.actual is None:
            continue
        bumped = dataclasses.replace(row, actual=_bump(row.actual, Decimal("1.5")))
        new_rows = tuple(bumped if r.index == row.index else r for r in form.rows)
        other = ruleset.evaluate(dataclasses.replace(form, rows=new_rows, notices=[]))
        after = next(x for x in other.items if x.path == it.path)
        if after.detail.get("direction") != direction:
            continue
        if direction == "positive" and after.score < it.score:
            raise GuaranteeViolation("monotonic: a positive indicator never falls when its actual rises",
                                     f"{it.name}: {it.score} → {after.score} as actual rose")
        if direction == "reverse" and after.score > it.score:
            raise GuaranteeViolation("monotonic: a reverse indicator never rises when its actual rises",
                                     f"{it.name}: {it.score} → {after.score} as actual rose")


# ---------------------------------------------------------------- random rulesets

_IDS = ["甲", "乙", "丙", "丁", "预算", "产出", "效益", "满意", "a", "b", "part", "项目", "绩效", "x1"]


@st.composite
def _parts(draw: st.DrawFn, total: int, low: int = 1, high: int = 4) -> list[int]:
    """`total` split into whole-number parts (each ≥ 1) that add up exactly."""
    n = draw(st.integers(min_value=low, max_value=min(high, total)))
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=total - 1), min_size=n - 1, max_size=n - 1,
                                unique=True))) if n > 1 else []
    bounds = [0, *cuts, total]
    return [b - a for a, b in zip(bounds, bounds[1:])]


class _Names:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, stem: str) -> str:
        self.n += 1
        return f"{stem}{self.n}"


#: Constants that probe the engine's precision: small, at the limit, beyond it.
_BIG = st.sampled_from([1, 10, 10**6, 10**12, 10**20, 10**27, 10**28, 10**29, 10**33, 10**40])


@st.composite
def _adversarial_leaf(draw: st.DrawFn, head: str) -> str:
    """Scores that test the proof: clamp in every argument order, big constants (may not check)."""
    kind = draw(st.sampled_from(["clamp-order", "big-product", "big-quotient", "big-bound"]))
    big = draw(_BIG)
    if kind == "clamp-order":
        k = draw(st.integers(min_value=1, max_value=9))
        args = [f"budget.executed * {k} - budget.initial", draw(st.sampled_from(["0", str(big), "weight / 2"])),
                draw(st.sampled_from(["weight", str(big), "0"]))]
        return f"{head} score clamp({', '.join(draw(st.permutations(args)))}) }}"
    if kind == "big-product":
        return f"{head} score min(weight, budget.executed * {big}) }}"
    if kind == "big-quotient":
        return f"{head} score min(weight, {big} / budget.adjusted) }}"
    return f"{head} score max(0, min(weight, budget.executed - {big})) }}"


@st.composite
def _leaf(draw: st.DrawFn, weight: int, name: _Names, facts: list[str], adversarial: bool = False) -> str:
    kinds = ["ratio", "percent", "bool", "deduct", "judge", "clamp", "min"]
    kind = draw(st.sampled_from([*kinds, "adversarial", "adversarial"] if adversarial else kinds))
    ident = name(draw(st.sampled_from(_IDS)))
    head = f'item {ident} "{ident}" weight {weight} {{'
    if kind == "adversarial":
        return draw(_adversarial_leaf(head))
    if kind == "ratio":
        return f"{head} score weight * ratio(budget.executed, budget.adjusted) declared budget.declared_score }}"
    if kind == "percent":
        f = name("比例")
        facts.append(f"fact {f} percent 0% .. 100%")
        return f"{head} score weight * {f} }}"
    if kind == "bool":
        f = name("是否")
        facts.append(f"fact {f} bool")
        return f"{head} score if {f} then weight else 0 }}"
    if kind == "deduct":
        f = name("次数")
        facts.append(f"fact {f} count")
        per = draw(st.integers(min_value=1, max_value=max(1, weight)))
        limit = draw(st.integers(min_value=0, max_value=weight))
        return f"{head} deduct {per} per {f} limit {limit} }}"
    if kind == "judge":
        f = name("评价")
        values = ["好", "中", "差"]
        facts.append(f'fact {f} enum ("好", "中", "差")')
        facts.append(f"fact {f}得分 number 0 .. {weight} optional")
        lo = draw(st.integers(min_value=0, max_value=weight))
        cases = f'"{values[0]}": {weight} "{values[1]}": {lo} .. {weight} "{values[2]}": 0'
        return f"{head} judge {f} score {f}得分 {{ {cases} }} }}"
    if kind == "clamp":
        k = draw(st.integers(min_value=1, max_value=9))
        return f"{head} score clamp(budget.executed * {k} - budget.initial, 0, weight) }}"
    k = draw(st.integers(min_value=1, max_value=5))
    return f"{head} score min(weight, {k} * budget.executed / budget.adjusted) }}"


@st.composite
def _node(draw: st.DrawFn, weight: int, depth: int, name: _Names, facts: list[str], rows: list[int],
          adversarial: bool = False) -> str:
    shape = draw(st.sampled_from(["leaf", "leaf", "rows", "section"] if depth < 2 else ["leaf", "rows"]))
    if shape == "rows" and weight > 100:  # a form's row weights are at most 1000 each (forms.md)
        shape = "leaf"
    if shape == "leaf":
        return draw(_leaf(weight, name, facts, adversarial))
    ident = name(draw(st.sampled_from(_IDS)))
    if shape == "rows":
        goal = len(rows) + 1
        rows.append(goal)
        return f'section {ident} "{ident}" weight {weight} {{\n  rows where goal == {goal}\n}}'
    kids = [draw(_node(w, depth + 1, name, facts, rows, adversarial)) for w in draw(_parts(weight))]
    body = "\n".join("  " + line for k in kids for line in k.splitlines())
    return f'section {ident} "{ident}" weight {weight} {{\n{body}\n}}'


@st.composite
def _ruleset_text(draw: st.DrawFn, adversarial: bool = False) -> str:
    name = _Names()
    facts: list[str] = []
    rows: list[int] = []
    fulls = [100, 100, 50, 10, *([1000, 10**6] if adversarial else [])]  # forms.md: totals ≤ 10^6
    full = draw(st.sampled_from(fulls))
    nodes = [draw(_node(w, 0, name, facts, rows, adversarial)) for w in draw(_parts(full, 1, 5))]
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=99), min_size=1, max_size=3, unique=True)),
                  reverse=True)
    edges = [100, *cuts, 0]
    labels = ["达成", "部分达成", "基本达成", "未达成"]
    bands = "\n".join(f'  "{labels[i] if i < len(edges) - 2 else "未达成"}" {edges[i + 1]}% .. {edges[i]}%'
                      for i in range(len(edges) - 1))
    g1 = draw(st.integers(min_value=full // 2, max_value=full))
    g2 = draw(st.integers(min_value=0, max_value=g1 - 1))
    places = draw(st.integers(min_value=0, max_value=6 if adversarial else 3))
    mode = draw(st.sampled_from(["half_up", "half_even", "down", "up"]))
    reverse = draw(st.sampled_from([
        "if actual > 0 then min(target / actual, 1) else 1",
        "if actual <= target then 1 else (if target > 0 then clamp(1 - (actual - target) / target, 0, 1) else 0)",
    ]))
    return "\n".join([
        f'ruleset "fuzz/{draw(st.integers(min_value=0, max_value=10**6))}"',
        'jurisdiction "测试省/测试市"',
        "years 2020..",
        "kind project",
        f"full {full}",
        f"rounding {mode} {places}",
        f'grades {{ "优" >= {g1} "良" >= {g2} "差" otherwise }}',
        f"bands 三档 {{\n{bands}\n}}",
        "indicators {",
        "  positive: if target > 0 then min(actual / target, 1) else 1",
        f"  reverse: {reverse}",
        '  unsigned: by level2 { "成本指标": reverse otherwise: positive }',
        "  qualitative: 三档",
        "}",
        *facts,
        *nodes,
    ]) + "\n"


def rulesets(adversarial: bool = False) -> st.SearchStrategy[str]:
    """A hypothesis strategy of random *valid* ruleset texts: trees of sections and items, weights that
    add up, bounded formulas, deductions, judged items, tier bands, grades, rounding.

    With `adversarial`, texts also probe the proof and may fail ``check``: ``clamp`` with its
    arguments in every order, constants and full scores near and beyond the engine's precision,
    rounding to 0–6 places.  For each one ``check`` accepts, every guarantee must still hold.
    """
    return _ruleset_text(adversarial)


def guarantee_test(ruleset: Ruleset | str, examples: int | None = None) -> Any:
    """A ready pytest test function that fuzzes `ruleset` (an id, a path or a Ruleset)::

        from perfrules.testing import guarantee_test
        test_huangshi = guarantee_test("hubei/huangshi/project-2022")
    """
    from hypothesis import given, settings

    rs = ruleset if isinstance(ruleset, Ruleset) else load_ruleset(ruleset)

    @given(forms(rs))
    def test(form: dict[str, Any]) -> None:
        assert_guarantees(rs, form)

    return settings(max_examples=examples)(test) if examples else test
