"""Benchmark: the peer rubric (budget + six quantitative rows + one tier row) in one run.

    python benchmarks/bench_peer.py [--forms 10000] [--rounds 7]

The rubric is ``benchmarks/peer/peer.rules`` (the peer benchmark's rubric written in
perfrules; ``rounding half_up 6`` so that every side does the same arithmetic).  In one
process, in interleaved rounds over the same generated forms, it times:

- a hand-written Decimal scorer with the same per-item rounding (the baseline, 1.0×);
- the same hand-written scorer building, per row, the records a perfrules ``Result`` holds (plan,
  row values, trace, item): the floor of the result model itself, with no planning or audit;
- perfrules' compiled program on already-read forms (``Ruleset.evaluate(Form)``: total, grade and
  findings at once, the items' records when first read — the summary path), and the same with
  ``detail=True`` (every item's record built at once, as the CLI does);
- perfrules' tree-walking interpreter (``Ruleset.interpret(Form)``);
- perfrules from a form dict (schema validation + reading + scoring);
- zen-engine (GoRules, Rust core) on the same rubric, when ``zen-engine`` is installed
  (``pip install zen-engine``); skipped with a line saying so otherwise.

Every perfrules path is checked to give the baseline's item scores, total and grade
before anything is timed.  The table prints µs per form and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import perfrules  # noqa: E402
from perfrules import (
    nodes,  # noqa: E402
    read_form,  # noqa: E402
)
from perfrules.result import ItemResult  # noqa: E402
from perfrules.rows import RowPlan, RowSource  # noqa: E402
from perfrules.trace import RowFormula  # noqa: E402
from perfrules.values import CONTEXT  # noqa: E402

# (name, weight, level2): 成本指标 rows are scored in reverse (target ÷ actual).
ROWS = [("i1", 20, "数量指标"), ("i2", 10, "成本指标"), ("i3", 10, "时效指标"),
        ("i4", 10, "社会效益指标"), ("i5", 10, "社会效益指标"), ("i6", 10, "满意度指标")]
TIERS = ("achieved", "partial", "failed")


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    """Peer-style flat forms: exact decimal strings, ~1% clearly bad ones."""
    rng = random.Random(seed)
    base = {"planned": "960", "executed": "899.52", "i1_a": "83000", "i1_b": "73731",
            "i2_a": "116", "i2_b": "122", "i3_a": "100", "i3_b": "100", "i4_a": "90",
            "i4_b": "95", "i5_a": "90", "i5_b": "95", "i6_a": "100", "i6_b": "100"}
    forms = []
    for k in range(n):
        f = dict(base)
        lo = 0.35 if k % 97 == 0 else 0.85
        f["executed"] = f"{899.52 * rng.uniform(lo, 1.12):.2f}"
        f["i1_b"] = str(round(73731 * rng.uniform(lo, 1.15)))
        f["i2_b"] = str(round(122 * rng.uniform(0.85, 1.1 if lo > 0.5 else 2.8)) or 1)
        for key, b in (("i3_b", 100), ("i4_b", 95), ("i5_b", 95), ("i6_b", 100)):
            f[key] = f"{b * rng.uniform(lo, 1.05):.1f}"
        f["tier"] = rng.choices(TIERS, weights=[8, 1.5, 0.5])[0]
        forms.append(f)
    return forms


def to_form_dict(f: dict[str, Any]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = [
        {"goal": 1, "level2": l2, "name": k, "weight": w, "target": f[k + "_a"],
         "actual": f[k + "_b"]} for k, w, l2 in ROWS]
    rows.append({"goal": 1, "level2": "定性指标", "name": "i7", "weight": 10,
                 "target": "达成预期目标", "actual": "见自评报告", "tier": f["tier"]})
    return {"kind": "project", "jurisdiction": "全国", "year": 2024,
            "budget": {"adjusted": Decimal(f["planned"]), "executed": Decimal(f["executed"])},
            "indicators": rows}


# ---------------------------------------------------------------- the hand-written baseline
Q6 = Decimal("0.000001")
ONE, W20, W10 = Decimal(1), Decimal(20), Decimal(10)
TIER_SHARE = {"achieved": Decimal(1), "partial": Decimal("0.8"), "failed": Decimal("0.5")}
G90, G80, G60 = Decimal(90), Decimal(80), Decimal(60)


def hand_score(f: dict[str, Any]) -> tuple[list[Decimal], Decimal, str]:
    """The rubric by hand: item = weight × min(share, 1), rounded half_up to 6 places."""
    with localcontext(CONTEXT):
        d = {k: Decimal(v) for k, v in f.items() if k != "tier"}
        items = [(W20 * min(d["executed"] / d["planned"], ONE)).quantize(Q6, ROUND_HALF_UP)]
        for k, w, l2 in ROWS:
            a, b = d[k + "_a"], d[k + "_b"]
            share = min(a / b, ONE) if l2 == "成本指标" else min(b / a, ONE)
            items.append((Decimal(w) * share).quantize(Q6, ROUND_HALF_UP))
        items.append((W10 * TIER_SHARE[f["tier"]]).quantize(Q6, ROUND_HALF_UP))
        total = sum(items, Decimal(0))
        grade = "优秀" if total >= G90 else "良好" if total >= G80 else "中" if total >= G60 else "差"
        return items, total, grade


def hand_with_records(f: dict[str, Any]) -> tuple[list[Decimal], Decimal, str]:
    """The hand-written scorer, building what a perfrules Result holds per row (plan, row values,
    trace, item record): the floor of perfrules' result model, no audit and no planning logic."""
    with localcontext(CONTEXT):
        d = {k: Decimal(v) for k, v in f.items() if k != "tier"}
        items = [(W20 * min(d["executed"] / d["planned"], ONE)).quantize(Q6, ROUND_HALF_UP)]
        for k, w, l2 in ROWS:
            a, b = d[k + "_a"], d[k + "_b"]
            plan = RowPlan("quant", "reverse" if l2 == "成本指标" else "positive", ("field", "level2", l2), b, a)
            local = {"actual": b, "target": a, "__row__": None}
            share = min(a / b, ONE) if l2 == "成本指标" else min(b / a, ONE)
            raw = Decimal(w) * share
            score = raw.quantize(Q6, ROUND_HALF_UP)
            ItemResult(k, k, "指标", Decimal(w), score, raw, None, "$", "row", RowFormula(Decimal(w), _EXPR, {}, local),
                       RowSource(None, plan), 0, 6)  # type: ignore[arg-type]
            items.append(score)
        items.append((W10 * TIER_SHARE[f["tier"]]).quantize(Q6, ROUND_HALF_UP))
        total = sum(items, Decimal(0))
        grade = "优秀" if total >= G90 else "良好" if total >= G80 else "中" if total >= G60 else "差"
        return items, total, grade


