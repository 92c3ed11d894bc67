"""Benchmark: the figures of issue 9 that the peer and 黄石 benchmarks do not print.

    python benchmarks/bench_core.py [--rounds 5] [--cli-forms 20000] [--yaml-files 2000] [--jobs N]
                                    [--only load|rows|cli] [--skip-cli] [--cpu]

In one process, each against its target:

- load (parse + check + compile) of every bundled ruleset, warm: target < 20 ms each — by path
  (``load_ruleset``: the file's parse is cached per modification time) and from its text
  (``ruleset_from_text``: parsed every time);
- load of a generated ruleset with 1,000 items: target < 150 ms, with the time of each stage
  (parse, check, compile) beside it; for comparison (no target) 1,000 items of every kind
  (``if`` scores over ``let``s, deductions, judged items, in sections of ten);
- per-row cost at 10, 100 and 500 indicator rows (a form holds at most 500; the peer formulas), compiled
  path on read forms, against a hand-written Decimal scorer of the same rows with the same
  rounding: target ≤ 1.5× at every size;
- the CLI on JSON Lines → JSON Lines (``perfrules score --format jsonl --jobs N``): forms/s,
  the time 1,000,000 forms would take at that rate (target < 60 s) and the peak memory of
  the largest process (target < 300 MB); the same with ``--summary`` (no per-item records);
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


CLOCK = time.perf_counter  # --cpu: time.process_time, this process's CPU time (steadier on a busy machine)


def median_time(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = CLOCK()
        fn()
        times.append(CLOCK() - t)
    return statistics.median(times)


def thousand_items(n: int = 1000) -> str:
    """A generated ruleset of `n` items, each scoring one fact of its own."""
    items = "\n".join(f'item i{k} "项{k}" weight 1 {{ score min(x{k}, weight) }}' for k in range(n))
    facts = "\n".join(f"fact x{k} number" for k in range(n))
    return (f'ruleset "bench/thousand"\njurisdiction "全国"\nyears 2024\nkind project\nfull {n}\n'
            f"{facts}\n{items}\n")


def varied_items(n: int = 1000) -> str:
    """`n` items as rubrics write them: ``if`` over a ``let``, ``deduct``, ``judge``, ten to a section."""
    out = ['ruleset "bench/varied"', 'jurisdiction "全国"', "years 2024", "kind project", f"full {n}",
           'fact 等级 enum ("好", "中", "差")']
    for k in range(n):
        out += [f"fact x{k} number 0 .. 1000", f"let r{k} = if x{k} > 0 then min(x{k} / 100, 1) else 0"]
    for s in range(n // 10):
        out.append(f'section s{s} "部分{s}" weight 10 {{')
        for k in range(s * 10, s * 10 + 10):
            out.append(f"  item i{k} weight 1 {{ " + (
                f"score if r{k} >= 0.5 and x{k} < 900 then weight * r{k} else 0" if k % 3 == 0 else
                f"deduct 0.5 per x{k} limit 1" if k % 3 == 1 else
                'judge 等级 { "好": 100%  "中": 50% .. 80%  "差": 0 }') + " }")
        out.append("}")
    return "\n".join(out) + "\n"


def bench_loads(rounds: int) -> None:
    from perfrules.check import check_chain
    from perfrules.compiler import Program
    from perfrules.parser import parse_text

    print("ruleset load (parse + check + compile), warm, median of", rounds, "(by path | from text)")
    entries = sorted(Registry([]).entries(), key=lambda e: e.path)
    worst = 0.0
    for e in entries:
        perfrules.load_ruleset(e.path)
        t = median_time(lambda path=e.path: perfrules.load_ruleset(path), rounds)
        chain = Registry([]).chain(e.path)
        *parents, own = chain

        def from_text(own: Any = own, parents: list[Any] = parents) -> None:
            perfrules.Ruleset([*parents, parse_text(own.text, own.path)])

        from_text()
        u = median_time(from_text, rounds)
        worst = max(worst, t, u)
        print(f"  {e.id:44} {t * 1000:6.1f} | {u * 1000:6.1f} ms "
              f"{'✓' if max(t, u) < 0.020 else '✗ (target < 20 ms)'}")
    print(f"  slowest {worst * 1000:.1f} ms over {len(entries)} rulesets")
    text = thousand_items()
    perfrules.ruleset_from_text(text, "thousand.rules")
    t = median_time(lambda: perfrules.ruleset_from_text(text, "thousand.rules"), max(3, rounds))
    parsed = parse_text(text, "thousand.rules")
    model, _ = check_chain([parsed])
    assert model is not None
    p = median_time(lambda: parse_text(text, "thousand.rules"), max(3, rounds))
    c = median_time(lambda: check_chain([parsed]), max(3, rounds))
    k = median_time(lambda: Program(model), max(3, rounds))
    print(f"  1,000 items{'':33} {t * 1000:8.1f} ms {'✓' if t < 0.150 else '✗ (target < 150 ms)'}"
          f"  (parse {p * 1000:.1f} + check {c * 1000:.1f} + compile {k * 1000:.1f} ms)")
    varied = varied_items()
    perfrules.ruleset_from_text(varied, "varied.rules")
    t = median_time(lambda: perfrules.ruleset_from_text(varied, "varied.rules"), max(3, rounds))
    print(f"  1,000 items of every kind (no target){'':7} {t * 1000:8.1f} ms")


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
        for label, extra in (("JSON Lines → JSON Lines", []), ("  the same, --summary", ["--summary"])):
            seconds, rss, cpu = _cli(["score", str(jl), "--ruleset", str(rules), "--format", "jsonl", "--jobs",
                                      str(jobs), *extra], folder / "out.jsonl")
            lines = sum(1 for _ in (folder / "out.jsonl").open(encoding="utf-8"))
            assert lines == n_forms, f"{lines} results for {n_forms} forms"
            rate = n_forms / seconds
            print(f"  {label}: {n_forms} forms in {seconds:.1f} s = {rate:,.0f} forms/s; "
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
    ap.add_argument("--only", choices=["load", "rows", "cli"], help="run one section only")
    ap.add_argument("--cpu", action="store_true", help="time the load section in CPU time, not wall time")
    args = ap.parse_args()
    if args.cpu:
        global CLOCK
        CLOCK = time.process_time
    if args.only in (None, "load"):
        bench_loads(args.rounds)
    if args.only in (None, "rows"):
        bench_rows(args.rounds)
    if args.only == "cli" or (args.only is None and not args.skip_cli):
        bench_cli(args.cli_forms, args.yaml_files, args.jobs)


if __name__ == "__main__":
    main()
