"""Prototype, not a feature: what the summary path's rows loop would cost compiled by mypyc.

    .venv/bin/python benchmarks/proto_native_loop.py [--rounds 15] [--rows-per-round 10000] [--forms 1000]

A data point for issue 9's per-row target.  Nothing under ``perfrules/`` changes: this script
writes, into a temporary folder, Python modules holding the rows loop that
``perfrules.codegen.rows_scorer`` generates (``codegen._ROWS``), compiles them with mypyc (it ships
with mypy; a C compiler and the Python headers are needed), imports the built extensions and
races them against the loop perfrules runs today:

- **generic**: one loop for every ruleset (class ``Loop``): sections, weights, relations, the
  unsigned-direction table, rounding, tolerance and the audits' callbacks are values handed to
  it, each direction's formula a callable — the runner's own scorer (``Direction.scorer``, the
  closures of ``summary._closure_scorer``) or the function ``codegen.row_scorer`` generates;
- **inline**: the loop a per-ruleset module compiled ahead of time would hold — the peer
  rubric's one section unrolled and its two formulas written inline (the script checks that they
  are the very expressions ``codegen.rows_source`` generates for it, constants still passed in);
- **tuples**: the inline loop reading each row as a flat tuple prepared beforehand instead of the
  ``Row``/``Quantity`` objects, whose attributes a compiled module can only read by the generic
  ``getattr`` path; ``prepare`` is timed on its own, compiled and not (CPython's specialised
  attribute reads are the faster: the uncompiled one prepares the rows where the loop is timed
  "prepared inside");
- as controls, the inline and the tuples modules' sources imported uncompiled (the same code, CPython);
- two floors, compiled, over the same tuples: only the formula, its rounding and the sum (the
  Decimal work the hand-written scorer does), and that plus the loop's own Decimal tests (signs,
  the weight already found good, the range of the score, the weights' sum) — what any compiled
  loop over ``Decimal`` objects still pays.

Every variant is first checked to return exactly what the generated loop returns (the same
scores, the same None, the same pending findings, compared by ``==`` and by ``repr``; the same
exception where one is raised) on the peer forms (``bench_peer.py``), on edge forms made from them
(unclaimed, inapplicable, misread-looking, mismatching and out-of-band rows) and on forms of
10, 100 and 1,000 quantitative rows (``bench_core.rows_form``; a form holds at most 500 rows, so
the 1,000-row form is two read halves joined).  Then, in interleaved rounds (best round, and the
median beside it), it prints µs per row of each loop against ``bench_core.hand_rows`` (the
hand-written Decimal scorer of the same rows, same rounding), and µs per form of
``Ruleset.evaluate(Form)`` (the summary path, ``Summary.score``) with each loop swapped in (on a loaded
ruleset, in this process only) against
the hand-written scorers of the whole forms.  Skips with a message where mypyc, setuptools, a C
compiler or the Python headers are missing.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.machinery
import importlib.util
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal, localcontext
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_core  # noqa: E402
import bench_peer  # noqa: E402

import perfrules  # noqa: E402
import perfrules.summary  # noqa: E402
from perfrules import codegen  # noqa: E402
from perfrules.operations import STRICT  # noqa: E402
from perfrules.scoring import Collector, build_env  # noqa: E402

# ---------------------------------------------------------------- the modules mypyc compiles
# Each loop is codegen._ROWS, written out; what every variant shares is written once below (the
# fragments are indented for their place in ``rows``), what differs is in the variant.
_IMPORTS = '''\
from dataclasses import dataclass
from typing import Any, Callable, Optional
'''

_FIELDS = '''\
    sections: dict[Any, int]
    field: str
    relations: dict[Any, Any]
    unsigned_field: Optional[str]
    unsigned_cases: dict[Any, Any]
    unsigned_default: Any
    step: Any
    rounding: Any
    tolerance: Any
    good: set[Any]
    weight_problem: Callable[[Any], Any]
    suspect: Callable[[Any], Any]
    tier: Callable[[Any, Any], Any]
    band: Any
    mismatch: Any
    zero: Any
    one: Any
'''

_LOCALS = '''\
        sections = self.sections
        field = self.field
        REL = self.relations
        UF = self.unsigned_field
        UC = self.unsigned_cases
        UD = self.unsigned_default
        Q = self.step
        RM = self.rounding
        TOL = self.tolerance
        GOOD = self.good
        WP = self.weight_problem
        SUSPECT = self.suspect
        TIER = self.tier
        ZERO = self.zero
        ONE = self.one
        P: Optional[list[Any]] = None
'''

# A row read from the Row and Quantity objects, up to its direction `d` (generic and inline).
_ROW_OBJECT = '''\
        for row in rows:
            i = sections.get(getattr(row, field))
            if i is None:
                return None
            w = row.weight
            if not row.applicable or (w not in GOOD and WP(row)):
                return None
            tq = row.target
            aq = row.actual
            v: Any = None
            s: Any = None
            if (tq is not None and aq is not None and not tq.is_date and not aq.is_date and tq.unit == aq.unit
                    and tq.value > ZERO and aq.value >= ZERO):
                relation = tq.relation
                d = REL.get(relation)
                if d is None:
                    d = UC.get(getattr(row, UF) or "", UD) if UF is not None else UD
                a = aq.value
                t = tq.value
'''

# After the formula: the misread test, the tier rows, the range and the declared score.
_ROW_AUDITS = '''\
                if (not ((relation or not {target_text}.lstrip().startswith("2"))
                         and not (a > ONE and {a_unit} == "%")) and SUSPECT(row)):
                    return None
            else:
                r = TIER(row, w)
                if r is None:
                    return None
                s, v = r
                if v is not None:
                    if P is None:
                        P = []
                    P.append((i, self.band, v))
            if not ZERO <= s <= w:
                return None
            dcl = {declared}
            if dcl is not None and v is None and abs(dcl - s) > TOL:
                if P is None:
                    P = []
                P.append((i, self.mismatch, (row, dcl, s)))
'''
_OBJECT_AUDITS = _ROW_AUDITS.format(target_text="row.target_text", a_unit="aq.unit", declared="row.declared")

GENERIC = '''\
"""codegen._ROWS for any ruleset: sections in lists, formulas as callables, the rest as values."""
''' + _IMPORTS + '''
Scorer = Callable[[Any, Any, Any, Any], Any]


@dataclass
class Loop:
''' + _FIELDS + '''\
    weights: tuple[Any, ...]
    names: tuple[Any, ...]
    scorers: tuple[Scorer, ...]

    def rows(self, rows: Any, E: Any) -> Any:
''' + _LOCALS + '''\
        NW = self.weights
        names = self.names
        scorers = self.scorers
        n = len(NW)
        nd = len(names)
        W: list[Any] = [ZERO] * n
        S: list[Any] = [ZERO] * n
        N: list[int] = [0] * n
''' + _ROW_OBJECT + '''\
                k = 0
                while k < nd:
                    if d == names[k]:
                        break
                    k += 1
                if k == nd:
                    return None
                s = scorers[k](a, t, w, E)
''' + _OBJECT_AUDITS + '''\
            W[i] += w
            S[i] += s
            N[i] += 1
        k = 0
        while k < n:
            if N[k] == 0 or W[k] != NW[k] or S[k] > NW[k]:
                return None
            k += 1
        return tuple(S), P
'''

# The peer rubric's loop as a per-ruleset module would hold it: one section, two directions inline.
_PEER_CLASS = '''\
@dataclass
class PeerLoop:
''' + _FIELDS + '''\
    weight: Any
    names: tuple[Any, Any]
    constants: tuple[Any, Any, Any, Any, Any, Any]

    def rows(self, rows: {rows}, E: Any) -> Any:
''' + _LOCALS + '''\
        NW0 = self.weight
        D0, D1 = self.names
        K0, K1, K2, K3, K4, K5 = self.constants
        W0: Any = ZERO
        S0: Any = ZERO
        N0 = 0
'''

# What codegen.rows_source generates for the peer rubric's two directions (checked before use) ...
PEER_FORMULAS = ("s = (w * (F[0]((a / t), K[1]) if (t > K[0]) else K[2])).quantize(Q, RM)",
                 "s = (w * (F[1]((t / a), K[4]) if (a > K[3]) else K[5])).quantize(Q, RM)")
# ... and the same written inline (F[0], F[1]: min; K[i]: Ki).
_PEER_DISPATCH = '''\
                if d == D0:
                    s = (w * (min((a / t), K1) if (t > K0) else K2)).quantize(Q, RM)
                elif d == D1:
                    s = (w * (min((t / a), K4) if (a > K3) else K5)).quantize(Q, RM)
                else:
                    return None
'''

_PEER_END = '''\
            W0 += w
            S0 += s
            N0 += 1
        if N0 == 0 or W0 != NW0 or S0 > NW0:
            return None
        return (S0,), P
'''

INLINE = _IMPORTS + "\n\n" + _PEER_CLASS.replace("{rows}", "Any") + _ROW_OBJECT + _PEER_DISPATCH + _OBJECT_AUDITS \
    + _PEER_END

TUPLES = _IMPORTS + '''
# (row, section key, weight, applicable, two numbers in one unit, target value, actual value,
#  target relation, actual unit, target text, declared score, unsigned-direction key)
Prepared = tuple[Any, Any, Any, bool, bool, Any, Any, str, str, str, Any, Any]


def prepare(rows: Any, field: str, unsigned_field: Optional[str]) -> list[Prepared]:
    out: list[Prepared] = []
    for row in rows:
        tq = row.target
        aq = row.actual
        ukey = getattr(row, unsigned_field) if unsigned_field is not None else None
        if tq is not None and aq is not None and not tq.is_date and not aq.is_date and tq.unit == aq.unit:
            out.append((row, getattr(row, field), row.weight, bool(row.applicable), True, tq.value, aq.value,
                        tq.relation, aq.unit, row.target_text, row.declared, ukey))
        else:
            out.append((row, getattr(row, field), row.weight, bool(row.applicable), False, None, None,
                        "", "", row.target_text, row.declared, ukey))
    return out


''' + _PEER_CLASS.replace("{rows}", "list[Prepared]") + '''\
        for p in rows:
            row, key, w, applicable, quant, t, a, relation, a_unit, target_text, declared, ukey = p
            i = sections.get(key)
            if i is None:
                return None
            if not applicable or (w not in GOOD and WP(row)):
                return None
            v: Any = None
            s: Any = None
            if quant and t > ZERO and a >= ZERO:
                d = REL.get(relation)
                if d is None:
                    d = UC.get(ukey or "", UD) if UF is not None else UD
''' + _PEER_DISPATCH + _ROW_AUDITS.format(target_text="target_text", a_unit="a_unit", declared="declared") \
    + _PEER_END + '''

def floors(rows: list[Prepared], audits: bool, reverse: str, zero: Any, one: Any, q: Any, rm: Any,
           good: set[Any]) -> Any:
    # Only Decimal work, compiled: the formula, its rounding and the sum (what the hand scorer does),
    # and with `audits` the loop's own Decimal tests beside it; no look-up, no call, no finding.
    S0: Any = zero
    W0: Any = zero
    for p in rows:
        row, key, w, applicable, quant, t, a, relation, a_unit, target_text, dcl, ukey = p
        if audits:
            if not (t > zero and a >= zero) or (w not in good and w is None):
                return None
            s = (w * (min(t / a, one) if a > zero else one) if ukey == reverse else
                 w * (min(a / t, one) if t > zero else one)).quantize(q, rm)
            if a > one and a_unit == "%" or not zero <= s <= w:
                return None
            W0 += w
        else:
            s = (w * (min(t / a, one) if ukey == reverse else min(a / t, one))).quantize(q, rm)
        S0 += s
    return S0, W0
'''

MODULES = {"proto_generic": GENERIC, "proto_inline": INLINE, "proto_tuples": TUPLES}


# ---------------------------------------------------------------- building with mypyc
def toolchain() -> str | None:
    """Why mypyc cannot build here, or None when it can."""
    if importlib.util.find_spec("mypyc") is None:
        return "mypyc is not installed (it ships with mypy: pip install mypy)"
    if importlib.util.find_spec("setuptools") is None:
        return "setuptools is not installed (mypyc builds through it: pip install setuptools)"
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) is None:
        return f"no C compiler ({cc}) on PATH"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return f"no Python headers (Python.h) in {sysconfig.get_paths()['include']}"
    return None


@dataclasses.dataclass
class Built:
    module: ModuleType
    seconds: float
    size: int


def build(folder: Path, name: str, source: str) -> Built | str:
    """`source` as module `name`, compiled by mypyc in its own folder; or why it failed."""
    where = folder / name
    where.mkdir()
    (where / f"{name}.py").write_text(source, encoding="utf-8")
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "mypyc", f"{name}.py"], cwd=where, capture_output=True,
                         text=True, check=False)
    seconds = time.perf_counter() - start
    built = sorted(where.glob(f"{name}*{importlib.machinery.EXTENSION_SUFFIXES[0]}"))
    if run.returncode != 0 or not built:
        tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
        return f"mypyc failed on {name} (exit {run.returncode}):\n{tail}"
    spec = importlib.util.spec_from_file_location(name, built[0])
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not str(module.__file__).endswith(importlib.machinery.EXTENSION_SUFFIXES[0]):
        return f"{name}: the import did not load the compiled extension"
    return Built(module, seconds, built[0].stat().st_size)


def uncompiled(folder: Path, name: str) -> ModuleType:
    """The module's source imported as plain Python (the control: the same code under CPython)."""
    spec = importlib.util.spec_from_file_location(f"{name}_py", folder / name / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the ruleset and its loop's values
RowsLoop = Callable[[Any, Any], Any]


def load_peer() -> tuple[perfrules.Ruleset, perfrules.summary.Summary, codegen.RowsValues, frozenset[str]]:
    """The peer ruleset, its compiled program's summary path and the values its rows loop was made of."""
    seen: list[tuple[codegen.RowsValues, frozenset[str], bool]] = []
    real = codegen.rows_scorer  # what perfrules.summary imported by name

    def spy(values: codegen.RowsValues, row_names: frozenset[str], generate: bool) -> codegen.RowsScorer:
        seen.append((values, row_names, generate))
        return real(values, row_names, generate)

    setattr(perfrules.summary, "rows_scorer", spy)  # noqa: B010 - the name summary.py calls
    try:
        rs = perfrules.ruleset_from_text(bench_core.ROWS_RULESET, "peer.rules")
    finally:
        setattr(perfrules.summary, "rows_scorer", real)  # noqa: B010
    summary = rs.program._summary
    assert summary is not None, "the peer rubric has no summary path"
    values, row_names, generate = next(s for s in seen if s[2])
    return rs, summary, values, row_names


def common_args(values: codegen.RowsValues) -> dict[str, Any]:
    """What every variant's loop is given besides its formulas: codegen.rows_scorer's values."""
    cases = dict(values.unsigned_cases)
    return {"sections": dict(values.sections), "field": values.field, "relations": dict(values.relations),
            "unsigned_field": values.unsigned_field, "unsigned_cases": cases,
            "unsigned_default": values.unsigned_default if values.unsigned_field
            else cases.get("", values.unsigned_default),
            "step": values.step, "rounding": values.rounding, "tolerance": values.tolerance,
            "good": values.good_weights, "weight_problem": values.weight_problem, "suspect": values.suspect,
            "tier": values.tier, "band": values.band_violation, "mismatch": values.mismatch,
            "zero": Decimal(0), "one": Decimal(1)}


def peer_inline_args(values: codegen.RowsValues, row_names: frozenset[str]) -> dict[str, Any] | str:
    """The per-ruleset loop's arguments, or why its hand-inlined formulas are not the generated ones."""
    source = codegen.rows_source(values, row_names, True)
    lines = [line.strip() for line in source.text.splitlines()]
    if (len(values.weights) != 1 or not values.unsigned_field or not all(f in lines for f in PEER_FORMULAS)
            or source.functions != [min, min] or len(source.constants) != 6 or len(values.directions) != 2):
        return "the generated loop is not the peer rubric's (one section, the two formulas inlined here)"
    return {**common_args(values), "weight": values.weights[0], "names": tuple(d.name for d in values.directions),
            "constants": tuple(source.constants)}


# ---------------------------------------------------------------- forms
@dataclasses.dataclass
class Case:
    """A form, its values as the summary path builds them, and (for rows forms) the hand scorer's rows."""

    form: perfrules.Form
    env: dict[str, Any]
    plain: list[tuple[Decimal, Decimal, Decimal, bool]] | None = None
    flat: dict[str, Any] | None = None


def case(summary: perfrules.summary.Summary, form: perfrules.Form, **extra: Any) -> Case:
    env = build_env(summary.model, form, Collector(form), summary._evaluator)
    return Case(form, env, **extra)


def rows_cases(summary: perfrules.summary.Summary, n: int, count: int) -> list[Case]:
    """`count` forms of `n` quantitative rows (bench_core's); past 500 rows, read halves joined."""
    out = []
    for seed in range(count):
        doc, plain = bench_core.rows_form(n, seed)
        rows = doc["indicators"]
        forms = [perfrules.read_form({**doc, "indicators": rows[k:k + 500]}) for k in range(0, n, 500)]
        form = dataclasses.replace(forms[0], rows=tuple(r for f in forms for r in f.rows))
        out.append(case(summary, form, plain=plain))
    return out


def edge_docs() -> list[dict[str, Any]]:
    """Peer forms bent to reach the loop's other exits: None, pending findings, the slow tests."""
    base = bench_peer.to_form_dict(bench_peer.generate(1, 3)[0])
    edits: list[Callable[[list[dict[str, Any]]], None]] = [
        lambda rows: rows[0].update(declared_score="12"),  # a declared score off: MISMATCH pending
        lambda rows: rows[6].update(tier="failed", declared_score="9"),  # out of its band: BAND pending
        lambda rows: rows[6].update(tier="achieved", declared_score="9"),  # inside its band
        lambda rows: rows[2].update(goal=2),  # an unclaimed row: None
        lambda rows: rows[3].update(applicable=False),  # not applicable: None
        lambda rows: rows[1].update(weight="10.0000001"),  # a weight beyond 6 places: None
        lambda rows: rows[2].update(target="≤120", actual="100"),  # a relation: its direction
        lambda rows: rows[3].update(target="≥90", actual="95"),
        lambda rows: rows[4].update(target="205", actual="200"),  # starts with 2, no relation: SUSPECT asked
        lambda rows: rows[5].update(target="95%", actual="120%"),  # a rate over 100%: SUSPECT asked
        lambda rows: rows[5].update(target="0", actual="10"),  # target 0: the tier path
        lambda rows: rows[1].update(actual="0"),  # reverse with actual 0: the formula's guard
        lambda rows: rows[0].update(target="2024-06-30", actual="2024-07-01"),  # dates
        lambda rows: rows[0].update(target="100万元", actual="90人"),  # units disagree
        lambda rows: rows[4].update(target="达成", actual="达成", tier="partial"),  # a text row with a tier
    ]
    docs = []
    for edit in edits:
        doc = {**base, "indicators": [dict(r) for r in base["indicators"]]}
        edit(doc["indicators"])
        docs.append(doc)
    return docs


# ---------------------------------------------------------------- agreement, then timing
def outcome(loop: RowsLoop, rows: Any, env: Any) -> tuple[str, Any]:
    with localcontext(STRICT):
        try:
            return "returned", loop(rows, env)
        except Exception as err:  # noqa: BLE001 - the same exception must come out of every variant
            return "raised", (type(err), str(err))


def agree(label: str, loop: RowsLoop, reference: RowsLoop, cases: list[Case],
          rows_of: Callable[[Case], Any] = lambda c: c.form.rows) -> dict[str, int]:
    """Stops the script where `loop` differs from the generated `reference` loop; counts the exits."""
    exits = {"scored": 0, "pending": 0, "None": 0, "raised": 0}
    for c in cases:
        want = outcome(reference, c.form.rows, c.env)
        got = outcome(loop, rows_of(c), c.env)
        if got != want or repr(got) != repr(want):
            sys.exit(f"{label} differs from the generated loop on {c.form.source}:\n  {got}\n  != {want}")
        kind, value = want
        key = "raised" if kind == "raised" else "None" if value is None else "pending" if value[1] else "scored"
        exits[key] += 1
    return exits


@dataclasses.dataclass
class Path_:
    label: str
    fn: Callable[[Any], Any]
    items: list[Any]
    per: int = 1  # rows per item (µs per row) or 1 (µs per form)
    setup: Callable[[], None] | None = None


def race(paths: list[Path_], rounds: int) -> list[list[float]]:
    """µs per row (or form) of each path, round by round, every path interleaved with every other (of
    all tables, so that a busy spell of the machine falls on them all); round 0 warms up."""
    times: list[list[float]] = [[] for _ in paths]
    for r in range(rounds + 1):
        for p, ts in zip(paths, times):
            if p.setup is not None:
                p.setup()
            fn, items = p.fn, p.items
            start = time.perf_counter()
            for x in items:
                fn(x)
            if r:
                ts.append((time.perf_counter() - start) / (len(items) * p.per) * 1e6)
    return times


def table(title: str, unit: str, paths: list[Path_], times: list[list[float]]) -> None:
    """The paths' best rounds and median rounds, each against the first path's (the hand-written one)."""
    best = [min(ts) for ts in times]
    median = [statistics.median(ts) for ts in times]
    print(f"\n{title}")
    print(f"  {'path':62} {unit:>9} {'× hand':>8}   (median round)")
    for p, b, m in zip(paths, best, median):
        print(f"  {p.label:62} {b:9.3f} {b / best[0]:7.2f}×   ({m:8.3f} {m / median[0]:5.2f}×)")


def strict(loop: RowsLoop) -> Callable[[tuple[Any, Any]], Any]:
    """A loop called as Summary.score calls it: in the STRICT context, on (rows, values)."""

    def call(x: tuple[Any, Any]) -> Any:
        with localcontext(STRICT):
            return loop(x[0], x[1])

    return call


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--rows-per-round", type=int, default=10_000, help="rows each loop scores per round and size")
    ap.add_argument("--forms", type=int, default=1000, help="peer forms per round")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (the C sources, the .so files)")
    args = ap.parse_args()

    why = toolchain()
    if why is not None:
        print(f"skipped: {why}")
        return
    import mypy.version

    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    print(f"mypyc {mypy.version.__version__}, Python {sys.version.split()[0]}, compiler {shutil.which(cc)}")
    rs, summary, values, row_names = load_peer()
    inline_args = peer_inline_args(values, row_names)
    if isinstance(inline_args, str):
        sys.exit(inline_args)
    folder = Path(tempfile.mkdtemp(prefix="perfrules-native-"))
    try:
        built: dict[str, Built] = {}
        for name, source in MODULES.items():
            result = build(folder, name, source)
            if isinstance(result, str):
                print(result)
                print("skipped: mypyc could not build the prototype")
                return
            built[name] = result
            print(f"built {name}: {result.seconds:5.1f} s, {result.size / 1024:6.0f} KiB "
                  f"({source.count(chr(10))} lines of Python)")
        run(args, rs, summary, values, row_names, inline_args, built,
            {name: uncompiled(folder, name) for name in ("proto_inline", "proto_tuples")})
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, rs: perfrules.Ruleset, summary: perfrules.summary.Summary,
        values: codegen.RowsValues, row_names: frozenset[str], inline_args: dict[str, Any],
        built: dict[str, Built], plain: dict[str, ModuleType]) -> None:
    common = common_args(values)
    names = tuple(d.name for d in values.directions)
    generated_scorers = tuple(codegen.row_scorer(d.formula, row_names, values.step, values.rounding) or d.scorer
                              for d in values.directions)
    current: RowsLoop = summary._rows_scorer
    generic = built["proto_generic"].module.Loop
    tuples = built["proto_tuples"].module
    field, unsigned = values.field, values.unsigned_field

    def prepare(rows: Any) -> Any:
        return tuples.prepare(rows, field, unsigned)

    def prepare_py(rows: Any) -> Any:  # the same source uncompiled: CPython reads attributes faster
        return plain["proto_tuples"].prepare(rows, field, unsigned)

    tuples_loop = tuples.PeerLoop(**inline_args).rows
    tuples_py_loop = plain["proto_tuples"].PeerLoop(**inline_args).rows
    reverse = next(k for k, d in values.unsigned_cases.items() if d == "reverse")

    def floor(audits: bool) -> Callable[[tuple[Any, Any]], Any]:
        def call(x: tuple[Any, Any]) -> Any:
            with localcontext(STRICT):
                return tuples.floors(x[0], audits, reverse, Decimal(0), Decimal(1), values.step, values.rounding,
                                     values.good_weights)
        return call

    def tuples_prepared_inside(rows: Any, env: Any) -> Any:
        return tuples_loop(prepare_py(rows), env)

    loops: dict[str, RowsLoop] = {
        "generated loop, CPython (today)": current,
        "mypyc generic, formulas = runner's closures (Direction.scorer)":
            generic(**common, weights=values.weights, names=names,
                    scorers=tuple(d.scorer for d in values.directions)).rows,
        "mypyc generic, formulas = codegen.row_scorer functions":
            generic(**common, weights=values.weights, names=names, scorers=generated_scorers).rows,
        "mypyc inline (per-ruleset module)": built["proto_inline"].module.PeerLoop(**inline_args).rows,
        "inline source uncompiled, CPython (control)": plain["proto_inline"].PeerLoop(**inline_args).rows,
    }

    # -- agreement before timing
    flat = bench_peer.generate(args.forms, 20240601)
    peer = [case(summary, perfrules.read_form(bench_peer.to_form_dict(f)), flat=f) for f in flat]
    edges = [case(summary, perfrules.read_form(d)) for d in edge_docs()]
    sizes = {n: rows_cases(summary, n, max(3, args.rows_per_round // n)) for n in (10, 100, 1000)}
    every = peer + edges + [c for cs in sizes.values() for c in cs]
    print(f"\nagreement with the generated loop on {len(peer)} peer forms, {len(edges)} edge forms and "
          f"{sum(len(cs) for cs in sizes.values())} rows forms (10, 100, 1,000 rows):")
    for label, loop in loops.items():
        if loop is not current:
            agree(label, loop, current, every)
    exits = agree("mypyc inline over prepared tuples", tuples_loop, current, every, lambda c: prepare(c.form.rows))
    agree("tuples source uncompiled", tuples_py_loop, current, every, lambda c: prepare(c.form.rows))
    agree("mypyc inline over tuples, prepared inside (uncompiled prepare)", tuples_prepared_inside, current, every)
    print(f"  every variant returns the same (loop exits: {exits}; on the edge forms: "
          f"{agree('edge forms', current, current, edges)})")
    for c in every:  # and so does Summary.score with each loop swapped in
        want = summary.score(c.form)
        for loop in (*loops.values(), tuples_prepared_inside):
            summary._rows_scorer = loop
            got = summary.score(c.form)
            summary._rows_scorer = current
            if repr(None if got is None else (got.total, got.grade, got.findings)) != repr(
                    None if want is None else (want.total, want.grade, want.findings)):
                sys.exit(f"Summary.score differs with a swapped loop on {c.form.source}")
    for n, cs in sizes.items():
        for c in cs:
            got = summary.score(c.form)
            if got is None or c.plain is None or got.total != bench_core.hand_rows(c.plain):
                sys.exit(f"the hand-written scorer disagrees on a {n}-row form")

    # -- per row: the loop alone
    tables: list[tuple[str, str, list[Path_]]] = []
    for n, cs in sizes.items():
        pairs = [(c.form.rows, c.env) for c in cs]
        prepared = [(prepare(rows), env) for rows, env in pairs]
        paths = [Path_("hand-written Decimal (bench_core.hand_rows, budget item included)", bench_core.hand_rows,
                       [c.plain for c in cs], n)]
        paths += [Path_(label, strict(loop), pairs, n) for label, loop in loops.items()]
        paths += [Path_("mypyc inline over tuples prepared beforehand", strict(tuples_loop), prepared, n),
                  Path_("  floor: the formula, rounding and sum only (compiled)", floor(False), prepared, n),
                  Path_("  floor: the same + the loop's Decimal tests (compiled)", floor(True), prepared, n),
                  Path_("  preparing the tuples alone (compiled prepare)", lambda x: prepare(x[0]), pairs, n),
                  Path_("tuples source uncompiled, CPython, prepared beforehand (control)", strict(tuples_py_loop),
                        prepared, n),
                  Path_("  preparing the tuples alone, uncompiled (control)", lambda x: prepare_py(x[0]), pairs, n),
                  Path_("mypyc inline over tuples, prepared inside (uncompiled prepare)", strict(tuples_prepared_inside),
                        pairs, n)]
        tables.append((f"{n:,} rows, the rows loop alone, {len(cs)} forms", "µs/row", paths))

    # -- per form: Ruleset.evaluate (the summary path) with each loop swapped in
    def swap(loop: RowsLoop) -> Callable[[], None]:
        def setup() -> None:
            summary._rows_scorer = loop
        return setup

    calls: list[int] = []

    def counted(rows: Any, env: Any) -> Any:
        calls.append(1)
        return current(rows, env)

    swap(counted)()
    rs.evaluate(peer[0].form)
    summary._rows_scorer = current
    if calls != [1]:
        sys.exit("Ruleset.evaluate did not call the swapped loop: the whole-form figures would not measure it")
    whole: list[tuple[str, list[Case], Callable[[Any], Any], list[Any]]] = [
        ("peer forms (6 quantitative rows + 1 tier row)", peer, bench_peer.hand_score, [c.flat for c in peer]),
        *((f"{n:,} rows", cs, bench_core.hand_rows, [c.plain for c in cs]) for n, cs in sizes.items())]
    for title, cs, hand, hand_items in whole:
        forms = [c.form for c in cs]
        paths = [Path_("hand-written Decimal scorer of the whole form", hand, hand_items)]
        paths += [Path_(f"evaluate: {label}", rs.evaluate, forms, setup=swap(loop))
                  for label, loop in loops.items()]
        paths.append(Path_("evaluate: mypyc inline over tuples (uncompiled prepare inside)", rs.evaluate, forms,
                           setup=swap(tuples_prepared_inside)))
        tables.append((f"whole form, Ruleset.evaluate(Form) with each loop swapped in: {title}, {len(cs)} forms",
                       "µs/form", paths))

    gc.collect()
    gc.freeze()
    every_path = [p for _, _, paths in tables for p in paths]
    times = race(every_path, args.rounds)
    print(f"\nbest of {args.rounds} rounds, every path of every table interleaved in each round")
    at = 0
    for title, unit, paths in tables:
        table(title, unit, paths, times[at:at + len(paths)])
        at += len(paths)
    summary._rows_scorer = current


if __name__ == "__main__":
    main()