_EXPR = nodes.Num(Decimal(1), "1", False, nodes.Span(0, 0, 0, 0))


def summary(r: perfrules.Result) -> tuple[list[Decimal], Decimal, str]:
    return [it.score for it in r.items], r.total, r.grade


# ---------------------------------------------------------------- zen-engine (optional)
def zen_scorer() -> Callable[[dict[str, Any]], Any] | None:
    """zen-engine's fastest per-form path, as the peer benchmark measured it: ``ZenEngine.evaluate``
    by key with a static loader (``ZenDecision.evaluate`` pays a per-call runtime setup)."""
    try:
        import zen  # type: ignore[import-not-found]
    except ImportError:
        return None
    content = json.loads((HERE / "peer" / "form_score_expr_only.jdm.json").read_text(encoding="utf-8"))
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"form": content}}})
    evaluate = engine.evaluate

    def score(f: dict[str, Any]) -> Any:
        flat = {k: (v if k == "tier" else float(v)) for k, v in f.items()}
        return evaluate("form", flat)

    return score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()

    rs = perfrules.load_ruleset(str(HERE / "peer" / "peer.rules"))
    flat = generate(args.forms, args.seed)
    docs = [to_form_dict(f) for f in flat]
    forms = [read_form(d) for d in docs]

    for f, form, doc in zip(flat, forms, docs):   # agreement before timing
        want = hand_score(f)
        for label, got in (("compiled", summary(rs.evaluate(form))),
                           ("interpreter", summary(rs.interpret(form))),
                           ("from dict", summary(rs.evaluate(doc)))):
            if got != want:
                sys.exit(f"{label} disagrees with the hand-written scorer on {f}: {got} != {want}")

    def detail(form: perfrules.Form) -> perfrules.Result:
        return rs.evaluate(form, detail=True)

    paths: list[tuple[str, Callable[[Any], Any], list[Any]]] = [
        ("hand-written Decimal, same rounding (baseline)", hand_score, flat),
        ("hand-written + perfrules' per-row records (floor)", hand_with_records, flat),
        ("perfrules compiled, form already read", rs.evaluate, forms),
        ("perfrules compiled, every item's record built (detail)", detail, forms),
        ("perfrules interpreter, form already read", rs.interpret, forms),
        ("perfrules from a dict (validate + read + score)", rs.evaluate, docs),
    ]
    zen_score = zen_scorer()
    if zen_score is None:
        print("zen-engine not installed: its row is skipped (pip install zen-engine)")
    else:
        for f in flat[:200]:  # zen computes unrounded (rust_decimal → float): agree to 1e-5
            got = zen_score(f)["result"]
            items, total, grade = hand_score(f)
            if abs(Decimal(repr(got["total"])) - total) > Decimal("0.00001") or got["grade"] != grade:
                sys.exit(f"zen-engine disagrees with the hand-written scorer on {f}: {got}")
        paths.insert(1, ("zen-engine ZenEngine.evaluate (Rust core), expression JDM", zen_score, flat))

    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name, _, _ in paths}
    for r in range(args.rounds + 1):
        for name, fn, xs in paths:
            t = time.perf_counter()
            for x in xs:
                fn(x)
            if r:  # round 0 warms up
                times[name].append((time.perf_counter() - t) / len(xs) * 1e6)
    # The best round of each path (timeit's rule: the least disturbed run) and the median beside it;
    # on a machine other work is loading, the best rounds' ratios are the steadier figures.
    best = {name: min(ts) for name, ts in times.items()}
    median = {name: statistics.median(ts) for name, ts in times.items()}
    base, base_median = best[paths[0][0]], median[paths[0][0]]
    print(f"{args.forms} forms, {args.rounds} interleaved rounds, µs per form: best round (median round)")
    print(f"{'path':60} {'µs/form':>9} {'× baseline':>11} {'(median)':>18}")
    for name in times:
        print(f"{name:60} {best[name]:9.2f} {best[name] / base:10.2f}×  "
              f"({median[name]:7.2f} {median[name] / base_median:5.2f}×)")
    print(json.dumps({n: round(t, 3) for n, t in best.items()}, ensure_ascii=False))

if __name__ == "__main__":
    main()
