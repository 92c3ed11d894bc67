"""Reading 年度指标值 / 实际完成值 as written on a form.

A cell reads as a :class:`Quantity` (number, unit, relation) when it is one
number with an optional sign word and unit — ``≥90%``, ``≤2299.31 万元``,
``13000人``, ``116元/人/年``, ``不低于95%``, ``30万``, ``95%以上`` — or as a
date (``2022年12月31日之前``, ``2022-12-31``).  Anything else (``有效提升``,
``普通居民61元/人/年; 特殊人员140元/人/年``) is text, and the row is
qualitative.  Nothing is guessed: a cell with two numbers is text.

Units are canonical after reading: money in 万元 (元 and 亿元 converted, a bare
万 after a number read as 万元), percentages as fractions with unit ``%``,
other scale prefixes (万人) multiplied out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from functools import lru_cache

#: relation words → canonical relation
_PREFIX = [
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("达到", ">="), ("大于等于", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不大于", "<="), ("不多于", "<="), ("小于等于", "<="),
    ("大于", ">"), ("小于", "<"), ("高于", ">"), ("低于", "<"),
    (">=", ">="), ("≥", ">="), ("＞=", ">="), ("≧", ">="), ("<=", "<="), ("≤", "<="), ("＜=", "<="), ("≦", "<="),
    ("＞＝", ">="), ("＜＝", "<="),
    (">", ">"), ("＞", ">"), ("﹥", ">"), ("<", "<"), ("＜", "<"), ("﹤", "<"),
    ("==", "="), ("=", "="), ("＝", "="), ("﹦", "="), ("等于", "="),  # ﹦ U+FE66, as some templates print it
]
_SUFFIX = [
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("之内", "<="),
    ("以前", "<="), ("之前", "<="), ("前", "<="),
]

_NUMBER = re.compile(r"^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(.*)$")
_UNIT = re.compile(r"^[%‰A-Za-z\u4e00-\u9fff㎡²/·]*$")
_DATE = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:底|末)?$")
_YEAR_END = re.compile(r"^(\d{4})\s*年(?:底|末)$")
_DIGIT = re.compile(r"\d")

#: Words that make a "unit" really a sentence: such cells are text.
_MAX_UNIT_LEN = 8

_SCALES = {"万": 4, "亿": 8, "千": 3, "百万": 6}  # powers of ten


@dataclass(frozen=True, slots=True)
class Quantity:
    """A numeric cell: ``value`` in canonical ``unit``; ``relation`` is ``>= <= > < =`` or ``""``."""

    value: Decimal
    unit: str
    relation: str
    text: str
    is_date: bool = False

    def display(self) -> str:
        if self.is_date:
            return date.fromordinal(int(self.value)).strftime("%Y-%m-%d")
        if self.unit == "%":
            return f"{_plain(self.value * 100)}%"
        return f"{_plain(self.value)}{self.unit}"


def _plain(x: Decimal) -> str:
    if x == x.to_integral_value():
        return str(x.quantize(Decimal(1)))
    return format(x.normalize(), "f")


#: Scaling a cell by a power of ten: exact for any number a form may hold (numbers.py admits at most
#: 24 significant digits), and never the caller's decimal context (which may be prec=3).
_SCALING = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999_999, Emin=-999_999, traps=[])


def _scaled(value: Decimal, power: int) -> Decimal:
    """`value` × 10^power, as ``value / 100`` or ``value * 10000`` would write it, in :data:`_SCALING`."""
    if power < 0:
        return _SCALING.divide(value, _POWERS[-power])
    return _SCALING.multiply(value, _POWERS[power])


_POWERS = {k: Decimal(10) ** k for k in range(9)}


def _canonical_unit(value: Decimal, unit: str) -> tuple[Decimal, str]:
    if unit in ("%", "％", "百分比", "百分数"):  # units written as words: ≥100百分比 is ≥100%
        return _scaled(value, -2), "%"
    if unit == "‰":
        return _scaled(value, -3), "%"
    if unit in ("万元", "万"):
        return value, "万元"
    if unit == "元":
        return _scaled(value, -4), "万元"
    if unit in ("亿元", "亿"):
        return _scaled(value, 4), "万元"
    for prefix in ("百万", "万", "亿", "千"):
        if unit.startswith(prefix) and len(unit) > len(prefix):
            rest = unit[len(prefix):]
            if rest.startswith("元/"):
                return _scaled(value, _SCALES[prefix]), rest
            if rest == "元":  # pragma: no cover - handled above
                break
            return _scaled(value, _SCALES[prefix]), rest
    return value, unit


def _by_letter(words: list[tuple[str, str]], at: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """`words` grouped by their first (`at` 0) or last (-1) letter, each group in the order of `words`."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for word, rel in words:
        groups.setdefault(word[at], []).append((word, rel))
    return {letter: tuple(group) for letter, group in groups.items()}


#: Only the words that begin (end) with a cell's first (last) letter can match it: tried in order.
_PREFIX_BY_FIRST = _by_letter(_PREFIX, 0)
_SUFFIX_BY_LAST = _by_letter(_SUFFIX, -1)


