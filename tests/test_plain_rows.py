"""The rows of a plain form read in one pass (perfrules/plain_rows.py) equal the general reader's.

- over generated forms around the schema, read once to warm the caches and again with the fixed
  values of the rows (名称, 分值, 年度指标值 …) replaced by values equal to them but of another type
  (``1`` → ``True``, ``10`` → ``10.0`` or ``Decimal("10.0")``, a str subclass …): the same accept or
  reject, the same Form, notices and error messages as the general reader;
- the caches are bounded (shapes, entries of all shapes together, the length of a cached 年度指标值);
- hostile rows (keys that are not text, NaN, values that cannot be hashed or compared) never crash
  and read as the general reader reads them;
- a Form and a Budget built without their ``__init__`` are the objects their classes build;
- a JSON Lines line read without the per-number hooks gives what the hooks give.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal
from enum import IntEnum
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import batch as batch_module
from perfrules import forms as forms_module
from perfrules import plain_rows
from perfrules.batch import jsonl_form
from perfrules.errors import FormError
from perfrules.forms import Budget, Form, RawForm, _plain, _plain_read, _row_reader, read_form
from perfrules.numbers import all_bounded, number_problem
from perfrules.plain_rows import RowReader
from perfrules.testing import forms
from tests.test_plain_forms import _near_forms, _outcome

_HS = perfrules.load_ruleset("hubei/huangshi/project-2022")


def _general(doc: Any) -> Any:
    with mock.patch.object(forms_module, "_plain_read", lambda data, floats=True: None):
        return _outcome(doc)


class _Text(str):
    """A str subclass: equal to its text, but not an exact str."""


class _Number(IntEnum):
    ONE = 1
    TEN = 10


def _other_type(value: Any) -> list[Any]:
    """Values equal to `value` (so equal as cache keys) of other types."""
    if type(value) is bool:
        return [int(value)]
    if type(value) is int:
        others: list[Any] = [float(value), Decimal(value), Decimal(f"{value}.0")]
        if value in (0, 1):
            others.append(bool(value))
        if value in (1, 10):
            others.append(_Number(value))
        return others
    if type(value) is str:
        return [_Text(value)]
    return []


@st.composite
def _twins(draw: st.DrawFn) -> tuple[Any, Any]:
    """A form, and the same form with one row's fixed value replaced by an equal one of another type."""
    doc = draw(st.one_of(forms(_HS), _near_forms()))
    rows = doc.get("indicators") if isinstance(doc, dict) else None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return doc, doc
    i = draw(st.integers(0, len(rows) - 1))
    fixed = [k for k in plain_rows.FIXED if k in rows[i]]
    if not fixed:
        return doc, doc
    key = draw(st.sampled_from(fixed))
    others = _other_type(rows[i][key])
    if not others:
        return doc, doc
    twin = copy.deepcopy(doc)
    twin["indicators"][i][key] = draw(st.sampled_from(others))
    return doc, twin


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(_twins())
@example(({"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
    {"name": "a", "weight": 10, "target": "≥90%", "actual": "95", "goal": 1}]},
    {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
        {"name": "a", "weight": 10, "target": "≥90%", "actual": "95", "goal": True}]}))
@example(({"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
    {"name": "a", "weight": 10, "target": "≥90%", "actual": "95"}]},
    {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
        {"name": "a", "weight": Decimal("10.0"), "target": "≥90%", "actual": "95"}]}))
def test_rows_read_at_once_as_the_general_reader_reads_them(twins: tuple[Any, Any]) -> None:
    doc, twin = twins
    for d in (doc, twin, doc, twin):  # each read twice: the second from the caches
        before = copy.deepcopy(d)
        fast = _outcome(d)
        assert d == before  # never changed
        assert fast == _general(d)
        as_file = RawForm(d, "f.yaml", {})
        assert _outcome(as_file) == _general(as_file)
        # the reader takes exactly the forms the plain test takes, and reads their data alike (the
        # rows, which it reads itself, are left as written: the Form above holds them read)
        read = _plain_read(d)
        plain = _plain(d)
        assert (read is None) == (plain is None)
        if read is not None and plain is not None:
            assert {k: v for k, v in read[0].items() if k != "indicators"} == {
                k: v for k, v in plain.items() if k != "indicators"}
            assert read[0].get("indicators") is d.get("indicators")


