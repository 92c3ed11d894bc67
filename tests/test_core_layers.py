"""The rebuilt core (issue 9): fast operations, the Runner seam, typed traces and coverage cells."""

from __future__ import annotations

import dataclasses
import decimal
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfrules
from perfrules.compiler import Program
from perfrules.coverage import Cell, Coverage, cells
from perfrules.errors import EngineError
from perfrules.forms import load_documents
from perfrules.interpreter import Interpreter
from perfrules.operations import ARITHMETIC, FUNCTIONS, NON_FINITE, DivisionByZero, NonFiniteValue
from perfrules.scoring import Runner
from perfrules.trace import ItemFormula, RowFormula, Said, TierScore

ROOT = Path(__file__).resolve().parent.parent
HUANGSHI = ROOT / "rulesets" / "hubei" / "huangshi" / "2022"

_FINITE = st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e30"), max_value=Decimal("1e30"),
                      places=4)
_ALL = list(ARITHMETIC.values()) + [o for o in FUNCTIONS.values() if not o.takes_list]


@pytest.mark.parametrize("operation", [o for o in _ALL if o.fast is not None], ids=lambda o: o.name)
@given(st.lists(_FINITE, min_size=3, max_size=3))
def test_fast_operation_is_the_checked_one_on_finite_operands(operation: object, xs: list[Decimal]) -> None:
    from perfrules.operations import Operation

    assert isinstance(operation, Operation) and operation.fast is not None
    args = xs[:operation.min_args]
    try:
        want = operation.apply(*args)
    except DivisionByZero:
        with pytest.raises(DivisionByZero):
            operation.fast(*args)
        return
    got = operation.fast(*args)
    assert got == want and str(got) == str(want)  # same value, same digits


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_fast_operation_traps_what_the_checked_one_refuses(op: str) -> None:
    big = Decimal("9e999999")
    a, b = (big, big) if op != "/" else (big, Decimal("1e-999998"))
    if op == "-":
        a, b = big, -big
    with pytest.raises(NonFiniteValue):
        ARITHMETIC[op].apply(a, b)
    with pytest.raises(NON_FINITE):
        ARITHMETIC[op].compiled(a, b)
    with pytest.raises(decimal.Overflow):  # the trap itself, turned into the engine error by scoring
        ARITHMETIC[op].compiled(a, b)


def test_overflow_in_the_compiled_path_is_the_located_engine_error() -> None:
    """No form reaches Overflow (numbers.py bounds them); a Form built in Python past the reader can."""
    text = ('''ruleset "test/overflow"\njurisdiction "湖北省/黄石市"\nyears 2022\nkind project\nfull 100\n'''
            "fact x number\nrounding half_up 2\nitem a weight 100 { score x * x * x }")
    rs = perfrules.ruleset_from_text(text, "o.rules", prove=False)
    form = perfrules.read_form({"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
                                "budget": {"adjusted": 100, "executed": 90}, "facts": {"x": 2}})
    huge = dataclasses.replace(form, facts={"x": Decimal("9e400000")})  # x³ beyond the exponent range
    for run in (rs.evaluate, rs.interpret):
        with pytest.raises(EngineError) as exc:
            run(huge)
        (d,) = exc.value.diagnostics
        assert (d.code, d.file, d.line) == ("non-finite", "o.rules", 8)
        assert "精度" in d.message


def test_both_runners_implement_the_one_protocol() -> None:
    rs = perfrules.load_ruleset(str(HUANGSHI / "project.rules"))
    runners: list[Runner] = [Program(rs.model), Interpreter(rs.model)]
    form = _huangshi_form()
    a, b = (r.run(form) for r in runners)
    assert a.to_dict() == b.to_dict()


def _huangshi_form() -> perfrules.Form:
    example = min(p for p in (HUANGSHI / "examples").iterdir() if p.suffix == ".yaml")
    return perfrules.read_form(load_documents(example)[0])


def test_traces_are_typed_and_worded_only_when_asked() -> None:
    rs = perfrules.load_ruleset(str(HUANGSHI / "project.rules"))
    result = rs.evaluate(_huangshi_form())
    kinds = {type(it.trace) for it in result.items}
    assert kinds <= {Said, ItemFormula, RowFormula, TierScore} and RowFormula in kinds
    assert all(it.cached_explain is None for it in result.items)  # nothing worded yet
    first = result.items[0].explain
    assert first and result.items[0].cached_explain == first
    assert "{score}" not in "".join(it.explain for it in result.items)


def test_coverage_cells_are_typed_and_recorded_only_when_asked() -> None:
    rs = perfrules.load_ruleset(str(HUANGSHI / "project.rules"))
    form = _huangshi_form()
    assert rs.evaluate(form).reached == frozenset()
    reached = rs.evaluate(form, coverage=True).reached
    assert reached and all(isinstance(c, Cell) for c in reached)
    assert reached <= set(cells(rs.model))
    assert rs.interpret(form, coverage=True).reached == reached
    cov = Coverage(rs.model)
    cov.add(reached)
    assert Cell("item", cells(rs.model)[0].key) in cov.all or cov.all[0].kind == "rows"


def _imports(module: str) -> set[str]:
    """Every perfrules module `module` imports, directly or not (imports inside functions included)."""
    import ast as syntax  # the standard library's: perfrules has no module of that name any more

    def file_of(name: str) -> Path | None:
        base = ROOT / Path(*name.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.exists():
                return candidate
        return None

    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        path = file_of(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in syntax.walk(syntax.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, syntax.ImportFrom) and node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
                subs = [f"{base}.{a.name}" for a in node.names if file_of(f"{base}.{a.name}")]
                todo.extend(subs or [base])
            elif isinstance(node, syntax.Import):
                todo.extend(a.name for a in node.names)
            elif isinstance(node, syntax.ImportFrom) and node.module:
                todo.append(node.module)
    return seen - {module}


@pytest.mark.parametrize("module", ["perfrules.check.checker", "perfrules.result", "perfrules.evaluate",
                                    "perfrules.explain", "perfrules.trace"])
def test_lower_layers_import_no_runtime(module: str) -> None:
    runtime = {"perfrules.scoring", "perfrules.compiler", "perfrules.interpreter", "perfrules.checks",
               "perfrules.api", "perfrules"}
    if module != "perfrules.result":  # a Result may show itself (explain) and names its rows (forms)
        runtime |= {"perfrules.explain", "perfrules.forms", "yaml"}
    assert not (_imports(module) & runtime), sorted(_imports(module) & runtime)


def test_no_module_named_ast_in_the_package() -> None:
    assert not (ROOT / "perfrules" / "ast.py").exists()
    from perfrules import nodes

    assert hasattr(nodes, "free_names") and hasattr(nodes, "Expr")
