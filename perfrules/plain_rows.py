"""Reading the rows of a plain form fast: what a row's fixed texts give is worked out once per shape.

The forms of one ruleset repeat their rows: the same keys, the same 名称, 分值, 年度指标值 and 指标
levels on every form; only 实际完成值, 得分, 等次 and 偏差原因 change.  :class:`RowReader` reads a
form's rows as :func:`perfrules.plain_forms.plain_form` tests them and as the general reader
(:func:`perfrules.forms.read_form`) converts them, in one pass:

- a row's *keys* (their order included) are looked up once: known to the schema, the required ones
  there, which of them are fixed (:data:`FIXED`) and which change (:data:`CHANGING`);
- its *fixed values*, when each is an exact ``str``, ``int`` or ``bool`` (no ``Decimal`` or float:
  ``10`` and ``10.0`` are equal keys but not the same text) and their texts are short, are looked up
  in a bounded cache: tested, converted and the 年度指标值 read once (:class:`Fixed`);
- the values that change are tested and converted on every row.

A row the reader cannot take the fast way (a value that is not plain, a key it does not know) makes
the whole form not plain: :meth:`RowReader.read` gives None and the general reader reads the form,
with its messages.  ``tests/test_plain_rows.py`` holds the rows read here equal to the general
reader's over generated forms.  Nothing a form writes becomes code: the caches hold values only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

from .cells import Note, read_pair
from .notation import Quantity, read_cell
from .plain_forms import NOT_PLAIN, FormShape

#: The fields of a row that repeat from form to form (the row's identity and its target).
FIXED = ("goal", "level1", "level2", "name", "weight", "target", "applicable")
#: The fields of a row that change from form to form.
CHANGING = ("actual", "tier", "declared_score", "reason", "note")

#: Bounds of the caches: distinct key orders, distinct fixed values (all key orders together), and
#: the longest 年度指标值 a cached entry may hold (名称 and the levels are bounded by the schema).
MAX_SHAPES = 64
MAX_ENTRIES = 4096
MAX_CACHED_TEXT = 64

_KEY_TYPES = frozenset({str, int, bool})


@dataclass(slots=True)  # (not frozen: a frozen dataclass is slower to build; never changed once built)
class Fixed:
    """What a row's fixed values give: the ``Row`` fields they fill, its target read, and whether
    they leave the row applicable (``applicable`` not false, the target not 不适用)."""

    fields: dict[str, Any]
    target: Quantity | None
    applicable: bool
    types: tuple[type, ...]  # of the values it was read from (1 and True are equal keys)


@dataclass(frozen=True, slots=True)
class Shape:
    """A row's keys in their order: a getter of its fixed values, whether any changing field but
    ``actual`` is present, and the cache of its fixed values (bounded by :data:`MAX_ENTRIES`)."""

    fixed: Callable[[dict[str, Any]], tuple[Any, ...]]
    names: tuple[str, ...]
    extra: bool
    entries: dict[tuple[Any, ...], Fixed]


@dataclass(frozen=True, slots=True)
class RowsRead:
    """A form's rows read the fast way, and what reading them noted (a row's path, its note)."""

    rows: tuple[Any, ...]
    notes: tuple[tuple[str, Note], ...]


@dataclass(frozen=True)
class RowKit:
    """What the form reader gives this module (it sits above it): the ``Row`` class, how a cell's
    value is written as text, a 偏差原因 read, the marks of 不适用, and the path of row *i*."""

    row: type
    cell_text: Callable[[Any], str]
    reason_text: Callable[[Any], str]
    inapplicable: frozenset[str]
    row_path: Callable[[int], str]


class RowReader:
    """Reads the rows of plain forms under one :class:`FormShape` (see the module's docstring)."""

    def __init__(self, shape: FormShape, kit: RowKit):
        self.shape, self.kit = shape, kit
        self.shapes: dict[tuple[Any, ...], Shape | None] = {}
        self.types: set[tuple[type, ...]] = set()  # the types of fixed values that may be looked up
        self.entries = 0  # cached fixed values, all shapes together

    def read(self, rows: Any) -> RowsRead | None:
        """The rows `rows` (a form's ``indicators``) as the general reader reads them, or None when
        they are not plain."""
        shape = self.shape
        if type(rows) is not list or len(rows) > shape.rows_max:
            return None
        kit = self.kit
        new, row_class, marks = object.__new__, kit.row, kit.inapplicable
        checks = shape.row
        check_cell = checks["actual"]
        shapes, types_seen = self.shapes, self.types
        out: list[Any] = []
        notes: list[tuple[str, Note]] = []
        for i, r in enumerate(rows):
            if type(r) is not dict:
                return None
            keys = tuple(r)
            plan = shapes.get(keys, NOT_PLAIN)
            if plan is NOT_PLAIN:
                plan = self._shape(keys)
            if plan is None:
                return None
            values = plan.fixed(r)
            types = tuple(map(type, values))
            # only exact str, int and bool values are hashed (no code of an embedder's objects runs)
            entry = plan.entries.get(values) if types in types_seen else None
            if entry is None or entry.types != types:
                entry = self._fixed(plan, values, types)
                if entry is None:
                    return None
            actual = r["actual"]
            if type(actual) is str:
                a_text = actual
            else:
                actual = check_cell(actual)
                if actual is NOT_PLAIN:
                    return None
                a_text = kit.cell_text(actual)
            target, read = entry.target, read_cell(a_text)
            row: Any = new(row_class)
            fields = row.__dict__
            fields.update(entry.fields)
            fields["index"] = i
            fields["actual_text"] = a_text
            fields["actual"] = read
            applicable = entry.applicable and a_text.strip() not in marks
            if plan.extra:
                extra = self._extra(r)
                if extra is None:
                    return None
                tier, fields["declared"], fields["reason"] = extra
                fields["tier"] = tier
                applicable = applicable and not (type(tier) is str and tier.strip() in marks)
            fields["applicable"] = applicable
            if (target is not None and read is not None and not target.is_date and not read.is_date
                    and bool(target.unit) != bool(read.unit)):
                pair = read_pair(entry.fields["name"], target, read)
                fields["target"], fields["actual"] = pair.target, pair.actual
                path = kit.row_path(i)
                notes.extend((path, note) for note in pair.notes)
            out.append(row)
        return RowsRead(tuple(out), tuple(notes))

    def _shape(self, keys: tuple[Any, ...]) -> Shape | None:
        """The :class:`Shape` of rows with `keys` (None: not plain), remembered (bounded)."""
        shape = self.shape
        plan = None
        if (all(type(k) is str for k in keys) and set(keys) <= shape.row.keys()
                and shape.row_required <= set(keys)):
            names = tuple(k for k in keys if k in FIXED)
            plan = Shape(itemgetter(*names), names, any(k not in FIXED and k != "actual" for k in keys), {})
        if len(self.shapes) >= MAX_SHAPES:
            self.shapes.clear()
            self.entries = 0
        self.shapes[keys] = plan
        return plan

    def _fixed(self, plan: Shape, values: tuple[Any, ...], types: tuple[type, ...]) -> Fixed | None:
        """The fixed values of a row tested and converted (None: not plain); remembered when each is
        an exact str, int or bool and the 年度指标值 is short."""
        checks, kit = self.shape.row, self.kit
        given = dict(zip(plan.names, values))
        for name, value in given.items():
            kept = checks[name](value)
            if kept is not value:
                if kept is NOT_PLAIN:
                    return None
                given[name] = kept
        target = given["target"]
        t_text = target if type(target) is str else kit.cell_text(target)
        weight = given["weight"]
        read = read_cell(t_text)
        # (the tests passed: goal an int, the levels and the name exact strs, the weight an int or Decimal)
        fields = {
            "goal": given.get("goal", 1), "level1": given.get("level1", ""), "level2": given.get("level2", ""),
            "name": given["name"], "weight": weight if type(weight) is Decimal else Decimal(weight),
            "target_text": t_text, "target": read, "tier": None, "declared": None, "reason": "",
        }
        entry = Fixed(fields, read, given.get("applicable", True) is not False
                      and t_text.strip() not in kit.inapplicable, types)
        if len(t_text) <= MAX_CACHED_TEXT and _KEY_TYPES.issuperset(types):
            if self.entries >= MAX_ENTRIES:  # all shapes' entries together are bounded
                for other in list(self.shapes.values()):  # (a copy: another thread may add a shape)
                    if other is not None:
                        other.entries.clear()
                self.entries = 0
            plan.entries[values] = entry
            self.entries += 1
            self.types.add(types)
        return entry

    def _extra(self, r: dict[str, Any]) -> tuple[Any, Any, str] | None:
        """A row's 等次, 得分 (a Decimal, or None) and 偏差原因 tested and read; None: not plain."""
        checks = self.shape.row
        tier, declared, reason = r.get("tier"), r.get("declared_score"), ""
        if tier is not None or "tier" in r:
            if checks["tier"](tier) is NOT_PLAIN:
                return None
        if declared is not None or "declared_score" in r:
            declared = checks["declared_score"](declared)
            if declared is NOT_PLAIN:
                return None
            if declared is not None and type(declared) is not Decimal:
                declared = Decimal(declared)
        if "reason" in r:
            if checks["reason"](r["reason"]) is NOT_PLAIN:
                return None
            reason = self.kit.reason_text(r["reason"])
        if "note" in r and checks["note"](r["note"]) is NOT_PLAIN:
            return None
        return tier, declared, reason