def test_equal_values_of_other_types_are_not_taken_from_the_cache() -> None:
    row = {"name": "覆盖率", "weight": 10, "target": "≥90%", "actual": "95%", "goal": 1}
    doc = {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [row]}
    first = read_form(doc)
    assert first.rows[0].weight == 10 and str(first.rows[0].weight) == "10"
    assert str(read_form({**doc, "indicators": [{**row, "weight": Decimal("10.0")}]}).rows[0].weight) == "10.0"
    assert str(read_form({**doc, "indicators": [{**row, "weight": 10.0}]}).rows[0].weight) == "10.0"
    with pytest.raises(FormError):
        read_form({**doc, "indicators": [{**row, "goal": True}]})  # a bool is no integer, cached 1 or not
    # the same types met in another shape (a bool where this one has goal 1) do not let True through
    read_form({**doc, "indicators": [{**{k: v for k, v in row.items() if k != "goal"}, "applicable": True}]})
    with pytest.raises(FormError):
        read_form({**doc, "indicators": [{**row, "goal": True}]})
    assert read_form({**doc, "indicators": [{**row, "name": _Text("覆盖率")}]}) == _general(
        {**doc, "indicators": [{**row, "name": _Text("覆盖率")}]})


# ---------------------------------------------------------------- bounds


def _reader() -> RowReader:
    return RowReader(forms_module._plain_shape(True), _row_reader(True).kit)


def _row(n: int, **more: Any) -> dict[str, Any]:
    return {"name": f"指标{n}", "weight": 10, "target": f"≥{n}人", "actual": "5人", **more}


def test_the_cache_of_fixed_values_is_bounded() -> None:
    reader = _reader()
    for n in range(plain_rows.MAX_ENTRIES + 50):
        assert reader.read([_row(n)]) is not None
    cached = sum(len(s.entries) for s in reader.shapes.values() if s is not None)
    assert cached == reader.entries <= plain_rows.MAX_ENTRIES
    # all shapes together: entries of other key orders count against the same bound
    for n in range(plain_rows.MAX_ENTRIES):
        reader.read([_row(n, goal=1)] if n % 2 else [_row(n, level2="数量指标")])
    assert sum(len(s.entries) for s in reader.shapes.values() if s is not None) <= plain_rows.MAX_ENTRIES


def test_the_cache_of_shapes_is_bounded() -> None:
    reader = _reader()
    optional = ["goal", "level1", "level2", "tier", "note", "reason", "applicable", "declared_score"]
    values = {"goal": 1, "level1": "产出指标", "level2": "数量指标", "tier": "达成", "note": "", "reason": "无",
              "applicable": True, "declared_score": 5}
    for mask in range(1 << len(optional)):
        row = _row(1, **{k: values[k] for b, k in enumerate(optional) if mask >> b & 1})
        assert reader.read([row]) is not None
        assert len(reader.shapes) <= plain_rows.MAX_SHAPES
    assert reader.entries <= plain_rows.MAX_ENTRIES


def test_a_long_target_is_read_but_not_kept() -> None:
    reader = _reader()
    long_target = "≥" + "9" * plain_rows.MAX_CACHED_TEXT + "人"
    read = reader.read([{"name": "a", "weight": 10, "target": long_target, "actual": "5人"}])
    assert read is not None and read.rows[0].target_text == long_target
    assert reader.entries == 0
    assert read.rows[0] == read_form({"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
        {"name": "a", "weight": 10, "target": long_target, "actual": "5人"}]}).rows[0]


# ---------------------------------------------------------------- hostile rows


class _Unhashable(str):
    __hash__ = None  # type: ignore[assignment]


class _Raising:
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("compared")

    def __hash__(self) -> int:
        return hash("name")


_HOSTILE: list[dict[Any, Any]] = [
    {1: "x", "name": "a", "weight": 10, "target": "1", "actual": "1"},
    {None: "x", "name": "a", "weight": 10, "target": "1", "actual": "1"},
    {"name": "a", "weight": Decimal("NaN"), "target": "1", "actual": "1"},
    {"name": "a", "weight": Decimal("sNaN"), "target": "1", "actual": "1"},
    {"name": "a", "weight": float("nan"), "target": "1", "actual": "1"},
    {"name": ["a"], "weight": 10, "target": "1", "actual": "1"},
    {"name": {"a": 1}, "weight": 10, "target": "1", "actual": "1"},
    {"name": _Unhashable("a"), "weight": 10, "target": "1", "actual": "1"},
    {"name": "a", "weight": 10, "target": _Raising(), "actual": "1"},
    {"name": "a", "weight": 10, "target": "1", "actual": Decimal("sNaN")},
    {"name": "a", "weight": 10 ** 30, "target": "1", "actual": "1"},
    {"name": "a", "weight": 10, "target": 10 ** 30, "actual": "1"},
    {"name": "a", "weight": 10, "target": "1", "actual": "1", "tier": None},
    {"name": "a", "weight": 10, "target": "1", "actual": "1", "reason": None},
    {"name": "a", "weight": 10, "target": "1", "actual": "1", "declared_score": "x"},
    {"name": "a", "weight": 10, "target": "1", "actual": "1", "applicable": 0},
    {"name": "a" * 1001, "weight": 10, "target": "1", "actual": "1"},
    {"name": "a", "weight": 10, "actual": "1"},
]


