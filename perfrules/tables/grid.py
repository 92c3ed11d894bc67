"""The first stage of reading tables: a workbook sheet or a Word table as a grid of cells.

Every backend (``xlsx``, ``xls``, ``docx``) produces :class:`Grid` objects; the
later stages (``locate``, ``mapping``) never see the file format.  A cell keeps
the text *as shown* (numbers by their number format, so ``0.675`` formatted
``0%`` is ``68%`` and a float's binary artefacts never appear), the exact
:class:`~decimal.Decimal` behind that text when it is a number, and its place
(``Sheet1!F12`` or ``表2 第3行第5列``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

#: Bounds: a form table is small; anything beyond this is not a self-evaluation table.
MAX_ROWS = 2000
MAX_COLUMNS = 60
MAX_FILE_BYTES = 20_000_000



@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as shown: text, exact number (if any), whether % formatted, place."""

    text: str
    place: str
    number: Decimal | None = None  # the shown value; a percentage cell holds the fraction (0.68)
    percent: bool = False
    continued: bool = False  # inside a merged range but not its first cell (repeats its text)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class Grid:
    """A sheet or a Word table: rows of cells (merged ranges expanded), plus any heading above it."""

    name: str  # sheet name, or 表N
    rows: list[list[Cell]]
    heading: str = ""  # text just above a Word table (its title), if any
    heading_place: str = ""
    notes: list[str] = field(default_factory=list)  # reading problems worth a warning

    def cell(self, r: int, c: int) -> Cell:
        row = self.rows[r]
        return row[c] if c < len(row) else Cell("", self.place(r, c))

    def place(self, r: int, c: int) -> str:
        if self.rows and self.rows[0] and "!" in self.rows[0][0].place:
            return f"{self.name}!{column_letter(c)}{r + 1}"
        return f"{self.name} 第{r + 1}行第{c + 1}列"

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def column_letter(c: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


# ---------------------------------------------------------------- numbers as shown

_FIXED = re.compile(r"0(?:\.(0+))?")
_EXCEL_PRECISION = Context(prec=15)
_WIDE = Context(prec=60)


def shown_number(value: float | Decimal, number_format: str) -> tuple[str, Decimal, bool]:
    """A numeric cell as Excel shows it: (text, exact value, is a percentage).

    The value is taken from the shortest decimal that round-trips the float
    (``repr``), cut to Excel's 15 significant digits, then rounded half up to the
    decimals the number format shows (``0.00`` → 2, ``0%`` → 0 of the percentage).
    A ``General`` format shows the value as is.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value), Decimal(0), False  # pragma: no cover - workbooks cannot store these
    if isinstance(value, float):
        exact = _EXCEL_PRECISION.plus(Decimal(repr(value)))
    else:
        exact = Decimal(value)
    fmt = (number_format or "General").split(";")[0]
    fmt = re.sub(r'"[^"]*"|\[[^]]*\]|\\.', "", fmt)  # literal text, colours, escapes
    percent = "%" in fmt
    m = _FIXED.search(fmt.replace(",", "").replace("#", "0"))
    places = len(m.group(1) or "") if m and fmt.strip().lower() != "general" else None
    shown = exact * 100 if percent else exact
    if places is not None:
        shown = shown.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)
    else:
        shown = normalized(shown)
    text = plain(shown)
    if percent:
        return text + "%", shown / 100, True
    return text, shown, False


def plain(x: Decimal) -> str:
    """A decimal written plainly: no exponent, no trailing zeros beyond those shown."""
    return format(x, "f")


def normalized(x: Decimal) -> Decimal:
    """`x` without trailing zeros and never in exponent form (1E+2 → 100)."""
    n = x.normalize(_WIDE)
    return n.quantize(Decimal(1), context=_WIDE) if n == n.to_integral_value() else n


# ---------------------------------------------------------------- labels


_SPACES = re.compile(r"\s+")
_PAREN = re.compile(r"\([^()]*\)")
_POINTS = re.compile(r"\(\s*(\d+(?:\.\d+)?)\s*分\s*\)")
_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "　": " "})


def squash(text: str) -> str:
    """Text without any whitespace (headers broken over lines read as one word)."""
    return _SPACES.sub("", text.translate(_FULLWIDTH))


def label_key(text: str) -> str:
    """A label as a lookup key: no spaces, no ``(…)`` parts, no trailing colon.

    ``年度\\n指标值`` → ``年度指标值``; ``产出指标 (50 分)`` → ``产出指标``;
    ``预算执行情况 (万元) (20分)`` → ``预算执行情况``.
    """
    s = squash(text)
    prev = None
    while prev != s:
        prev, s = s, _PAREN.sub("", s)
    return s.strip(":")


def points_in(text: str) -> Decimal | None:
    """The points a label states, ``年度绩效目标1 (70分)`` → 70; None when it states none."""
    m = _POINTS.search(squash(text).replace("(", "(").replace(")", ")"))
    if not m:
        return None
    try:
        return Decimal(m.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
