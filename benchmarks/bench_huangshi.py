"""Benchmark: the compiled 黄石 2022 ruleset against a hand-written scorer of the same rubric.

    python benchmarks/bench_huangshi.py [--forms 100000] [--seed 1] [--rounds 5]

Both score the same generated forms in the same run.  Two comparisons are
printed: scoring already-read forms (the engine's program vs a hand-written
function over the same `Form` objects), and end to end from form dicts
(schema validation + reading + scoring vs hand-written parsing + scoring).
Also the time to load the ruleset (parse + check + compile).

The generated inputs stay alive for the whole run; they are moved out of the
garbage collector's view (``gc.freeze()``) so that neither side pays for
rescanning 100,000 long-lived forms — a real batch streams its forms.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import perfrules  # noqa: E402
from perfrules.forms import Form, read_form  # noqa: E402
from perfrules.notation import read_cell  # noqa: E402
from perfrules.values import CONTEXT  # noqa: E402

Q = Decimal("0.01")
ONE = Decimal(1)


# ---------------------------------------------------------------- the hand-written scorer


def _share_positive(actual: Decimal, target: Decimal) -> Decimal:
    return min(actual / target, ONE) if target > 0 else ONE


def _share_reverse(actual: Decimal, target: Decimal) -> Decimal:
    return min(target / actual, ONE) if actual > 0 else ONE


def _n(x: Decimal) -> str:
    return format(x.normalize(), "f")


def hand_score(form: Form) -> tuple[Decimal, list[Decimal], list[tuple[str, str, str]]]:
    """The 黄石 2022 rubric written out by hand.

    Returns (total, item scores, findings as (code, path, message)) — the same
    audit the engine performs, with the messages a bureau needs.
    """
    with localcontext(CONTEXT):
        findings: list[tuple[str, str, str]] = []
        b = form.budget
        assert b is not None
        budget = (20 * min(max(b.executed / b.adjusted, Decimal(0)), ONE)).quantize(Q, ROUND_HALF_UP)
        if b.declared_score is not None and b.declared_score != budget:
            findings.append(("declared-score-mismatch", "$.budget.declared_score",
                             f"预算执行情况: 填报得分 {_n(b.declared_score)}，按规则应为 {_n(budget)}"))
        scores = [budget]
        sections = {1: Decimal(0), 2: Decimal(0)}
        weights = {1: Decimal(0), 2: Decimal(0)}
        for row in form.rows:
            t, a = row.target, row.actual
            if t is not None and a is not None and not t.is_date and not a.is_date and t.unit == a.unit:
                actual = max(a.value, Decimal(0))
                if t.relation in (">=", ">"):
                    share = _share_positive(actual, t.value)
                elif t.relation in ("<=", "<") or row.level2 == "成本指标":
                    share = _share_reverse(actual, t.value)
                else:
                    share = _share_positive(actual, t.value)
                score = (row.weight * share).quantize(Q, ROUND_HALF_UP)
                d = row.declared
                if row.level2 == "成本指标" and a.unit == "万元" and actual > b.adjusted:
                    findings.append(("check-failed", f"$.indicators[{row.index}]",
                                     f"{row.name}: 成本指标的金额超过了本项目的预算数：actual = {_n(actual)}，"
                                     f"budget.adjusted = {_n(b.adjusted)}"))
            else:
                lo, hi = {"达成": (Decimal("0.8"), ONE), "部分达成": (Decimal("0.5"), Decimal("0.8")),
                          "未达成": (Decimal(0), Decimal("0.5"))}[row.tier or "达成"]
                lo, hi = lo * row.weight, hi * row.weight
                d = row.declared
                score = (hi if d is None else min(max(d, lo), hi)).quantize(Q, ROUND_HALF_UP)
                if d is not None and not lo <= d <= hi:
                    findings.append(("band-violation", f"$.indicators[{row.index}].declared_score",
                                     f"{row.name}: 得分应在 {_n(lo)}–{_n(hi)} 之间，填报 {_n(d)}"))
                    d = None
            if d is not None and d != score:
                findings.append(("declared-score-mismatch", f"$.indicators[{row.index}].declared_score",
                                 f"{row.name}: 填报得分 {_n(row.declared)}，按规则应为 {_n(score)}"))
            scores.append(score)
            sections[row.goal] += score
            weights[row.goal] += row.weight
        for goal, w in ((1, Decimal(70)), (2, Decimal(10))):
            if weights[goal] != w:
                findings.append(("weights-mismatch", "$.indicators", f"目标{goal} 的指标分值之和为 {_n(weights[goal])}"))
        total = budget + min(sections[1], Decimal(70)) + min(sections[2], Decimal(10))
        if b.declared_rate is not None:
            expected = (b.executed / b.adjusted * 100).quantize(Decimal(1).scaleb(-b.declared_rate_places), ROUND_HALF_UP)
            if (b.declared_rate * 100).quantize(Decimal(1).scaleb(-b.declared_rate_places)) != expected:
                findings.append(("declared-rate-mismatch", "$.budget.declared_rate",
                                 f"填报执行率 {b.declared_rate_text}，按填报精度应为 {_n(expected)}%"))
        if form.declared_total is not None and form.declared_total != total:
            findings.append(("declared-total-mismatch", "$.declared_total",
                             f"填报总分 {_n(form.declared_total)}，按规则应为 {_n(total)}"))
        return total, scores, findings


def hand_from_dict(doc: dict[str, Any]) -> Decimal:
    """End to end by hand: read the dict's cells with the same notation reader, then score."""
    from perfrules.forms import Budget, Row

    b = doc["budget"]
    rows = tuple(Row(i, r.get("goal", 1), r.get("level1", ""), r.get("level2", ""), r["name"], Decimal(r["weight"]),
                     r["target"], r["actual"], read_cell(r["target"]), read_cell(r["actual"]), r.get("tier"),
                     Decimal(r["declared_score"]) if "declared_score" in r else None)
                 for i, r in enumerate(doc["indicators"]))
    form = Form("<dict>", doc["kind"], tuple(doc["jurisdiction"].split("/")), doc["year"],
                budget=Budget(None, Decimal(b["adjusted"]), Decimal(b["executed"]), None, None, 0,
                              Decimal(b["declared_score"]) if "declared_score" in b else None),
                rows=rows, declared_total=Decimal(doc["declared_total"]) if "declared_total" in doc else None)
    return hand_score(form)[0]