def _strip_relation(text: str) -> tuple[str, str]:
    relation = ""
    for word, rel in _PREFIX_BY_FIRST.get(text[:1], ()):
        if text.startswith(word):
            relation, text = rel, text[len(word):].strip()
            break
    for word, rel in _SUFFIX_BY_LAST.get(text[-1:], ()):
        if text.endswith(word):
            if relation and relation != rel:
                return "", ""  # contradictory: "≥5以内" is text
            relation, text = rel, text[: -len(word)].strip()
            break
    return relation, text


def _read_date(body: str) -> date | None:
    m = _DATE.match(body)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _MONTH.match(body)
        if m:
            y, mo = int(m.group(1)), int(m.group(2))
            nxt = date(y + (mo == 12), mo % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        m = _YEAR_END.match(body)
        if m:
            return date(int(m.group(1)), 12, 31)
    except ValueError:
        return None
    return None


#: Cells read are remembered (the targets of a ruleset's rows repeat on every form): at most this
#: many, each of at most :data:`CACHED_TEXT_LENGTH` characters (a longer cell is read every time).
CACHE_SIZE = 4096
CACHED_TEXT_LENGTH = 64

#: The cells most forms hold — ``73731``, ``95.5``, ``98%``, ``13000人``, ``116元/人/年``, ``95%以上`` —
#: a plain number and a unit of the letters :data:`_UNIT` admits, read without the general reader.
_NUMBER_UNIT = re.compile(r"([0-9]{1,30}(?:\.[0-9]{1,28})?)([%‰A-Za-z\u4e00-\u9fff㎡²/·]{0,8})")


def read_cell(text: str) -> Quantity | None:
    """The quantity `text` states, or ``None`` when the cell is text."""
    if len(text) > CACHED_TEXT_LENGTH:
        return _read_cell(text)
    return _read_cell_cached(text)


@lru_cache(maxsize=CACHE_SIZE)
def _read_cell_cached(text: str) -> Quantity | None:
    return _read_cell(text)


def _read_cell(text: str) -> Quantity | None:
    m = _NUMBER_UNIT.fullmatch(text)
    if m is None or len(text) > 60:
        return read_cell_general(text)
    number, unit = m.groups()
    if not unit:
        return Quantity(Decimal(number), "", "", text)
    if unit[0] == "年":  # 2022年底 is a date
        return read_cell_general(text)
    # As the general reader reads it: no relation word begins with a digit; one may end the unit
    # (95%以上); no date and no second number (the unit has no digit); the unit's letters pass _UNIT.
    relation = ""
    for word, rel in _SUFFIX_BY_LAST.get(unit[-1], ()):
        if unit.endswith(word):
            relation, unit = rel, unit[: -len(word)]
            break
    power, unit = _unit_scale(unit)
    value = Decimal(number)
    return Quantity(value if power is None else _scaled(value, power), unit, relation, text)


_ONE = Decimal(1)


@lru_cache(maxsize=1024)
def _unit_scale(unit: str) -> tuple[int | None, str]:
    """How :func:`_canonical_unit` reads a number written with `unit` (at most 8 letters): the power
    of ten it scales it by (None: left as it is) and the canonical unit."""
    one, canonical = _canonical_unit(_ONE, unit)
    return (None if one is _ONE else one.adjusted()), canonical


def read_cell_general(text: str) -> Quantity | None:
    """:func:`read_cell` for every cell (no cache, no shortcut): the reference the shortcut is tested against."""
    raw = text
    text = text.strip().replace("，", ",").replace("．", ".")
    if not text or len(text) > 60:
        return None
    relation, body = _strip_relation(text)
    if not body:
        return None
    when = _read_date(body)
    if when is not None:
        return Quantity(Decimal(when.toordinal()), "date", relation, raw, is_date=True)
    m = _NUMBER.match(body)
    if not m:
        return None
    number, unit = m.group(1).replace(",", ""), m.group(2).strip().replace(" ", "")
    if len(unit) > _MAX_UNIT_LEN or not _UNIT.match(unit) or _DIGIT.search(unit):
        return None
    try:
        value = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the regex admits only numbers
        return None
    value, unit = _canonical_unit(value, unit)
    return Quantity(value, unit, relation, raw)


def written_unit(text: str) -> str:
    """The unit of a numeric cell as written (``元``, ``万人``, ``%``, ``百分比``), or ""."""
    _, body = _strip_relation(text.strip().replace("，", ",").replace("．", "."))
    m = _NUMBER.match(body)
    return m.group(2).strip().replace(" ", "") if m else ""


def direction_of(relation: str) -> str | None:
    """The scoring direction a target's relation states: positive, reverse, or None (unsigned)."""
    if relation in (">=", ">"):
        return "positive"
    if relation in ("<=", "<"):
        return "reverse"
    return None


def same_text(a: str, b: str) -> bool:
    """Target and actual texts that say the same thing (white space and ；; folded)."""
    def norm(s: str) -> str:
        return re.sub(r"\s+", "", s).replace("；", ";").replace("，", ",")

    return norm(a) == norm(b)
