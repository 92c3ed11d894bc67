"""Load test of ``perfrules serve``: N requests over loopback against the real server and its workers.

    python benchmarks/bench_serve.py [--requests 1000] [--concurrency 32] [--workers CPUs] [--body yaml|json]
                                     [--batch 0]

Starts ``perfrules serve --port <free> --workers W`` on 127.0.0.1 (under ``timeout``, so it stops by
itself), waits for /healthz, warms every worker, then sends the requests from a thread pool of
`concurrency` keep-alive clients: each is ``POST /score`` of the bundled 黄石 example (table 2 of
seed 003), sent as YAML or as JSON; every answer is checked to total 91.64.  The client runs on the
same machine and takes CPU from the server: the numbers are a floor.  Prints requests per second and the latency
percentiles (p50, p90, p99, max), and stops the server.  ``--batch K`` also times one
``POST /score/batch`` of K forms.  Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perfrules.serve import local

EXAMPLE = ROOT / "rulesets/hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml"


def percentile(sorted_values: list[float], p: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--body", choices=("yaml", "json"), default="yaml")
    ap.add_argument("--batch", type=int, default=0, help="also time one /score/batch of this many forms")
    args = ap.parse_args()
    import yaml

    as_json = json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False)
    body = EXAMPLE.read_bytes() if args.body == "yaml" else as_json.encode("utf-8")
    headers = {"Content-Type": "application/yaml" if args.body == "yaml" else "application/json"}
    server = local.start("--workers", str(args.workers), "--log-level", "warning")
    base = server.base
    per_thread = threading.local()

    def one(_: int) -> float:
        client = getattr(per_thread, "client", None)
        if client is None:
            client = per_thread.client = httpx.Client(base_url=base, timeout=30)
        started = time.perf_counter()
        response = client.post("/score", content=body, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or response.json()["total"] != "91.64":
            raise SystemExit(f"unexpected answer {response.status_code}: {response.text[:200]}")
        return elapsed

    try:
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, range(args.concurrency * 4)))  # warm: every worker loads the ruleset
            started = time.perf_counter()
            latencies = sorted(pool.map(one, range(args.requests)))
            wall = time.perf_counter() - started
        print(f"perfrules serve --workers {args.workers}: {args.requests} × POST /score (黄石 example, {args.body}), "
              f"{args.concurrency} concurrent keep-alive clients, {os.cpu_count()} CPUs")
        print(f"  {args.requests / wall:,.0f} requests/s   wall {wall:.2f} s")
        print("  latency ms: " + "  ".join(f"p{p} {percentile(latencies, p) * 1000:.1f}" for p in (50, 90, 99))
              + f"  max {latencies[-1] * 1000:.1f}  mean {statistics.fmean(latencies) * 1000:.1f}")
        if args.batch:
            lines = "\n".join([as_json] * args.batch).encode()
            started = time.perf_counter()
            answer = httpx.post(base + "/score/batch", content=lines, headers={"Content-Type": "application/jsonl"},
                                timeout=120)
            wall = time.perf_counter() - started
            n = len(answer.text.splitlines())
            print(f"  POST /score/batch of {args.batch} forms: {n} lines back in {wall:.2f} s "
                  f"({args.batch / wall:,.0f} forms/s)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
