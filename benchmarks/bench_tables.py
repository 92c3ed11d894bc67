"""Benchmark: reading self-evaluation workbooks and Word tables, by stage, and scoring them.

    python benchmarks/bench_tables.py [--tables 200]

Builds the eight 黄石 tables of seed 003 (no 分值 column: weights derived) and
the national project table of seed 004 as .xlsx, .xls and .docx files, then
times, per table: opening the file into cell grids (the library's share),
locating and mapping (perfrules' share), and scoring the form read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from perfrules.api import Scorer  # noqa: E402
from perfrules.tables import ReadDefaults, TableForm, read_tables  # noqa: E402
from perfrules.tables.backends import read_grids  # noqa: E402
from perfrules.tables.locate import find_regions  # noqa: E402
from perfrules.tables.mapping import read_region  # noqa: E402
from tests.tables_build import HUANGSHI, example, huangshi_sheet, sheet_to_docx, sheet_to_xls, workbook_bytes  # noqa: E402

AREA = ReadDefaults(jurisdiction="湖北省/黄石市/铁山区")


def files() -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {"xlsx": [], "xls": [], "docx": []}
    for path in HUANGSHI:
        wb = Workbook()
        huangshi_sheet(wb.active, example(path))
        out["xlsx"].append(workbook_bytes(wb))
        out["xls"].append(sheet_to_xls(wb.active))
        out["docx"].append(sheet_to_docx(wb.active))
    return out


def per_table(fn, items: list[bytes], suffix: str, n: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for k in range(n):
        data = items[k % len(items)]
        t0 = time.perf_counter()
        fn(data, f"t.{suffix}")
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=200)
    n = ap.parse_args().tables
    scorer = Scorer()
    built = files()
    print(f"{n} tables per format (the 8 tables of seed 003, round robin); median ms per table")
    print(f"{'format':<6} {'open→grid':>10} {'locate+map':>11} {'read_tables':>12} {'score':>8}")
    for suffix, items in built.items():
        grids = {id(d): read_grids(d, f"t.{suffix}") for d in items}
        open_ms = per_table(read_grids, items, suffix, n)

        def locate_map(data: bytes, _name: str, grids: dict[int, list[Any]] = grids) -> None:
            for g in grids[id(data)]:
                for reg in find_regions(g):
                    read_region(reg, AREA)

        map_ms = per_table(locate_map, items, suffix, n)
        whole_ms = per_table(lambda d, name: read_tables(d, name, defaults=AREA), items, suffix, n)
        forms = [f for d in items for f in read_tables(d, f"t.{suffix}", defaults=AREA) if isinstance(f, TableForm)]
        assert len(forms) == len(items)
        t0 = time.perf_counter()
        for k in range(n):
            scorer.score(forms[k % len(forms)].raw)
        score_ms = (time.perf_counter() - t0) / n * 1000
        print(f"{suffix:<6} {open_ms:>10.2f} {map_ms:>11.3f} {whole_ms:>12.2f} {score_ms:>8.3f}")


if __name__ == "__main__":
    main()
