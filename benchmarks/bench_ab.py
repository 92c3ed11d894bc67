"""Benchmark: this tree against an earlier revision, in one process, rounds interleaved.

    python benchmarks/bench_ab.py --base REV [--forms 2000] [--rounds 9]

On a machine that other work is loading, two runs of a benchmark minutes apart can differ by 2×;
the same code raced against itself in one process, round after round, cannot.  This script
exports revision REV's package and data (``git archive``) into a temporary folder as the package
``perfrules_base``, imports it beside this tree's ``perfrules``, and times both on the same forms
in interleaved rounds, keeping each path's best round (the least disturbed one):

- the peer rubric (``bench_peer.py``): compiled, compiled with every item built (``detail``), the
  interpreter, from a dict, and ``read_form`` alone, each against the hand-written scorer;
- 100 indicator rows (``bench_core.py``'s per-row forms), compiled, per row;
- 黄石 (``bench_huangshi.py``), compiled, on read forms.

It prints each figure for REV and for this tree, with the ratio to the hand-written baseline and
how much faster this tree is.
"""

from __future__ import annotations

import argparse
import gc
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_core  # noqa: E402
import bench_huangshi  # noqa: E402
import bench_peer  # noqa: E402

import perfrules  # noqa: E402


def export(rev: str, into: Path) -> None:
    """REV's ``perfrules/`` as ``perfrules_base/``, and its data folders beside it."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "perfrules", "grammar", "schemas", "rulesets"],
                             capture_output=True, check=False)
    if archive.returncode != 0:
        sys.exit(f"git archive {rev} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    (into / "perfrules").rename(into / "perfrules_base")


def race(paths: list[tuple[str, Callable[[Any], Any], list[Any]]], rounds: int) -> dict[str, float]:
    """Each path's best round, µs per item, the paths interleaved round after round."""
    best: dict[str, float] = {}
    for _ in range(rounds):
        for key, fn, items in paths:
            start = time.perf_counter()
            for x in items:
                fn(x)
            best[key] = min(best.get(key, float("inf")), (time.perf_counter() - start) / len(items) * 1e6)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the revision to race against (a commit, tag or branch)")
    ap.add_argument("--forms", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        export(args.base, Path(tmp))
        sys.path.insert(0, tmp)
        import perfrules_base  # type: ignore[import-not-found]

        trees = {"base": perfrules_base, "this": perfrules}
        peer_rules = str(HERE / "peer" / "peer.rules")
        flat = bench_peer.generate(args.forms, 7)
        docs = [bench_peer.to_form_dict(f) for f in flat]
        peer: list[tuple[str, Callable[[Any], Any], list[Any]]] = [("hand", bench_peer.hand_score, flat)]
        rows_docs = [bench_core.rows_form(100, seed) for seed in range(max(3, args.forms // 100))]
        rows: list[tuple[str, Callable[[Any], Any], list[Any]]] = [
            ("hand", bench_core.hand_rows, [plain for _, plain in rows_docs])]
        huangshi_docs = bench_huangshi.generate(args.forms, 1)
        huangshi: list[tuple[str, Callable[[Any], Any], list[Any]]] = [
            ("hand", bench_huangshi.hand_score, [perfrules.read_form(d) for d in huangshi_docs])]
        for tree, package in trees.items():
            rs = package.load_ruleset(peer_rules)
            forms = [package.read_form(d) for d in docs]
            peer += [(f"compiled {tree}", rs.evaluate, forms),
                     (f"detail {tree}", lambda f, rs=rs: rs.evaluate(f, detail=True), forms),
                     (f"interpreter {tree}", rs.interpret, forms),
                     (f"from a dict {tree}", rs.evaluate, docs),
                     (f"read_form {tree}", package.read_form, docs)]
            rows_rs = package.ruleset_from_text(bench_core.ROWS_RULESET, "peer.rules")
            rows.append((f"compiled {tree}", rows_rs.evaluate, [package.read_form(d) for d, _ in rows_docs]))
            huangshi_rs = package.load_ruleset(str(ROOT / "rulesets/hubei/huangshi/2022/project.rules"))
            huangshi.append((f"compiled {tree}", huangshi_rs.evaluate, [package.read_form(d) for d in huangshi_docs]))
        gc.collect()
        gc.freeze()
        print(f"{args.base} (base) against this tree: best of {args.rounds} interleaved rounds")
        for title, paths, per in (("peer rubric, µs per form", peer, 1), ("100 rows, µs per row", rows, 100),
                                  ("黄石, µs per form", huangshi, 1)):
            best = race(paths, args.rounds)
            hand = best["hand"] / per
            print(f"\n{title}: hand-written {hand:.2f}")
            for name in dict.fromkeys(key.rsplit(" ", 1)[0] for key in best if key != "hand"):
                base, this = best[f"{name} base"] / per, best[f"{name} this"] / per
                print(f"  {name:12} base {base:8.2f} ({base / hand:5.2f}×)   this {this:8.2f} ({this / hand:5.2f}×)"
                      f"   {base / this:4.2f}× faster")


if __name__ == "__main__":
    main()
