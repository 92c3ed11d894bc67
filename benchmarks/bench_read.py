"""Benchmark: reading forms alone (everything before scoring), µs per form.

    python benchmarks/bench_read.py [--forms 5000] [--rounds 5]

In one process, in interleaved rounds over the same generated forms, it times:

- ``read_form(dict)`` on the peer benchmark's form dicts (``bench_peer.generate`` + ``to_form_dict``):
  validation, bounding of numbers, cell reading — what ``Ruleset.evaluate(dict)`` pays before scoring;
- ``read_form(dict)`` on the 黄石 benchmark's form dicts (``bench_huangshi.generate``);
- a JSON Lines line → ``Form`` (``batch.jsonl_form`` + ``read_form``), as ``perfrules score`` reads
  a ``.jsonl`` file;
- a YAML file's text → ``Form`` (``parse_documents`` + ``read_form``).

Times are medians over the rounds (round 0 warms up), in wall time or, with ``--cpu``, in the
process's CPU time (what a machine loaded by other work changes least).  The caches of cell readings are warm after
round 0, as they are in a batch (the texts of a ruleset's targets repeat on every form).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import yaml  # noqa: E402

from benchmarks import bench_huangshi, bench_peer  # noqa: E402
from perfrules.batch import jsonl_form  # noqa: E402
from perfrules.forms import parse_documents, read_form  # noqa: E402

CLOCK = time.perf_counter


def _jsonl(line: bytes) -> Any:
    _, raw = jsonl_form("forms.jsonl", 1, line)
    return read_form(raw)  # type: ignore[arg-type]


def _yaml(text: str) -> Any:
    return [read_form(d) for d in parse_documents(text, "form.yaml")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cpu", action="store_true", help="time in CPU time, not wall time")
    args = ap.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time

    peer = [bench_peer.to_form_dict(f) for f in bench_peer.generate(args.forms, 20240601)]
    huangshi = bench_huangshi.generate(args.forms, 1)
    lines = [json.dumps(d, ensure_ascii=False, default=str).encode() for d in peer]
    texts = [yaml.safe_dump(json.loads(json.dumps(d, default=str)), allow_unicode=True) for d in peer[:1000]]
    paths: list[tuple[str, Callable[[Any], Any], list[Any]]] = [
        ("read_form(dict), peer forms", read_form, peer),
        ("read_form(dict), 黄石 forms", read_form, huangshi),
        ("JSON Lines line → Form, peer forms", _jsonl, lines),
        ("YAML text → Form, peer forms", _yaml, texts),
    ]
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name, _, _ in paths}
    for r in range(args.rounds + 1):
        for name, fn, xs in paths:
            t = CLOCK()
            for x in xs:
                fn(x)
            if r:
                times[name].append((CLOCK() - t) / len(xs) * 1e6)
    print(f"{args.forms} forms, {args.rounds} rounds, median µs per form ({'CPU' if args.cpu else 'wall'} time)")
    for name, ts in times.items():
        print(f"{name:45} {statistics.median(ts):9.2f}")
    print(json.dumps({n: round(statistics.median(t), 3) for n, t in times.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
