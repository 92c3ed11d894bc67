"""The audit and the file boundary (issue 7, items 7, 8, 11–16).

Every test here failed on the main branch before these changes: a failed
check hidden behind another, a silent fallback, floats read inexactly, tiny
numbers turned into NaN, forms choosing files to read (and echoing them),
unbounded reads of devices and FIFOs, fuzz counterexamples that ``score``
refuses, and ``new-year`` writing text that does not parse.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules
from perfrules.api import Scorer
from perfrules.authoring import new_year_text
from perfrules.cli import main
from perfrules.errors import FormError, PerfrulesError, caret_excerpt
from perfrules.files import read_user_bytes
from perfrules.formatter import format_text, quote
from perfrules.forms import Form, load_documents, parse_documents, read_form
from perfrules.fuzzing import form_yaml
from perfrules.parser import parse_text
from perfrules.result import Finding
from perfrules.scoring import Collector
from perfrules.testing import forms

from .conftest import RULESETS

EX2 = RULESETS / "hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml"
SECRET = "SECRET-LINE-root:x:0:0"
HEAD = "kind: project\njurisdiction: 湖北省/黄石市\nyear: 2022\n"

TWO_CHECKS = """ruleset "t/fold"
jurisdiction "湖北省/黄石市"
years 2022
kind project
full 100
check 执行不超预算 warning "执行数不应超过预算数" { budget.executed <= budget.adjusted }
check 执行不超两倍 error "执行数超过预算数的两倍" { budget.executed <= budget.adjusted * 2 }
item a weight 100 { score weight * ratio(budget.executed, budget.adjusted) }
"""


def _form(**budget: Any) -> dict[str, Any]:
    return {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022, "budget": budget}


def _huangshi() -> perfrules.Ruleset:
    return perfrules.load_ruleset("hubei/huangshi/project-2022")


# ------------------------------------------------ 7. every failed check is reported


def test_an_error_check_is_not_hidden_behind_a_warning_on_the_same_field(tmp_path: Path) -> None:
    rs = perfrules.ruleset_from_text(TWO_CHECKS)
    r = rs.evaluate(_form(adjusted=10, executed=30))  # 30 > 10 and 30 > 2 × 10: both checks fail
    failed = [(f.severity, f.path) for f in r.findings if f.code == "check-failed"]
    assert failed == [("error", "$.budget.executed"), ("warning", "$.budget.executed")]
    assert r.exit_status == 1
    # only the warning fails: exit status 0, one finding
    r = rs.evaluate(_form(adjusted=10, executed=15))
    assert [f.severity for f in r.findings if f.code == "check-failed"] == [
        "warning"
    ] and r.exit_status == 0
    # the command line agrees
    rules, form = tmp_path / "fold.rules", tmp_path / "f.yaml"
    rules.write_text(TWO_CHECKS, encoding="utf-8")
    form.write_text(
        HEAD + "budget: {adjusted: 10, executed: 30}\n",
        encoding="utf-8",
    )
    assert main(["score", str(form), "--ruleset", str(rules)]) == 1


_finding = st.tuples(
    st.sampled_from(["error", "warning", "info"]),
    st.sampled_from(["check-failed", "x"]),
    st.sampled_from(["$", "$.budget.executed"]),
    st.sampled_from(["m1", "m2"]),
)


@given(st.lists(_finding, max_size=12))
def test_only_true_repeats_are_folded(adds: list[tuple[str, str, str, str]]) -> None:
    coll = Collector(Form(source="<t>", kind="project", jurisdiction=(), year=2022))
    for a in adds:
        coll.add(*a)
    expected = list(dict.fromkeys(adds))  # unique, in the order first seen
    assert [(f.severity, f.code, f.path, f.message) for f in coll.findings] == expected


# ------------------------------------------------ 8. fallback and mismatch are visible


def _mars(tmp_path: Path, where: str) -> Path:
    p = tmp_path / "form.yaml"
    text = EX2.read_text(encoding="utf-8").replace(
        "jurisdiction: 湖北省/黄石市/铁山区", f"jurisdiction: {where}"
    )
    p.write_text(text, encoding="utf-8")
    return p


def test_a_fallback_to_the_national_rules_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (scored,) = Scorer().score_files([str(_mars(tmp_path, "火星"))])
    assert scored.result is not None and scored.result.ruleset_id == "national/project-2020"
    (note,) = [f for f in scored.result.findings if f.code == "ruleset-fallback"]
    assert note.severity == "warning" and note.path == "$.jurisdiction" and note.line == 4
    assert "火星" in note.message and "national/project-2020" in note.message
    assert note.to_dict() in scored.result.to_dict()["findings"]
    main(["score", str(_mars(tmp_path, "火星"))])
    out = capsys.readouterr().out
    assert "ruleset-fallback" in out and "火星" in out
    main(["score", str(_mars(tmp_path, "火星")), "--format", "json"])
    assert "ruleset-fallback" in {
        f["code"] for f in json.loads(capsys.readouterr().out)["findings"]
    }


def test_a_fallback_to_a_parent_area_is_information(tmp_path: Path) -> None:
    (scored,) = Scorer().score_files([str(EX2)])
    assert scored.result is not None
    (note,) = [f for f in scored.result.findings if f.code == "ruleset-fallback"]
    assert note.severity == "info" and "湖北省/黄石市/铁山区" in note.message
    assert "hubei/huangshi/project-2022" in note.message
    # a form of the ruleset's own area needs no note
    (scored,) = Scorer().score_files([str(_mars(tmp_path, "湖北省/黄石市"))])
    assert scored.result is not None and not [
        f for f in scored.result.findings if f.code == "ruleset-fallback"
    ]


@pytest.mark.parametrize("runner", ["evaluate", "interpret"])
def test_evaluating_a_form_of_another_kind_year_or_area_warns(runner: str) -> None:
    (doc,) = load_documents(EX2)
    data = dict(doc.data, kind="department", year=2024, jurisdiction="湖南省/岳阳市")
    r = getattr(_huangshi(), runner)(data)
    notes = {f.path: f for f in r.findings if f.code == "ruleset-mismatch"}
    assert set(notes) == {"$.kind", "$.year", "$.jurisdiction"}
    assert all(f.severity == "warning" for f in notes.values())
    assert "2024" in notes["$.year"].message and "湖南省/岳阳市" in notes["$.jurisdiction"].message
    assert not [f for f in _huangshi().evaluate(doc).findings if f.code == "ruleset-mismatch"]


# ------------------------------------------------ 11. numbers from embedders


def test_a_float_from_json_scores_as_typed() -> None:
    form = json.loads(
        '{"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,'
        ' "budget": {"adjusted": 8, "executed": 4.002}}'
    )
    r = _huangshi().evaluate(form)
    # 20 × 4.002 ÷ 8 = 10.005 → 10.01 (rounding half_up 2); read as binary 4.00199… it was 10.00
    assert r.item("预算执行").score == Decimal("10.01")


def test_numeric_strings_are_read_exactly() -> None:
    as_numbers = _huangshi().evaluate(_form(adjusted=100, executed=Decimal("67.51")))
    as_strings = _huangshi().evaluate(dict(_form(adjusted="100", executed="67.51"), year="2022"))
    assert as_strings.item("预算执行").score == as_numbers.item("预算执行").score == Decimal("13.5")
    with pytest.raises(FormError) as exc:
        _huangshi().evaluate(_form(adjusted="100万元", executed=1))
    assert "$.budget.adjusted" in exc.value.render()


def _read_yaml_budget(text: str) -> Decimal | str:
    try:
        (doc,) = parse_documents(
            f"kind: project\njurisdiction: 湖北省/黄石市\nyear: 2022\n"
            f"budget: {{adjusted: 100, executed: {text}}}\n"
        )
        form = read_form(doc)
    except FormError as e:
        return e.diagnostics[0].message.split(" ")[-1]
    assert form.budget is not None
    return form.budget.executed


def _read_api_budget(value: Any) -> Decimal | str:
    try:
        form = read_form(_form(adjusted=100, executed=value))
    except FormError as e:
        return e.diagnostics[0].message.split(" ")[-1]
    assert form.budget is not None
    return form.budget.executed


@given(st.floats(min_value=0, max_value=1e20, allow_nan=False, allow_infinity=False))
def test_a_float_means_what_its_shortest_text_says_in_the_api_and_the_cli(x: float) -> None:
    api = _read_api_budget(x)
    assert api == _read_yaml_budget(repr(x))  # the same number or the same refusal
    assert api == _read_api_budget(repr(x))  # a numeric string: the same again
    if isinstance(api, Decimal):
        assert api == Decimal(repr(x)) and float(api) == x


@pytest.mark.parametrize(
    "bad", [float("nan"), float("inf"), Decimal("NaN"), Decimal("1e-999999999"), 1e300]
)
def test_non_finite_and_out_of_bound_numbers_from_python_are_refused(bad: Any) -> None:
    with pytest.raises(FormError) as exc:
        _huangshi().evaluate(_form(adjusted=100, executed=bad))
    assert "$.budget.executed" in exc.value.render()


# ------------------------------------------------ 12. tiny, huge, deep: located form errors


@pytest.mark.parametrize(
    "text, where",
    [
        ("budget: {adjusted: 1e-999999999, executed: 1}\n", (4, 20)),
        ("budget: {adjusted: 100, executed: 1e999999999}\n", (4, 35)),
        ("budget:\n  adjusted: 100\n  executed: 0.0000000000000000001\n", (6, 13)),
    ],
)
def test_tiny_and_huge_numbers_are_located_form_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: tuple[int, int]
) -> None:
    p = tmp_path / "f.yaml"
    p.write_text(
        "kind: project\njurisdiction: 湖北省/黄石市\nyear: 2022\n" + text, encoding="utf-8"
    )
    assert main(["score", str(p)]) == 2
    err = capsys.readouterr().err
    assert (
        f"f.yaml:{where[0]}:{where[1]}: error[form]" in err and "^" in err and "内部错误" not in err
    )


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=1, max_value=9))
def test_every_exponent_is_read_within_bounds_or_refused_with_a_place(
    exponent: int, digit: int
) -> None:
    text = HEAD + f"budget: {{adjusted: 100, executed: {digit}e{exponent}}}\n"
    try:
        (doc,) = parse_documents(text)
        form = read_form(doc)
    except FormError as e:
        assert e.diagnostics[0].line == 4
        return
    assert form.budget is not None
    value = form.budget.executed
    assert value.is_finite() and Decimal("1e-15") <= value <= Decimal("1e15")


@pytest.mark.parametrize(
    "name, text",
    [
        ("deep.yaml", "a: " + "[" * 200_000 + "\n"),
        ("deep.json", '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}"),
    ],
)
def test_a_long_line_of_brackets_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    assert main(["score", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"{name}:1:" in err and "嵌套超过" in err and "recursion" not in err
    assert len(err) < 1000  # the excerpt is a window, not the 200 KB line


def test_the_caret_stays_under_the_spot_in_a_windowed_line() -> None:
    line = "x" * 5000 + "!" + "y" * 5000
    excerpt = caret_excerpt(line, 1, 5001)
    src, caret = excerpt.splitlines()
    assert len(src) < 200 and src.index("!") == caret.index("^")


# ------------------------------------------------ 13. what a form may name


def _secret(tmp_path: Path) -> Path:
    p = tmp_path / "outside" / "secret.rules"
    p.parent.mkdir()
    p.write_text(SECRET + "\n", encoding="utf-8")
    return p


def _form_naming(tmp_path: Path, ruleset: str) -> Path:
    p = tmp_path / "form.yaml"
    p.write_text(
        EX2.read_text(encoding="utf-8") + f"ruleset: {json.dumps(ruleset)}\n", encoding="utf-8"
    )
    return p


def test_a_form_cannot_make_perfrules_read_and_echo_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = _secret(tmp_path)
    for name in [str(secret), "outside/secret.rules", "../outside/secret.rules", "/etc/passwd"]:
        form = _form_naming(tmp_path, name)
        assert main(["score", str(form)]) == 2
        err = capsys.readouterr().err
        assert SECRET not in err and "root:x" not in err and "ruleset-outside-folders" in err


@settings(max_examples=40)
@given(
    st.sampled_from(["", "./", "../", "outside/../outside/", "//"]),
    st.sampled_from(["secret.rules", "secret"]),
)
def test_no_spelling_of_a_path_reaches_a_file_outside_the_folders(
    tmp_path_factory: pytest.TempPathFactory, prefix: str, name: str
) -> None:
    tmp = tmp_path_factory.mktemp("spell")
    secret = _secret(tmp)
    for spelled in (prefix + name, str(secret.parent) + "/" + prefix + name):
        with pytest.raises(PerfrulesError) as exc:
            Scorer(paths=[str(tmp / "rules")]).score(
                dict(load_documents(EX2)[0].data, ruleset=spelled)
            )
        assert SECRET not in exc.value.render()


def test_a_path_inside_a_configured_folder_is_allowed(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "mine.rules").write_text(
        (RULESETS / "hubei/huangshi/2022/project.rules")
        .read_text(encoding="utf-8")
        .replace('"hubei/huangshi/project-2022"', '"mine/2022"'),
        encoding="utf-8",
    )
    data = load_documents(EX2)[0].data
    assert (
        Scorer(paths=[str(folder)]).score(dict(data, ruleset="mine.rules")).ruleset_id
        == "mine/2022"
    )
    assert (
        Scorer(paths=[str(folder)]).score(dict(data, ruleset="mine/2022")).ruleset_id == "mine/2022"
    )
    # the caller's own --ruleset FILE stays allowed anywhere
    assert perfrules.load_ruleset(str(folder / "mine.rules")).id == "mine/2022"


def test_extends_names_an_id_never_a_file(tmp_path: Path) -> None:
    _secret(tmp_path)
    child = tmp_path / "child.rules"
    child.write_text(
        'ruleset "c/2030"\nextends "outside/secret.rules"\nyears 2030\n', encoding="utf-8"
    )
    with pytest.raises(PerfrulesError) as exc:
        perfrules.load_ruleset(str(child), paths=[str(tmp_path)])
    assert SECRET not in exc.value.render() and "extends" in exc.value.render()


# ------------------------------------------------ 14. only regular files, bounded


def test_devices_and_directories_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "/dev/zero"]) == 2
    assert "not-a-file" in capsys.readouterr().err
    assert main(["score", str(tmp_path)]) == 2
    assert "目录" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 2
    assert "not-a-file" in capsys.readouterr().err
    assert main(["score", str(EX2), "--ruleset", str(tmp_path)]) == 2
    assert "not-a-file" in capsys.readouterr().err
    assert main(["fmt", "--check", "/dev/zero"]) == 2
    assert "not-a-file" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "form.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "perfrules.cli", "score", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and "not-a-file" in done.stderr


def test_every_read_is_bounded(tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    p.write_bytes(b"a" * 11)
    assert read_user_bytes(p, 11, "表单", FormError) == b"a" * 11
    with pytest.raises(FormError) as exc:
        read_user_bytes(p, 10, "表单", FormError)
    assert exc.value.diagnostics[0].code == "too-large"


# ------------------------------------------------ 15. fuzz counterexamples replay


def test_a_counterexample_with_shared_values_has_no_anchors_and_replays() -> None:
    shared = Decimal("12.5")
    row = {"name": "x", "weight": shared, "target": "100%", "actual": "100%"}
    form = {
        "kind": "project",
        "jurisdiction": "湖北省/黄石市",
        "year": 2022,
        "budget": {"adjusted": shared, "executed": shared},
        "indicators": [row, row],
    }
    text = form_yaml(form)
    assert "&" not in text and "*" not in text
    (doc,) = parse_documents(text)
    assert doc.data == form


@settings(max_examples=30)
@given(forms(perfrules.load_ruleset("hubei/huangshi/project-2022")))
def test_every_printed_counterexample_replays_with_score(form: dict[str, Any]) -> None:
    (doc,) = parse_documents(form_yaml(form))
    assert doc.data == form
    _huangshi().evaluate(doc)  # reads and scores: no anchor, no refusal


# ------------------------------------------------ 16. one escaping printer, re-parsed


def test_new_year_of_a_title_with_quotes_parses(tmp_path: Path) -> None:
    text = (RULESETS / "hubei/huangshi/2022/project.rules").read_text(encoding="utf-8")
    start = text.index("\ntitle ") + 1
    end = text.index("\n", start)
    quoted = text[:start] + 'title “黄石市 "项目" 2022”' + text[end:]
    quoted = quoted.replace('"hubei/huangshi/project-2022"', '"q/2022"')
    (tmp_path / "q.rules").write_text(quoted, encoding="utf-8")
    rs = perfrules.load_ruleset(str(tmp_path / "q.rules"))
    new_id, generated = new_year_text(rs, 2023)
    child = perfrules.ruleset_from_text(generated, paths=[str(tmp_path)])
    assert child.model.title == '黄石市 "项目" 2023' and child.id == new_id == "q/2023"


@given(st.text(alphabet=st.sampled_from("ab黄\"“”'#{} \n"), max_size=12))
def test_quote_writes_every_text_it_can_and_refuses_the_rest(text: str) -> None:
    try:
        literal = quote(text)
    except PerfrulesError:
        assert "\n" in text or ('"' in text and "”" in text)
        return
    (setting,) = [d for d in parse_text(f"title {literal}\n").decls]
    assert setting.value == text


def test_findings_from_the_lookup_keep_errors_first() -> None:
    (doc,) = load_documents(EX2)
    r = Scorer().score(doc)
    ranks = [("error", "warning", "info").index(f.severity) for f in r.findings]
    assert ranks == sorted(ranks) and isinstance(r.findings[-1], Finding)


def test_fmt_and_diff_print_a_string_literal_with_quotes_through_the_one_printer() -> None:
    text = (RULESETS / "hubei/huangshi/2022/project.rules").read_text(encoding="utf-8")
    assert '"成本指标"' in text
    odd = text.replace('"成本指标"', '“成本"指标”')
    formatted = format_text(odd)  # re-parsed inside: raised "含义不一致" before
    assert '“成本"指标”' in formatted and format_text(formatted) == formatted


_AREA_NAMES = ["湖北省", "黄石市", "铁山区", "湖南省", "岳阳市", "临湘市", "火星", "某县"]
_AREAS = st.lists(st.sampled_from(_AREA_NAMES), min_size=1, max_size=3, unique=True)


@settings(max_examples=60)
@given(_AREAS, st.sampled_from([2020, 2022, 2023, 2024]))
def test_a_fallback_is_reported_exactly_when_a_wider_areas_ruleset_is_used(areas: list[str],
                                                                         year: int) -> None:
    data = dict(load_documents(EX2)[0].data, jurisdiction="/".join(areas), year=year)
    try:
        r = Scorer().score(data)
    except PerfrulesError:
        return  # no ruleset in force (a LookupFailure naming the nearest ones)
    used = perfrules.load_ruleset(r.ruleset_id).model.jurisdiction
    notes = [f for f in r.findings if f.code == "ruleset-fallback"]
    assert bool(notes) == (used != tuple(areas))
    if notes:
        assert "/".join(areas) in notes[0].message and r.ruleset_id in notes[0].message