# ---------------------------------------------------------------- forms


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    names = ["预计参保人数", "资金及时拨付率", "服务对象满意率", "覆盖率", "一站式服务率"]
    out = []
    for _ in range(n):
        adjusted = Decimal(rng.randint(100, 100000)) / 100
        executed = (adjusted * Decimal(rng.randint(50, 110)) / 100).quantize(Q)
        rows = []
        weights = [20, 10, 10, 10, 10, 10]
        for w in weights:
            kind = rng.random()
            if kind < 0.5:
                t = rng.randint(1000, 90000)
                a = int(t * rng.uniform(0.7, 1.2))
                target, actual, level2 = f"{t}人", f"{a}人", "数量指标"
            elif kind < 0.6:
                t = rng.randint(50, 200)
                a = int(t * rng.uniform(0.8, 1.3))
                target, actual, level2 = f"{t}元/人/年", f"{a}元/人/年", "成本指标"
            elif kind < 0.7:
                t = (adjusted * Decimal(rng.randint(80, 120)) / 100).quantize(Q)
                target, actual, level2 = f"≤{t}万元", f"{t}万元", "成本指标"
            elif kind < 0.9:
                target, actual, level2 = f"≥{rng.randint(80, 95)}%", f"{rng.randint(70, 100)}%", "社会效益"
            else:
                target, actual, level2 = "有效提升", "有效提升", "社会效益"
            row = {"goal": 1, "level2": level2, "name": rng.choice(names), "weight": w, "target": target,
                   "actual": actual}
            if rng.random() < 0.5:
                row["declared_score"] = rng.randint(w // 2, w)
            rows.append(row)
        rows.append({"goal": 2, "level2": "可持续影响指标", "name": "知晓率", "weight": 10, "target": "100%",
                     "actual": f"{rng.randint(80, 100)}%"})
        out.append({"kind": "project", "jurisdiction": "湖北省/黄石市/铁山区", "year": 2022,
                    "budget": {"adjusted": adjusted, "executed": executed, "declared_score": rng.randint(10, 20)},
                    "indicators": rows, "declared_total": rng.randint(60, 100)})
    return out


def timed(fn: Any, items: list[Any], keep: Any) -> tuple[float, list[Any]]:
    """Run `fn` over `items`, keeping only `keep(result)` (a batch scorer streams its results)."""
    start = time.perf_counter()
    out = [keep(fn(x)) for x in items]
    return time.perf_counter() - start, out


def engine_summary(r: Any) -> tuple[Any, ...]:
    return r.total, [i.score for i in r.items], sorted((f.code, f.path) for f in r.findings if f.severity == "error")


def verdict(r: Any) -> tuple[Any, ...]:
    """What the summary path gives at once: the total and the error findings."""
    return r.total, sorted((f.code, f.path) for f in r.findings if f.severity == "error")


def hand_summary(h: Any) -> tuple[Any, ...]:
    total, scores, findings = h
    return total, scores, sorted((code, path) for code, path, _ in findings)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds of the scoring paths (median)")
    args = ap.parse_args()

    path = Path(perfrules.__file__).resolve().parent.parent / "rulesets/hubei/huangshi/2022/project.rules"
    if not path.is_file():
        from perfrules.registry import bundled_dir

        path = bundled_dir() / "hubei/huangshi/2022/project.rules"
    from perfrules import parser, registry

    start = time.perf_counter()
    parser.grammar_parser()
    grammar = time.perf_counter() - start
    loads = []
    for _ in range(20):
        registry._parsed.clear()
        start = time.perf_counter()
        rs = perfrules.load_ruleset(str(path))
        loads.append(time.perf_counter() - start)
    print(f"grammar (first use in a process, Lark cache)   {grammar * 1000:8.1f} ms")
    print(f"load ruleset (parse + check + compile), median {statistics.median(loads) * 1000:8.1f} ms  (target < 100 ms)")

    docs = generate(args.forms, args.seed)
    start = time.perf_counter()
    forms = [read_form(d) for d in docs]
    read = time.perf_counter() - start
    gc.collect()
    gc.freeze()

    times: dict[str, list[float]] = {"engine": [], "hand": [], "summary": []}
    for _ in range(args.rounds):  # interleaved rounds, the median of each (the machine's load shifts)
        engine_t, engine = timed(rs.program.run, forms, engine_summary)
        hand_t, hand = timed(hand_score, forms, hand_summary)
        summary_t, summary = timed(rs.program.summarize, forms, verdict)
        times["engine"].append(engine_t)
        times["hand"].append(hand_t)
        times["summary"].append(summary_t)
    assert engine == hand, "engine and hand-written disagree"
    assert summary == [(t, f) for t, _, f in hand], "summary path and hand-written disagree"
    engine_t, hand_t, summary_t = (statistics.median(times[k]) for k in ("engine", "hand", "summary"))
    n = len(forms)
    print(f"\nscoring {n} read forms (same Form objects; totals, item scores and findings checked equal)")
    print(f"  compiled, summary  {summary_t:7.2f} s   {summary_t / n * 1e6:7.1f} µs/form  "
          f"(Ruleset.evaluate: items built when read)")
    print(f"  compiled, detail   {engine_t:7.2f} s   {engine_t / n * 1e6:7.1f} µs/form  (every item's record built)")
    print(f"  hand-written       {hand_t:7.2f} s   {hand_t / n * 1e6:7.1f} µs/form")
    print(f"  ratio              {summary_t / hand_t:7.2f} × summary, {engine_t / hand_t:.2f} × detail  (target ≤ 2×)")

    part = forms[: max(1, n // 10)]
    interp_t, interp = timed(rs.interpret, part, engine_summary)
    assert interp == engine[: len(part)], "interpreter and compiled program disagree"
    print(f"  interpreter        {interp_t / len(part) * 1e6:7.1f} µs/form on {len(part)} of them, every item read "
          f"(compiled detail is {interp_t / len(part) / (engine_t / n):.2f}× faster)")
    walked_t, walked = timed(rs.interpret, part, verdict)
    assert walked == summary[: len(part)], "interpreter's summary path and compiled disagree"
    print(f"  interpreter, summary {walked_t / len(part) * 1e6:5.1f} µs/form on {len(part)} of them: "
          f"{walked_t / len(part) / (hand_t / n):.2f} × hand-written  (target ≤ 4×)")

    sample = docs[: max(1, n // 10)]
    e2e_t, _ = timed(rs.evaluate, sample, engine_summary)
    hand_e2e_t, _ = timed(hand_from_dict, sample, lambda x: x)
    m = len(sample)
    print(f"\nend to end from dicts, {m} forms (engine validates every form against the JSON Schema)")
    print(f"  perfrules evaluate {e2e_t:7.2f} s   {e2e_t / m * 1e6:7.1f} µs/form")
    print(f"  hand-written       {hand_e2e_t:7.2f} s   {hand_e2e_t / m * 1e6:7.1f} µs/form")
    print(f"  ratio              {e2e_t / hand_e2e_t:7.2f} ×")
    print(f"  (reading + validating all {n} forms took {read:.2f} s)")


if __name__ == "__main__":
    main()
