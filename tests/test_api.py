"""The embedding API: loading, evaluating dicts, threads, pickling, worker processes."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from decimal import Decimal, getcontext, localcontext
from typing import Any

import pytest

import perfrules
from perfrules.forms import load_documents

from .conftest import RULESETS

FORM: dict[str, Any] = load_documents(RULESETS / "hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml")[0].data


def _total(rs: perfrules.Ruleset) -> str:
    return str(rs.evaluate(FORM).total)


def test_load_by_id_and_by_path() -> None:
    a = perfrules.load_ruleset("hubei/huangshi/project-2022")
    b = perfrules.load_ruleset(str(RULESETS / "hubei/huangshi/2022/project.rules"))
    assert a.sha256 == b.sha256 and a.id == b.id


def test_unknown_id_suggests() -> None:
    with pytest.raises(perfrules.LookupFailure) as exc:
        perfrules.load_ruleset("hubei/huangshi/project-2021")
    assert "hubei/huangshi/project-2022" in exc.value.render()


def test_evaluate_a_dict() -> None:
    r = perfrules.load_ruleset("hubei/huangshi/project-2022").evaluate(FORM)
    assert r.total == Decimal("91.64") and r.grade == "优"
    assert r.to_dict()["total"] == "91.64"
    assert "20 × min(11789人 ÷ 13000人, 1) = 18.14" in r.explain()


def test_bad_dict_raises_form_error() -> None:
    rs = perfrules.load_ruleset("hubei/huangshi/project-2022")
    with pytest.raises(perfrules.FormError) as exc:
        rs.evaluate({"kind": "project"})
    assert "jurisdiction" in exc.value.render()


def test_thread_safe() -> None:
    rs = perfrules.load_ruleset("hubei/huangshi/project-2022")
    expected = rs.evaluate(FORM).to_dict()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: rs.evaluate(FORM).to_dict(), range(200)))
    assert all(r == expected for r in results)


def test_callers_decimal_context_does_not_leak_in() -> None:
    rs = perfrules.load_ruleset("hubei/huangshi/project-2022")
    expected = rs.evaluate(FORM).total
    with localcontext() as ctx:
        ctx.prec = 3
        assert rs.evaluate(FORM).total == expected
    assert getcontext().prec == 28


def test_pickle_and_worker_processes() -> None:
    rs = perfrules.load_ruleset("hubei/huangshi/project-2022")
    copy = pickle.loads(pickle.dumps(rs))
    assert copy.sha256 == rs.sha256 and _total(copy) == "91.64"
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(_total, [rs, rs])) == ["91.64", "91.64"]


def test_results_pickle() -> None:
    r = perfrules.load_ruleset("hubei/huangshi/project-2022").evaluate(FORM)
    assert pickle.loads(pickle.dumps(r)).to_dict() == r.to_dict()


def test_public_names_are_exported() -> None:
    for name in perfrules.__all__:
        assert hasattr(perfrules, name)
