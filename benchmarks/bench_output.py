"""Benchmark: where a JSON Lines → JSON Lines batch spends its CPU, per form, in one process.

    python benchmarks/bench_output.py [--forms 2000] [--rounds 7]

The stages a ``perfrules score forms.jsonl --format jsonl --jobs N`` worker runs for each form of
the peer rubric (``bench_peer.generate`` + ``to_form_dict``, as ``bench_core.py --only cli``):

- ``json.loads``: a line → ``RawForm`` (``batch.jsonl_form``);
- ``read+score``: ``RawForm`` → ``Result`` (``batch.score_one``: reading, validation, scoring; with the
  items and their traces for the full output, on the summary path for ``--summary``);
- ``render``: ``Result`` → the UTF-8 line a worker sends back (``batch.render_bytes``: ``to_dict`` or
  ``summary_dict``, explanations worded, the JSON encoded);
- of ``render``, ``to_dict`` alone (explanations worded afresh each round).

Each figure is the least CPU time (``time.process_time``) per form over interleaved rounds: on a
machine loaded by other work the least is the steadiest.  What the processes add (start-up, the
parent's reading and writing, chunks through pipes) is what ``bench_core.py --only cli`` shows beyond
the sum: about 0.6 s of start-up and 10–20 µs a form in the parent.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_peer import generate, to_form_dict  # noqa: E402
from perfrules.batch import jsonl_form, render_bytes, score_one, scorer_and_defaults  # noqa: E402
from perfrules.forms import prepare_reading  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--forms", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    lines = [json.dumps(to_form_dict(f), ensure_ascii=False, default=str).encode("utf-8")
             for f in generate(args.forms, 20240601)]
    scorer, _ = scorer_and_defaults(str(HERE / "peer" / "peer.rules"), [])
    prepare_reading()
    clock = time.process_time
    best: dict[tuple[str, str], float] = {}

    def keep(mode: str, stage: str, seconds: float) -> None:
        best[mode, stage] = min(best.get((mode, stage), float("inf")), seconds / len(lines) * 1e6)

    for _ in range(args.rounds):
        for mode in ("full", "summary"):
            summary = mode == "summary"
            t0 = clock()
            raws = [jsonl_form("forms.jsonl", no, line) for no, line in enumerate(lines, 1)]
            t1 = clock()
            items = [score_one(scorer, source, raw, not summary) for source, raw in raws]
            t2 = clock()
            out = b"".join([render_bytes(item, "jsonl", False, summary) for item in items])
            t3 = clock()
            keep(mode, "json.loads", t1 - t0)
            keep(mode, "read+score", t2 - t1)
            keep(mode, "render", t3 - t2)
            keep(mode, "all", t3 - t0)
            assert out.count(b"\n") == len(lines)
            if not summary:
                for item in items:
                    assert item.result is not None
                    for it in item.result.items:
                        it.cached_explain = None  # worded afresh below
                t = clock()
                for item in items:
                    assert item.result is not None
                    item.result.to_dict()
                keep(mode, "to_dict", clock() - t)
    print(f"JSON Lines → JSON Lines in one process, {len(lines)} peer forms, least CPU µs per form over "
          f"{args.rounds} rounds")
    for mode in ("full", "summary"):
        stages = ["json.loads", "read+score", "render"] + (["to_dict"] if mode == "full" else []) + ["all"]
        print(f"  {mode:8} " + "  ".join(f"{s} {best[mode, s]:6.1f}" for s in stages))


if __name__ == "__main__":
    main()