@pytest.mark.parametrize("row", _HOSTILE, ids=range(len(_HOSTILE)))
def test_a_hostile_row_never_crashes_and_reads_as_the_general_reader(row: dict[Any, Any]) -> None:
    good = {"name": "a", "weight": 10, "target": "1", "actual": "1"}
    for rows in ([row], [good, row], [row, good]):
        doc = {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": rows}
        assert _plain_read(doc) is None  # never plain: the general reader decides, with its messages
        try:
            outcome = _outcome(doc)
        except Exception as e:  # noqa: BLE001 - the general reader's own behaviour on such objects
            with pytest.raises(type(e)):
                _general(doc)
            continue
        assert outcome == _general(doc)


# ---------------------------------------------------------------- objects built at once


def test_a_form_and_a_budget_built_at_once_are_what_their_classes_build() -> None:
    doc = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022, "declared_total": 80,
           "budget": {"adjusted": 100, "executed": Decimal("67.5"), "declared_rate": "68%"},
           "indicators": [{"name": "人数", "weight": 10, "target": "≥100人", "actual": 95}]}
    form = read_form(doc)
    fields = {f.name: getattr(form, f.name) for f in dataclasses.fields(Form)}
    assert vars(form) == fields and form == Form(**fields)
    assert not hasattr(Form, "__post_init__") and not hasattr(Budget, "__post_init__")
    assert form.budget is not None
    budget_fields = {f.name: getattr(form.budget, f.name) for f in dataclasses.fields(Budget)}
    assert vars(form.budget) == budget_fields and form.budget == Budget(**budget_fields)
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.budget.adjusted = Decimal(1)  # type: ignore[misc]
    assert form.places == {} and form.places is not read_form(doc).places  # a dict of its own


# ---------------------------------------------------------------- JSON Lines without hooks


_numbers = st.one_of(
    st.integers(-(10 ** 17), 10 ** 17).map(str), st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e15", "1E+16", "0.000000000000001", "1e-16", "-0.0",
                     "123456789012345.123456789012345", "1000000000000000", "1000000000000001"]))


@st.composite
def _lines(draw: st.DrawFn) -> bytes:
    """A JSON Lines line: a generated form, some numbers written otherwise, maybe a key repeated."""
    doc = draw(st.one_of(forms(_HS), _near_forms()))
    text = json.dumps(doc, ensure_ascii=False, default=str)
    marker = '"__N__"'
    if draw(st.booleans()) and isinstance(doc, dict):
        place = draw(st.sampled_from(["facts", "budget", "row", "top"]))
        if place == "facts":
            doc = {**doc, "facts": {"x": "__N__"}}
        elif place == "budget":
            doc = {**doc, "budget": {"adjusted": "__N__", "executed": 1}}
        elif place == "row" and isinstance(doc.get("indicators"), list) and doc["indicators"] and isinstance(
                doc["indicators"][0], dict):
            doc = {**doc, "indicators": [{**doc["indicators"][0], "actual": "__N__"}, *doc["indicators"][1:]]}
        else:
            doc = {**doc, "declared_total": "__N__"}
        text = json.dumps(doc, ensure_ascii=False, default=str).replace(marker, draw(_numbers))
    if draw(st.integers(0, 4)) == 0 and text.startswith('{"kind"'):
        text = '{"kind": "x", ' + text[1:]  # a repeated key
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # not JSON
    return text.encode()


def _line_outcome(line: bytes) -> Any:
    source, raw = jsonl_form("f.jsonl", 4, line)
    if not isinstance(raw, RawForm):
        return source, [(d.code, d.message, d.line, d.column) for d in raw.diagnostics]
    try:
        return source, read_form(raw)
    except FormError as e:
        return source, [(d.code, d.message, d.file, d.line, d.column, d.hint) for d in e.diagnostics]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(_lines())
@example(b'{"kind": "project", "jurisdiction": "x", "year": 2022, "facts": {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['
         b'[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}')
@example(b'{"kind": "project", "jurisdiction": "x", "year": 2022, "facts": {"a": NaN}}')
@example(b'{"kind": "project", "jurisdiction": "x", "year": 2022, "budget": {"adjusted": 1e400}}')
def test_a_json_lines_line_reads_as_with_the_hooks(line: bytes) -> None:
    fast = _line_outcome(line)
    with mock.patch.object(batch_module, "_plain_line", lambda line: batch_module._NOT_READ):
        assert _line_outcome(line) == fast


