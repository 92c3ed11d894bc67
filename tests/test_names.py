"""One table of form and row names (perfrules/names.py), used everywhere and matching the docs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import perfrules
from perfrules import compiler, rows
from perfrules.check import checker
from perfrules.forms import form_schema
from perfrules.names import FORM, FORM_NAMES, NAMES, ROW_FIELD, ROW_FIELDS, ROW_NAMES, ROW_VALUE
from perfrules.schema import ruleset_schema

DOCS = Path(__file__).resolve().parent.parent / "docs"

RULES = '''ruleset "test/names"
jurisdiction "湖北省/黄石市"
years 2022
kind project
full 100
bands 三档 { "达成" 80% .. 100%  "部分达成" 50% .. 80%  "未达成" 0% .. 50% }
indicators {
  positive: if target > 0 then min(actual / target, 1) else 1
  reverse: if actual > 0 then min(target / actual, 1) else 1
  qualitative: 三档
}
section big "分值大于 5 的指标" weight 60 { rows where weight > 5 }
section small "其余指标" weight 40 { rows where weight <= 5 }
check 分值 warning "指标分值不应超过 40" for rows where weight > 5 { weight <= 40 }
'''


def _row(name: str, weight: int) -> dict[str, Any]:
    return {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": name, "weight": weight,
            "target": "≥100", "actual": "100"}


def test_weight_is_a_row_field_in_rows_where_and_row_checks() -> None:
    """main: `rows where weight > 5` was refused ("rows where 条件中不能使用 weight")."""
    rs = perfrules.ruleset_from_text(RULES, "names.rules")
    form = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
            "indicators": [_row("甲", 50), _row("乙", 10), *[_row(f"丙{i}", 5) for i in range(8)]]}
    for run in (rs.evaluate, rs.interpret):
        result = run(form)
        assert result.section("big").score == Decimal(60)
        assert result.section("small").score == Decimal(40)
        warned = [f for f in result.findings if f.code == "check-failed"]
        assert [f.path for f in warned] == ["$.indicators[0]"]  # only the row of weight 50 > 40


def test_every_module_takes_names_from_the_one_table() -> None:
    assert checker.FORM_NAMES is FORM_NAMES and checker.ROW_NAMES is ROW_NAMES
    assert checker.ROW_FIELDS is ROW_FIELDS and compiler.ROW_FIELDS is ROW_FIELDS
    assert set(rows.row_fields.__code__.co_names) >= {"ROW_FIELDS"}
    assert {n.name for n in NAMES if n.where == ROW_FIELD} == set(ROW_FIELDS) >= {"weight", "goal", "name"}


def test_table_matches_the_form_schema() -> None:
    schema = form_schema()
    row = schema["$defs"]["indicator"]["properties"]
    for n in NAMES:
        if n.where in (ROW_FIELD, ROW_VALUE) and n.path:
            assert n.path in row, n
        if n.where == FORM:
            head = n.path.removeprefix("$.").split(".")[0]
            assert head in schema["properties"], n
    generated = ruleset_schema(perfrules.load_ruleset("hubei/huangshi/project-2022").model)
    assert "weight" in generated["$defs"]["indicator"]["properties"]["weight"]["description"]


def test_docs_list_every_name() -> None:
    for doc in ("language.zh.md", "language.en.md"):
        text = (DOCS / doc).read_text(encoding="utf-8")
        for n in NAMES:
            assert f"`{n.name}`" in text or f" {n.name} " in text or f" {n.name}`" in text, (doc, n.name)
    forms = (DOCS / "forms.md").read_text(encoding="utf-8")
    for n in NAMES:
        if n.where in (ROW_FIELD, ROW_VALUE):
            assert f"`{n.name}`" in forms, n.name
