"""``perfrules aggregate`` sums the funds' 其中 rows and ``budget.breakdowns`` part by part (issue 12).

Two funds of one project (the 黄石 2022 rules, whose 汇总原则 sums budgets), worked by hand:
甲 全年预算数 300 / 执行数 270, 乙 100 / 100.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.aggregate import dump_form
from perfrules.cli import main
from perfrules.forms import RawForm, parse_documents, read_form

from .test_aggregate import A, B

HUANGSHI = perfrules.load_ruleset("hubei/huangshi/project-2022")
D = Decimal


def _raw(data: dict[str, Any], name: str) -> RawForm:
    (raw,) = parse_documents(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), name)
    return raw


def _with(base: dict[str, Any], budget: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    out["budget"].update(budget)
    return out


LEVELS = "按资金级次"
甲 = _with(A, {"sources": {"appropriation": {"adjusted": 300, "executed": 270}},
              "breakdowns": [{"label": LEVELS, "parts": {"中央资金": {"adjusted": 200, "executed": 180},
                                                         "省级资金": {"adjusted": 100, "executed": 90}}}]})
乙 = _with(B, {"sources": {"appropriation": {"adjusted": 80, "executed": 80}, "carryover": {"adjusted": 20, "executed": 20}},
              "breakdowns": [{"label": LEVELS, "parts": {"中央资金": {"adjusted": 60, "executed": 60},
                                                         "市县级资金": {"adjusted": 40, "executed": 40}}}]})


def _aggregate(*named: tuple[dict[str, Any], str]) -> perfrules.Aggregated:
    return HUANGSHI.aggregate([_raw(d, n) for d, n in named])


def test_parts_are_summed_per_part_and_column_across_the_funds() -> None:
    combined = _aggregate((甲, "甲.yaml"), (乙, "乙.yaml"))
    budget = combined.data["budget"]
    assert budget["adjusted"] == 400 and budget["executed"] == 370
    # 当年财政拨款 300 + 80 = 380, 270 + 80 = 350; 上年结转 only in 乙: 20, 20
    assert budget["sources"] == {"appropriation": {"adjusted": 380, "executed": 350},
                                 "carryover": {"adjusted": 20, "executed": 20}}
    # 中央 200 + 60 = 260, 180 + 60 = 240; 省级 only in 甲; 市县级 only in 乙 — still summed: 400 and 370
    assert budget["breakdowns"] == [{"label": LEVELS, "parts": {
        "中央资金": {"adjusted": 260, "executed": 240}, "省级资金": {"adjusted": 100, "executed": 90},
        "市县级资金": {"adjusted": 40, "executed": 40}}}]
    assert [(n.severity, n.code, n.path, n.message) for n in combined.notes[:2]] == [
        ("info", "aggregate-parts-differ", "$.budget.sources",
         "其中各项: 各表列出的项目不同（甲.yaml 没有 上年结转资金）；每一项按列出它的各表合计"),
        ("info", "aggregate-parts-differ", "$.budget.breakdowns[0]",
         "“按资金级次”: 各表列出的项目不同（乙.yaml 没有 省级资金；甲.yaml 没有 市县级资金）；每一项按列出它的各表合计")]
    result = HUANGSHI.evaluate(combined.data)
    assert not [f for f in result.findings if f.path.startswith("$.budget")]  # the sums agree with the totals


def test_a_wrong_part_in_one_fund_shows_in_the_combined_form() -> None:
    wrong = copy.deepcopy(乙)
    wrong["budget"]["breakdowns"][0]["parts"]["市县级资金"]["executed"] = 30  # 60 + 30 = 90 ≠ 100
    result = HUANGSHI.evaluate(_aggregate((甲, "甲.yaml"), (wrong, "乙.yaml")).data)
    [f] = [f for f in result.findings if f.path.startswith("$.budget.breakdowns")]
    assert f.code == "budget-breakdown-mismatch"
    assert "年度资金总额 370" in f.message and "各项合计 360" in f.message and "相差 10" in f.message


def test_a_breakdown_or_sources_only_some_funds_state_is_left_out_with_a_warning() -> None:
    no_parts = copy.deepcopy(乙)
    del no_parts["budget"]["breakdowns"], no_parts["budget"]["sources"]
    combined = _aggregate((甲, "甲.yaml"), (no_parts, "乙.yaml"))
    assert "breakdowns" not in combined.data["budget"] and "sources" not in combined.data["budget"]
    assert [(n.severity, n.code, n.path) for n in combined.notes[:2]] == [
        ("warning", "aggregate-parts-partial", "$.budget.sources"),
        ("warning", "aggregate-parts-partial", "$.budget.breakdowns[0]")]
    assert combined.notes[1].message == ("“按资金级次”只在 甲.yaml 中列出，乙.yaml 没有；无法汇总成全部资金的分项，"
                                         "汇总表中不列这一项，请在各表中补齐后再汇总")


def test_a_blank_column_stays_blank_and_floats_are_read_by_their_digits() -> None:
    blank = copy.deepcopy(甲)
    blank["budget"]["breakdowns"][0]["parts"]["中央资金"]["executed"] = None
    other = copy.deepcopy(乙)
    other["budget"]["breakdowns"][0]["parts"]["中央资金"]["adjusted"] = 60.1  # a float from Python
    other["budget"]["breakdowns"][0]["parts"]["市县级资金"]["adjusted"] = 39.9
    combined = HUANGSHI.aggregate([blank, other])  # dicts, as an embedder passes them
    parts = combined.data["budget"]["breakdowns"][0]["parts"]
    assert parts["中央资金"] == {"adjusted": D("260.1"), "executed": None}
    assert parts["市县级资金"] == {"adjusted": D("39.9"), "executed": 40}


def test_cli_writes_the_combined_parts_and_reads_them_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "甲.yaml", tmp_path / "乙.yaml"
    a.write_text(yaml.safe_dump(甲, allow_unicode=True), encoding="utf-8")
    b.write_text(yaml.safe_dump(乙, allow_unicode=True), encoding="utf-8")
    assert main(["aggregate", str(a), str(b), "--ruleset", "hubei/huangshi/project-2022", "-o", "-"]) == 0
    text = capsys.readouterr().out
    (back,) = parse_documents(text, "汇总.yaml")
    assert back.data["budget"]["breakdowns"][0]["parts"]["中央资金"] == {"adjusted": 260, "executed": 240}
    assert dump_form(back.data).endswith(text.split("\n", 3)[-1])


_NAMES = ["中央资金", "省级资金", "市级资金", "县级资金"]


@st.composite
def _funds(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for k in range(draw(st.integers(2, 4))):
        names = draw(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=4, unique=True))
        parts = {n: {"adjusted": draw(st.decimals(0, 10**6, places=2))} for n in names}
        total = sum((p["adjusted"] for p in parts.values()), D(0))
        form = copy.deepcopy(A)
        form["title"] = f"资金{k}"
        form["budget"] = {"adjusted": total if total else D(1), "executed": total,
                          "breakdowns": [{"label": LEVELS, "parts": parts}]}
        out.append(form)
    return out


@settings(max_examples=40, deadline=None)
@given(_funds(), st.randoms(use_true_random=False))
def test_each_part_is_the_sum_over_the_funds_in_any_order(funds: list[dict[str, Any]], rnd: Any) -> None:
    combined = HUANGSHI.aggregate(funds).data["budget"]["breakdowns"][0]["parts"]
    for name in _NAMES:
        having = [f["budget"]["breakdowns"][0]["parts"][name]["adjusted"] for f in funds
                  if name in f["budget"]["breakdowns"][0]["parts"]]
        assert (name in combined) == bool(having)
        if having:
            assert combined[name]["adjusted"] == sum(having, D(0))
    shuffled = list(funds)
    rnd.shuffle(shuffled)
    again = HUANGSHI.aggregate(shuffled).data["budget"]["breakdowns"][0]["parts"]
    assert again == combined



def test_read_forms_keep_their_breakdowns_for_aggregation() -> None:
    """A read Form keeps its budget.breakdowns: aggregating Form objects gives what dicts give."""
    forms = [read_form(甲), read_form(乙)]
    assert forms[0].budget is not None and [name for name, _ in forms[0].budget.breakdowns[0].parts] == [
        "中央资金", "省级资金"]
    from_forms = HUANGSHI.aggregate(forms).data["budget"]
    from_dicts = HUANGSHI.aggregate([甲, 乙]).data["budget"]
    assert from_forms["breakdowns"] == from_dicts["breakdowns"] and from_forms["sources"] == from_dicts["sources"]
    assert from_forms["breakdowns"][0]["parts"]["中央资金"] == {"adjusted": 260, "executed": 240}
