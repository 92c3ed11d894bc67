"""The fast reading of forms equals the general one.

- a *plain* form (perfrules/plain_forms.py) is one the general reader would leave unchanged and the
  schema accepts: proved on generated documents around the schema (valid forms, each field replaced
  by values of every type and at every bound), and read_form gives the same Form, notices and
  errors with the fast test as without it;
- a row is built without the frozen dataclass's ``__init__`` and is the same ``Row``;
- the shortcut for plain numerals in read_cell reads as the general reader does; the relation
  words are looked up by letter and found as the ordered scan finds them; the cache of cell
  readings is bounded in entries and text length, and what it holds cannot be changed.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import perfrules
from perfrules import forms as forms_module
from perfrules import notation
from perfrules.errors import FormError
from perfrules.forms import (
    RawForm,
    Row,
    _new_row,
    _numeric_fields,
    _numeric_tree,
    _plain,
    _validator,
    form_schema,
    is_valid_form,
    parse_documents,
    read_form,
)
from perfrules.numbers import normalize
from perfrules.plain_forms import PARTS, FormShape, never
from perfrules.testing import forms

ROOT = Path(__file__).resolve().parent.parent
_HS = perfrules.load_ruleset("hubei/huangshi/project-2022")

# ---------------------------------------------------------------- documents around the schema

_odd_numbers = st.one_of(
    st.integers(-(10**16), 10**16), st.integers(-3, 1001),
    st.sampled_from([0, 1, 99, 100, 1000, 1949, 2200, 1948, 2201, 10**6, 10**6 + 1, 10**12, 10**12 + 1, 10**15,
                     10**15 + 1, -1]),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-5, max_value=10**13, places=3, allow_nan=False),
    st.sampled_from([Decimal("1E+15"), Decimal("1.0E+15"), Decimal("1E-15"), Decimal("1E-16"), Decimal("-0"),
                     Decimal("0E-30"), Decimal("1000.0000000000000000000001"), Decimal("1E+1000"),
                     Decimal("1000000.000"), Decimal("1000000.001")]),
    st.floats(allow_nan=True, allow_infinity=True),
)
_odd_texts = st.one_of(
    st.text(max_size=6), st.from_regex(r"\A\s?[-+]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][-+]?[0-9]{1,4})?\s?\Z"),
    st.sampled_from(["", " ", "/", " / ", "湖北省", "10", "1e3", "-3.5", " 7 ", "2022", "1E400", "0.5", "1.0", "x" * 40, "x" * 41,
                                          "x" * 100, "x" * 101, "x" * 200, "x" * 201, "≥90%", "不适用", "n/a", "无"]),
)
_odd_values = st.one_of(
    st.none(), st.booleans(), _odd_numbers, _odd_texts,
    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=3), st.booleans(), st.none()), max_size=3),
    st.tuples(st.integers(0, 5)), st.dictionaries(st.sampled_from(["adjusted", "executed", "x"]), st.integers(-1, 5),
                                                   max_size=2),
    st.builds(lambda n: ["a"] * n, st.sampled_from([500, 501])),
)


def _replace(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """`doc` with the value at `path` replaced (or added), the rest shared."""
    if not path:
        return value  # type: ignore[no-any-return]
    head, rest = path[0], path[1:]
    if isinstance(doc, list):
        out_list = list(doc)
        out_list[head] = _replace(doc[head], rest, value)
        return out_list  # type: ignore[return-value]
    return {**doc, head: _replace(doc.get(head, {}), rest, value) if rest else value}


_FIELDS = {
    "top": ["kind", "jurisdiction", "year", "ruleset", "unit", "title", "declared_total", "declared_grade", "notes",
            "facts", "budget", "aggregated_from", "indicators", "extra", 1],
    "budget": ["initial", "adjusted", "executed", "declared_rate", "declared_score", "sources", "breakdowns",
               "extra"],
    "row": ["goal", "level1", "level2", "name", "weight", "target", "actual", "tier", "declared_score", "note",
            "reason", "applicable", "extra"],
    "facts": ["a", "b"],
    "sources": ["appropriation", "carryover", "other", "extra"],
}


@st.composite
def _near_forms(draw: st.DrawFn) -> Any:
    """A valid form with one to three values replaced by odd ones (or removed)."""
    doc: Any = draw(forms(_HS))
    if draw(st.booleans()):  # numbers written as numerals, as json.dumps(…, default=str) writes Decimals
        doc = _numerals(doc, draw(st.sampled_from([str, lambda x: f" {x} ", lambda x: f"{x}e0", float])))
    if draw(st.booleans()):
        doc = {**doc, "facts": draw(st.dictionaries(st.sampled_from(["a", "b"]), _odd_values, max_size=2))}
    if draw(st.booleans()):
        doc = {**doc, "budget": {**doc.get("budget", {}), "sources": {
            "appropriation": {"adjusted": Decimal(60), "executed": 50}, "other": {"initial": None}}}}
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "budget", "row", "facts", "sources"]))
        if where == "top":
            path: tuple[Any, ...] = (draw(st.sampled_from(_FIELDS["top"])),)
        elif where == "budget":
            path = ("budget", draw(st.sampled_from(_FIELDS["budget"])))
        elif where == "facts":
            path = ("facts", draw(st.sampled_from(_FIELDS["facts"])))
        elif where == "sources":
            path = ("budget", "sources", draw(st.sampled_from(_FIELDS["sources"])))
        else:
            rows = doc.get("indicators")
            if not isinstance(rows, list) or not rows or not isinstance(rows[0], dict):
                continue
            path = ("indicators", draw(st.integers(0, len(rows) - 1)), draw(st.sampled_from(_FIELDS["row"])))
        parent = doc
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else (
                parent[part] if isinstance(parent, list) else None)
        if not isinstance(parent, dict):
            continue
        if draw(st.integers(0, 5)) == 0 and path[-1] in parent:
            removed = {k: v for k, v in parent.items() if k != path[-1]}
            doc = _replace(doc, path[:-1], removed) if len(path) > 1 else removed
        else:
            doc = _replace(doc, path, draw(_odd_values))
    return doc


_NUMERIC = {"year", "goal", "weight", "declared_score", "declared_total", "initial", "adjusted", "executed",
            "declared_rate", "target", "actual"}


def _numerals(value: Any, write: Any, key: str = "") -> Any:
    """`value` with the numbers of its fields of numbers (and some others) written another way."""
    if isinstance(value, dict):
        return {k: _numerals(v, write, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numerals(v, write) for v in value]
    if key in _NUMERIC and type(value) in (int, Decimal):
        return write(value)
    return value


def _outcome(doc: Any) -> Any:
    """What read_form makes of `doc`: the Form, or the error messages with their places."""
    try:
        return read_form(doc)
    except FormError as e:
        return [(d.code, d.message, d.file, d.line, d.column, d.hint) for d in e.diagnostics]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(_near_forms(), forms(_HS)))
@example({"kind": "project", "jurisdiction": "湖北省", "year": 2022})
@example({"kind": "project", "jurisdiction": " / ", "year": 2022})
@example({"kind": "project", "jurisdiction": "湖北省", "year": 2022, "facts": {"a": [True]}})
@example({"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": ({"name": "a", "weight": 1,
                                                                                 "target": 1, "actual": 1},)})
def test_a_plain_form_reads_as_the_general_reader_reads_it(doc: Any) -> None:
    before = copy.deepcopy(doc)
    plain = _plain(doc)
    assert doc == before  # never changed
    if plain is not None:
        normalized, issues = normalize(doc, _numeric_fields(), True, _numeric_tree())
        assert not issues and plain == normalized and (plain is doc) == (normalized is doc)
        assert is_valid_form(plain) and _validator().is_valid(plain)
    as_file = RawForm(doc, "f.yaml", {})  # as a file's reader hands it over (read_form trusts its bounds)
    fast, fast_file = _outcome(doc), _outcome(as_file)
    with mock.patch.object(forms_module, "_plain_read", lambda data, floats=True: None):
        general, general_file = _outcome(doc), _outcome(as_file)
    assert fast == general and fast_file == general_file


def test_the_forms_of_a_batch_are_plain() -> None:
    """The fast test answers True where it should (else the property above would prove nothing)."""
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks import bench_huangshi, bench_peer

    assert all(_plain(bench_peer.to_form_dict(f)) is not None for f in bench_peer.generate(50, 1))
    assert all(_plain(d) is not None for d in bench_huangshi.generate(50, 1))
    as_text = json.loads(json.dumps(bench_peer.to_form_dict(bench_peer.generate(1, 1)[0]), default=str))
    assert as_text["budget"]["adjusted"] == "960" and _plain(as_text) is not None  # numerals read


def test_every_valid_form_of_the_repository_is_plain_and_reads_the_same_either_way() -> None:
    paths = [p for top in ("rulesets", "tests/data/field", "tests/golden") for p in sorted((ROOT / top).rglob("*.yaml"))
             if "indicators:" in p.read_text(encoding="utf-8", errors="replace")]
    raws = []
    for path in paths:
        try:
            raws += parse_documents(path.read_bytes(), str(path))
        except FormError:
            continue
    valid = [raw for raw in raws if isinstance(raw.data, dict) and is_valid_form(raw.data)]
    assert len(valid) >= 20
    for raw in valid:
        assert _plain(raw.data) is raw.data, raw.source
        fast = _outcome(raw)
        with mock.patch.object(forms_module, "_plain_read", lambda data, floats=True: None):
            assert _outcome(raw) == fast, raw.source


@settings(max_examples=60, deadline=None)
@given(forms(_HS))
def test_a_valid_generated_form_is_plain(doc: dict[str, Any]) -> None:
    assert _plain(doc) is doc


def test_the_fast_test_knows_every_field_of_the_schema() -> None:
    """A field or keyword the schema gains must be taught to plain_forms.py (else its forms go the
    general way only, silently slower): every scalar field has a known test, and the parts tested
    by hand are as the module was written for."""
    schema = form_schema()
    shape = FormShape.of(schema)
    for specs in (shape.top, shape.budget, shape.source, shape.row):
        assert never not in specs.values(), specs
    assert set(shape.top) | set(PARTS) == set(schema["properties"])
    top = schema["properties"]
    assert top["facts"] == {
        "type": "object", "maxProperties": 500, "additionalProperties": {"anyOf": [
            {"type": ["string", "number", "boolean"]},
            {"type": "array", "maxItems": 500, "items": {"type": ["string", "number"]}}]},
        "description": top["facts"]["description"]}
    assert {k: v for k, v in top["aggregated_from"].items() if k != "description"} == {
        "type": "array", "maxItems": 500, "items": {"type": "string", "maxLength": 1000}}
    assert top["indicators"] == {"type": "array", "maxItems": 500, "items": {"$ref": "#/$defs/indicator"}}
    assert top["budget"] == {"$ref": "#/$defs/budget"}
    defs = schema["$defs"]
    assert {k for k in defs["budget"] if k != "description"} == {"type", "properties", "additionalProperties"}
    assert defs["budget"]["additionalProperties"] is False and defs["indicator"]["additionalProperties"] is False
    assert defs["source"]["additionalProperties"] is False and schema["additionalProperties"] is False
    sources = defs["budget"]["properties"]["sources"]
    assert {k: v for k, v in sources.items() if k not in ("description", "properties")} == {
        "type": "object", "additionalProperties": False}
    assert all(v["$ref"] == "#/$defs/source" for v in sources["properties"].values())


# ---------------------------------------------------------------- rows


def test_a_row_built_at_once_is_the_row_its_class_builds() -> None:
    doc = {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "indicators": [
        {"name": "覆盖率", "weight": 10, "target": "≥90%", "actual": "95", "tier": "达成", "declared_score": 9,
         "reason": "无", "goal": 2, "level1": "产出指标", "level2": "数量指标"}]}
    (row,) = read_form(doc).rows
    fields = {f.name: getattr(row, f.name) for f in dataclasses.fields(Row)}
    assert vars(row) == fields  # every field set, nothing else
    assert row == Row(**fields) and hash(row) == hash(Row(**fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.weight = Decimal(1)  # type: ignore[misc]
    assert not hasattr(Row, "__post_init__")  # nothing _new_row would skip
    assert _new_row(**fields) == row


# ---------------------------------------------------------------- cells


_UNIT_PARTS = ["年", "底", "末", "以上", "以下", "及以上", "以内", "前", "之前", "万", "元", "亿", "百万", "千", "人", "/", "%",
               "‰", "年底", "万元", "亿元", "元/人/年", "百分比", "㎡", "·", "A", "个", " "]
_cell_texts = st.one_of(
    st.from_regex(r"\A[0-9]{1,32}(\.[0-9]{0,30})?%?\Z"),
    st.tuples(st.from_regex(r"\A[0-9]{1,6}(\.[0-9]{1,3})?\Z"),
              st.lists(st.sampled_from(_UNIT_PARTS), max_size=3).map("".join)).map("".join),
    st.from_regex(r"\A[0-9]{1,4}(\.[0-9]{1,2})?[%‰A-Za-z\u4e00-\u9fff㎡²/·]{0,9}\Z"),
    st.from_regex(r"\A\s?[+-]?[0-9,.]{1,12}\s?(%|％|‰|万元|元|人|万人|亿|年|年底|以上|前)?\s?\Z"),
    st.text(alphabet="0123456789.,%％≥≤<>=＞年月日万元人/ 以上下内前之不低于", max_size=14),
    st.text(max_size=8),
)


@settings(max_examples=500)
@given(_cell_texts)
@example("0" * 30 + "." + "0" * 28 + "%")
@example("1" * 31)
@example("95.%")
@example("007")
@example("2022年底")
@example("2022年前")
@example("95%以上")
@example("5以上")
@example("30万")
@example("1" * 52 + "元/人/年")
@example("1" * 50 + "元/人/年")
def test_the_shortcut_for_plain_numbers_reads_as_the_general_reader(text: str) -> None:
    assert notation._read_cell(text) == notation.read_cell_general(text)
    assert notation.read_cell(text) == notation.read_cell_general(text)


def _strip_relation_by_scan(text: str) -> tuple[str, str]:
    """The relation words tried one after the other, as notation.py did before it grouped them."""
    relation = ""
    for word, rel in notation._PREFIX:
        if text.startswith(word):
            relation, text = rel, text[len(word):].strip()
            break
    for word, rel in notation._SUFFIX:
        if text.endswith(word):
            if relation and relation != rel:
                return "", ""
            relation, text = rel, text[: -len(word)].strip()
            break
    return relation, text


_relation_texts = st.lists(st.sampled_from(
    [w for w, _ in notation._PREFIX] + [w for w, _ in notation._SUFFIX] + ["5", " ", "%", "人", "x", ""]),
    max_size=4).map("".join)


@settings(max_examples=400)
@given(st.one_of(_relation_texts, st.text(max_size=6)))
def test_relation_words_found_by_letter_as_by_scan(text: str) -> None:
    assert notation._strip_relation(text) == _strip_relation_by_scan(text)


def test_the_cache_of_cells_is_bounded() -> None:
    cache = notation._read_cell_cached
    assert cache.cache_info().maxsize == notation.CACHE_SIZE
    long_text = " " * notation.CACHED_TEXT_LENGTH + "5"
    before = cache.cache_info()
    assert notation.read_cell(long_text) == notation.read_cell_general(long_text)
    after = cache.cache_info()
    assert (after.hits, after.misses, after.currsize) == (before.hits, before.misses, before.currsize)
    for n in range(notation.CACHE_SIZE + 10):
        notation.read_cell(f"{n}人")
    assert cache.cache_info().currsize == notation.CACHE_SIZE
    q = notation.read_cell("≥90%")
    assert q is notation.read_cell("≥90%")  # shared: so it must not change
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.value = Decimal(1)  # type: ignore[misc]


def test_a_json_form_reads_the_same_by_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's form (RawForm, with its lines) goes the fast way too: same Form, same lines."""
    doc = {"kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022, "declared_total": 5,
           "budget": {"adjusted": 100, "executed": Decimal("67.5"), "declared_rate": "68%"},
           "indicators": [{"name": "人数", "weight": 10, "target": "≥100人", "actual": 95, "declared_score": None}]}
    text = json.dumps(doc, default=str, ensure_ascii=False, indent=1).replace('"67.5"', "67.5")
    (raw,) = parse_documents(text.encode(), "f.json", json_=True)
    assert _plain(raw.data) is raw.data
    fast = read_form(raw)
    monkeypatch.setattr(forms_module, "_plain_read", lambda data, floats=True: None)
    (raw,) = parse_documents(text.encode(), "f.json", json_=True)
    general = read_form(raw)
    assert fast == general and fast.notices and fast.notices[0].line == general.notices[0].line


def test_a_float_in_a_files_form_is_left_to_the_general_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's readers never give a float; were one there (a RawForm made by hand), the general
    reader reads only the fields of numbers of a file's form, so the fast way leaves it alone."""
    doc = {"kind": "project", "jurisdiction": "湖北省", "year": 2022, "budget": {"adjusted": 8, "executed": 4.0},
           "indicators": [{"name": "a", "weight": 10, "target": "≥90%", "actual": 1e-05}]}
    raw = RawForm(doc, "f.yaml", {})
    assert _plain(doc, floats=False) is None and _plain(doc) is not None
    fast = _outcome(raw)
    monkeypatch.setattr(forms_module, "_plain_read", lambda data, floats=True: None)
    assert _outcome(raw) == fast


def test_a_nan_is_not_a_valid_form_and_no_crash() -> None:
    from decimal import Decimal

    from perfrules.forms import is_valid_form

    doc = {"kind": "project", "jurisdiction": "全国", "year": 2024,
           "budget": {"adjusted": Decimal("NaN"), "executed": 1}, "indicators": []}
    assert is_valid_form(doc) is False
    assert is_valid_form({**doc, "budget": {"adjusted": Decimal(100), "executed": Decimal(90)}}) is True
