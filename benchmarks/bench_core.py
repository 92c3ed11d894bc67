"""Benchmark: the figures of issue 9 that the peer and 黄石 benchmarks do not print.

    python benchmarks/bench_core.py [--rounds 5] [--cli-forms 20000] [--yaml-files 2000] [--jobs N] [--cli-only]

In one process, each against its target:

- load (parse + check + compile) of every bundled ruleset, warm: target < 20 ms each;
- load of a generated ruleset with 1,000 items: target < 150 ms;
- per-row cost at 10, 100 and 500 indicator rows (a form holds at most 500; the peer formulas), compiled
  path on read forms, against a hand-written Decimal scorer of the same rows with the same
  rounding: target ≤ 1.5× at every size;
- the CLI on JSON Lines → JSON Lines (``perfrules score --format jsonl --jobs N``): forms/s,
  the time 1,000,000 forms would take at that rate (target < 60 s) and the peak memory of
  the largest process (target < 300 MB);
- the CLI on YAML files, one form each: forms/s (target ≥ 5,000).

Each CLI figure is followed by its CPU time per form (all processes, user + system): on a machine
other work is loading, wall time says little and CPU time much more.

Times are medians over interleaved rounds; the machine's load changes them, the ratios less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import perfrules
from perfrules.registry import Registry
from perfrules.values import CONTEXT

Q6 = Decimal("0.000001")
ONE = Decimal(1)

ROWS_RULESET = (HERE / "peer" / "peer.rules").read_text(encoding="utf-8")


def rows_form(n: int, seed: int) -> tuple[dict[str, Any], list[tuple[Decimal, Decimal, Decimal, bool]]]:
    """A form of `n` quantitative rows (weights summing to 80) and the same rows for the hand scorer."""
    import random

    rng = random.Random(seed)
    unit = Decimal(80) / n
    weights = [unit.quantize(Q6) for _ in range(n - 1)]
    weights.append(Decimal(80) - sum(weights, Decimal(0)))
    rows, plain = [], []
    for i, w in enumerate(weights):
        reverse = i % 5 == 1
        target = Decimal(rng.randint(50, 1000))
        actual = (target * Decimal(rng.uniform(0.7, 1.2))).quantize(Decimal("0.1"))
        rows.append({"goal": 1, "level2": "成本指标" if reverse else "数量指标", "name": f"r{i}",
                     "weight": str(w), "target": str(target), "actual": str(actual)})
        plain.append((w, target, actual, reverse))
    form = {"kind": "project", "jurisdiction": "全国", "year": 2024,
            "budget": {"adjusted": "960", "executed": "899.52"}, "indicators": rows}
    return form, plain


def hand_rows(plain: list[tuple[Decimal, Decimal, Decimal, bool]]) -> Decimal:
    with localcontext(CONTEXT):
        total = (Decimal(20) * min(Decimal("899.52") / Decimal(960), ONE)).quantize(Q6, ROUND_HALF_UP)
        for w, target, actual, reverse in plain:
            share = min(target / actual, ONE) if reverse else min(actual / target, ONE)
            total += (w * share).quantize(Q6, ROUND_HALF_UP)
        return total


def median_time(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_loads(rounds: int) -> None:
    print("ruleset load (parse + check + compile), warm, median of", rounds)
    entries = sorted(Registry([]).entries(), key=lambda e: e.path)
    worst = 0.0
    for e in entries:
        perfrules.load_ruleset(e.path)
        t = median_time(lambda path=e.path: perfrules.load_ruleset(path), rounds)
        worst = max(worst, t)
        print(f"  {e.id:44} {t * 1000:8.1f} ms {'✓' if t < 0.020 else '✗ (target < 20 ms)'}")
    print(f"  slowest {worst * 1000:.1f} ms over {len(entries)} rulesets")
    items = "\n".join(f'item i{k} "项{k}" weight 1 {{ score min(x{k}, weight) }}' for k in range(1000))
    facts = "\n".join(f"fact x{k} number" for k in range(1000))
    text = (f'ruleset "bench/thousand"\njurisdiction "全国"\nyears 2024\nkind project\nfull 1000\n'
            f"{facts}\n{items}\n")
    perfrules.ruleset_from_text(text, "thousand.rules")
    t = median_time(lambda: perfrules.ruleset_from_text(text, "thousand.rules"), max(3, rounds // 2))
    print(f"  1,000 items{'':33} {t * 1000:8.1f} ms {'✓' if t < 0.150 else '✗ (target < 150 ms)'}")


def bench_rows(rounds: int) -> None:
    print("per row: compiled path on read forms vs hand-written Decimal, same rounding")
    rs = perfrules.ruleset_from_text(ROWS_RULESET, "peer.rules")
    for n in (10, 100, 500):  # 500: the most rows a form may have (the schema refuses more)
        docs = [rows_form(n, seed) for seed in range(max(3, 3000 // n))]
        forms = [perfrules.read_form(d) for d, _ in docs]
        for form, (_, plain) in zip(forms, docs):
            assert rs.evaluate(form).total == hand_rows(plain), "perfrules and the hand scorer disagree"
        ours, hand = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            for form in forms:
                rs.evaluate(form)
            ours.append((time.perf_counter() - t) / len(forms) / n)
            t = time.perf_counter()
            for _, plain in docs:
                hand_rows(plain)
            hand.append((time.perf_counter() - t) / len(docs) / n)
        a, b = statistics.median(ours), statistics.median(hand)
        print(f"  {n:5} rows  perfrules {a * 1e6:7.2f} µs/row  hand {b * 1e6:6.2f} µs/row  "
              f"{a / b:5.2f}× {'✓' if a / b <= 1.5 else '✗ (target ≤ 1.5×)'}")


def _cli(args: list[str], out: Path) -> tuple[float, int, float]:
    """Seconds, peak RSS (KB, the largest of the CLI and its workers) and CPU seconds (the CLI and its
    workers, user + system) of one ``perfrules`` run.  CPU time is what a loaded machine changes least."""
    code = "import sys; from perfrules.cli import main; sys.exit(main(sys.argv[1:]))"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        subprocess.run([sys.executable, "-c", code, *args], stdout=fh, stderr=subprocess.DEVNULL, cwd=ROOT, check=False,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, max(before.ru_maxrss, after.ru_maxrss), cpu


def bench_cli(n_forms: int, n_files: int, jobs: int) -> None:
    from benchmarks.bench_peer import generate, to_form_dict  # the peer rubric's forms

    print(f"CLI, --jobs {jobs}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rules = HERE / "peer" / "peer.rules"
        flat = generate(max(n_forms, n_files), 20240601)
        jl = folder / "forms.jsonl"
        with jl.open("w", encoding="utf-8") as fh:
            for f in flat[:n_forms]:
                fh.write(json.dumps(to_form_dict(f), ensure_ascii=False, default=str) + "\n")
        seconds, rss, cpu = _cli(["score", str(jl), "--ruleset", str(rules), "--format", "jsonl", "--jobs",
                                  str(jobs)], folder / "out.jsonl")
        lines = sum(1 for _ in (folder / "out.jsonl").open(encoding="utf-8"))
        assert lines == n_forms, f"{lines} results for {n_forms} forms"
        rate = n_forms / seconds
        print(f"  JSON Lines → JSON Lines: {n_forms} forms in {seconds:.1f} s = {rate:,.0f} forms/s; "
              f"1,000,000 forms ≈ {1e6 / rate:,.0f} s {'✓' if 1e6 / rate < 60 else '✗ (target < 60 s)'}; "
              f"peak {rss / 1024:.0f} MB {'✓' if rss < 300 * 1024 else '✗ (target < 300 MB)'}")
        print(f"    CPU {cpu / n_forms * 1e6:,.0f} µs per form (all processes, start-up included): "
              f"{jobs} idle cores would score {jobs * n_forms / cpu:,.0f} forms/s")
        import yaml

        files = folder / "yaml"
        files.mkdir()
        for i, f in enumerate(flat[:n_files]):
            doc = json.loads(json.dumps(to_form_dict(f), default=str))
            (files / f"{i:05}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        seconds, _, cpu = _cli(["score", str(files), "--ruleset", str(rules), "--format", "jsonl", "--jobs",
                                str(jobs)], folder / "out2.jsonl")
        rate = n_files / seconds
        print(f"  YAML files: {n_files} in {seconds:.1f} s = {rate:,.0f} forms/s "
              f"{'✓' if rate >= 5000 else '✗ (target ≥ 5,000 forms/s)'}")
        print(f"    CPU {cpu / n_files * 1e6:,.0f} µs per form (all processes, start-up included): "
              f"{jobs} idle cores would score {jobs * n_files / cpu:,.0f} forms/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cli-forms", type=int, default=20_000)
    ap.add_argument("--yaml-files", type=int, default=2_000)
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--cli-only", action="store_true", help="only the CLI figures")
    args = ap.parse_args()
    if not args.cli_only:
        bench_loads(args.rounds)
        bench_rows(args.rounds)
    if not args.skip_cli:
        bench_cli(args.cli_forms, args.yaml_files, args.jobs)


if __name__ == "__main__":
    main()