@given(st.recursive(st.one_of(st.integers(-(10 ** 17), 10 ** 17), st.decimals(), st.floats(), st.text(max_size=2),
                              st.booleans(), st.none()),
                    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=2), inner,
                                                                                        max_size=3)), max_leaves=12))
def test_all_bounded_is_every_number_bounded(data: Any) -> None:
    def numbers(value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [x for v in value.values() for x in numbers(v)]
        if isinstance(value, list):
            return [x for v in value for x in numbers(v)]
        return [value] if type(value) in (int, Decimal, float) else []

    want = all(type(x) is not float and number_problem(x) is None for x in numbers(data))
    assert all_bounded(data) is want


def test_all_bounded_at_any_depth() -> None:
    deep: Any = [Decimal("1E+400")]
    for _ in range(5000):
        deep = [deep]
    assert all_bounded(deep) is False


# ---------------------------------------------------------------- small caches of reading


@given(st.from_regex(r"\A[%‰A-Za-z\u4e00-\u9fff㎡²/·]{0,8}\Z"), st.decimals(min_value=0, max_value=10 ** 9, places=3))
@example("万元", Decimal("1.5"))
@example("千人", Decimal("2"))
@example("百万元/年", Decimal("3"))
def test_a_units_scale_is_the_canonical_reading(unit: str, value: Decimal) -> None:
    from perfrules import notation

    power, canonical = notation._unit_scale(unit)
    assert (value if power is None else notation._scaled(value, power), canonical) == notation._canonical_unit(
        value, unit)


def test_the_small_caches_of_reading_are_bounded() -> None:
    from perfrules import notation

    assert notation._unit_scale.cache_info().maxsize == 1024  # units of at most 8 letters
    assert forms_module._jurisdiction.cache_info().maxsize == 256  # 地区 of at most 200 characters
    for n in range(300):
        forms_module._jurisdiction(f"湖北省/{n}")
    assert forms_module._jurisdiction.cache_info().currsize == 256


def test_threads_read_rows_at_once() -> None:
    """Several threads fill and clear the same caches at once: no error, every form read right."""
    from concurrent.futures import ThreadPoolExecutor

    def doc(n: int) -> dict[str, Any]:
        return {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
            _row(n % 5000, **({"goal": 1} if n % 3 else {}), **({"level1": f"{n % 70}"} if n % 7 == 0 else {}))]}

    docs = [doc(n) for n in range(6000)]  # more distinct rows than the cache holds: it is cleared too
    want = [_general(d) for d in docs]  # (the general reader, in this thread only: it patches the module)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(read_form, docs))
    assert got == want
    assert forms_module._plain_read is _plain_read  # (nothing left patched)


# ---------------------------------------------------------------- a JSON file's numbers and depth


def _json_outcome(text: str) -> Any:
    from perfrules.reading import parse_documents

    try:
        return [(d.data, d.source, d.text) for d in parse_documents(text.encode(), "f.json", json_=True)]
    except FormError as e:
        return [(d.code, d.message, d.line, d.column, d.hint) for d in e.diagnostics]


def _nested(depth: int, leaf: str) -> str:
    return "[" * depth + leaf + "]" * depth


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(st.one_of(
    _lines().map(bytes.decode),
    st.builds(lambda d, n: '{"kind": "project", "facts": {"a": ' + _nested(d, n) + "}}", st.integers(0, 30), _numbers),
))
@example('{"a": ' + _nested(23, "1") + "}")
@example('{"a": ' + _nested(24, "1") + "}")
@example('{"a": ' + _nested(23, "1e400") + "}")
def test_a_json_files_numbers_and_depth_are_checked_as_by_the_walk_that_names_them(text: str) -> None:
    from perfrules import reading

    fast = _json_outcome(text)
    with mock.patch.object(reading, "all_bounded", lambda data, max_depth=None: False):
        assert _json_outcome(text) == fast


@given(st.recursive(st.one_of(st.integers(-(10 ** 17), 10 ** 17), st.decimals(), st.booleans(), st.none()),
                    lambda inner: st.one_of(st.lists(inner, max_size=2), st.dictionaries(st.text(max_size=1), inner,
                                                                                        max_size=2)), max_leaves=30),
       st.integers(0, 6))
def test_all_bounded_within_a_depth(data: Any, max_depth: int) -> None:
    def deepest(value: Any, depth: int = 0) -> int:
        if isinstance(value, dict):
            return max([deepest(v, depth + 1) for v in value.values()], default=depth)
        if isinstance(value, list):
            return max([deepest(v, depth + 1) for v in value], default=depth)
        return depth

    assert all_bounded(data, max_depth) is (all_bounded(data) and deepest(data) <= max_depth)
