"""Numbers a form may carry: exact, finite, bounded — whoever wrote them.

One behaviour for every way a form arrives (a YAML or JSON file, a ``dict``
from an embedder):

- a number is a ``Decimal`` or an ``int``, read exactly;
- a ``float`` (``json.loads`` without ``parse_float``) is read by its shortest
  round-tripping text — ``4.002`` is ``Decimal("4.002")``, what was typed, not
  the binary ``4.00199999999999977973175…``; ``nan`` and ``inf`` are refused;
- a string in a field that holds only numbers (``budget.adjusted: "100"``) is
  read exactly when it is a plain decimal numeral (``100``, ``-3.5``,
  ``1.2e3``); anything else there stays text and the schema refuses it;
- every number is bounded: ``|x| ≤ 10^15``, a non-zero ``|x| ≥ 10^-15``, at
  most 24 significant digits.  Beyond that the form is refused with the
  field's path, never scored with an overflowed or vanished value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_MAGNITUDE = Decimal(10) ** 15
#: The smallest magnitude a non-zero number may have: 10^MIN_ADJUSTED.
MIN_ADJUSTED = -15
MAX_DIGITS = 24
#: How deep an embedder's dict may nest before it is refused (the schema allows far less).
MAX_DEPTH = 32

_NUMERAL = re.compile(r"^[-+]?(0|[1-9][0-9]*)?(\.[0-9]+)?([eE][-+]?[0-9]{1,6})?$")
_INTEGER = re.compile(r"^[-+]?(0|[1-9][0-9]{0,17})$")

_HINT_BIG = "金额以万元计，分值以分计；检查是否多写了位数"
_HINT_FINITE = "写出一个有限的数字"


@dataclass(frozen=True)
class NumberIssue:
    """A number a form cannot carry: where (path parts), what is wrong, what to do."""

    parts: tuple[str | int, ...]
    message: str
    hint: str | None = None


def number_problem(value: Decimal | int) -> tuple[str, str | None] | None:
    """Why `value` cannot be read as a form's number (message, hint), or None if it can.

    Works without any decimal context: nothing here can overflow or round.
    """
    if isinstance(value, int):
        if -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            return None
        return "过大（绝对值不能超过 10^15）", _HINT_BIG
    if not value.is_finite():
        return "不是有效的数值", _HINT_FINITE
    if not value:
        return None
    adjusted = value.adjusted()
    if adjusted >= 15 and value.copy_abs() > MAX_MAGNITUDE:
        return "过大（绝对值不能超过 10^15）", _HINT_BIG
    if adjusted < MIN_ADJUSTED:
        return "过小（非零数值的绝对值不能小于 10^-15）", "检查指数或小数位数；确实为零就写 0"
    digits = value.as_tuple().digits
    if len(digits) > MAX_DIGITS and len("".join(map(str, digits)).rstrip("0")) > MAX_DIGITS:
        return f"有效数字超过 {MAX_DIGITS} 位", "保留到实际需要的小数位"
    return None


def all_bounded(data: Any, max_depth: int | None = None) -> bool:
    """Whether every number in `data` (dicts, lists and scalars, as ``json.loads`` gives them) is an
    ``int`` or ``Decimal`` within the bounds; a float (NaN, Infinity) is not.  With `max_depth`, also
    whether no value lies deeper (the root at depth 0).  Iterative: any depth."""
    if max_depth is None:
        stack = [data]
        while stack:
            value = stack.pop()
            kind = type(value)
            if kind is dict:
                stack.extend(value.values())
            elif kind is list:
                stack.extend(value)
            elif kind is float:
                return False
            elif (kind is int or kind is Decimal) and number_problem(value) is not None:
                return False
        return True
    deep: list[tuple[Any, int]] = [(data, 0)]
    while deep:
        value, depth = deep.pop()
        if depth > max_depth:
            return False
        kind = type(value)
        if kind is dict or kind is list:
            deep.extend((item, depth + 1) for item in (value.values() if kind is dict else value))
        elif kind is float or ((kind is int or kind is Decimal) and number_problem(value) is not None):
            return False
    return True


def from_float(x: float) -> Decimal:
    """A finite float as the decimal its shortest text names (``4.002`` → ``Decimal('4.002')``)."""
    if not math.isfinite(x):
        raise ValueError(f"{x} 不是有限的数值")
    return Decimal(repr(x))


def read_numeral(text: str, integer: bool = False) -> Decimal | int | None:
    """A plain decimal numeral read exactly (an ``int`` if `integer`); None if `text` is not one."""
    if integer:
        return int(text) if _INTEGER.match(text) else None
    if not _NUMERAL.match(text) or not any(ch.isdigit() for ch in text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numerals
        return None


Pattern = tuple[str, ...]
#: Numeric fields as a tree: key (or "*" for list items) → subtree; a leaf holds its kind.
_Trie = dict[str, "_Trie | str"]
FieldTree = _Trie


def _trie(fields: Mapping[Pattern, str]) -> _Trie:
    root: _Trie = {}
    for pattern, kind in fields.items():
        node = root
        for key in pattern[:-1]:
            node = node.setdefault(key, {})  # type: ignore[assignment]
        node[pattern[-1]] = kind
    return root


def field_tree(fields: Mapping[Pattern, str]) -> FieldTree:
    """`fields` as the tree :func:`normalize` walks (build it once for many forms)."""
    return _trie(fields)


def normalize(data: Any, fields: Mapping[Pattern, str],
              everywhere: bool, tree: FieldTree | None = None) -> tuple[Any, list[NumberIssue]]:
    """`data` with floats and numeric strings read as exact numbers, and the issues found.

    `fields` maps a field pattern (``("indicators", "*", "weight")``) to
    ``"number"`` or ``"integer"``: only there is a numeric string read as a
    number.  With `everywhere` (a dict from an embedder) every value is
    visited — floats converted, every number bounded; otherwise (a file the
    readers already bounded) only the numeric fields.  Containers that change
    are copied; the caller's data is never modified.  `tree` is
    ``field_tree(fields)``, when the caller keeps it.
    """
    issues: list[NumberIssue] = []

    def path(at: tuple[Any, ...]) -> tuple[str | int, ...]:
        parts: list[str | int] = []
        while at:
            at, key = at
            parts.append(key)
        return tuple(reversed(parts))

    def leaf(value: Any, at: tuple[Any, ...], kind: str | None) -> Any:
        if isinstance(value, float):
            if not math.isfinite(value):
                issues.append(NumberIssue(path(at), f"{value} 不是有效的数值", _HINT_FINITE))
                return value
            value = from_float(value)
        elif isinstance(value, str):
            if kind is None:
                return value
            number = read_numeral(value.strip(), integer=kind == "integer")
            if number is None:
                return value
            value = number
        elif isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            return value
        problem = number_problem(value)
        if problem is not None:
            issues.append(NumberIssue(path(at), f"数值 {value} {problem[0]}", problem[1]))
        return value

    def walk(value: Any, at: tuple[Any, ...], depth: int, node: _Trie | str | None) -> Any:
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                issues.append(NumberIssue(path(at), f"嵌套超过 {MAX_DEPTH} 层"))
                return value
            out: dict[Any, Any] | None = None
            for k, v in value.items():
                sub = node.get(str(k)) if isinstance(node, dict) else None
                if sub is None and (not everywhere or type(v) is str):
                    continue  # nothing to read or bound here
                if type(v) is int and -MAX_MAGNITUDE <= v <= MAX_MAGNITUDE:
                    continue
                new = walk(v, (at, k), depth + 1, sub)
                if new is not v:
                    out = dict(value) if out is None else out
                    out[k] = new
            return value if out is None else out
        if isinstance(value, (list, tuple)):
            if depth >= MAX_DEPTH:
                issues.append(NumberIssue(path(at), f"嵌套超过 {MAX_DEPTH} 层"))
                return value
            sub = node.get("*") if isinstance(node, dict) else None
            if sub is None and not everywhere:
                return value
            items = [walk(v, (at, i), depth + 1, sub) for i, v in enumerate(value)]
            same = isinstance(value, list) and all(a is b for a, b in zip(items, value))
            return value if same else items
        return leaf(value, at, node if isinstance(node, str) else None)

    return walk(data, (), 0, _trie(fields) if tree is None else tree), issues


def numeric_fields(schema: Mapping[str, Any]) -> dict[Pattern, str]:
    """The fields of a form schema that hold only numbers: pattern → ``number`` | ``integer``."""
    defs = schema.get("$defs", {})
    out: dict[Pattern, str] = {}

    def visit(node: Mapping[str, Any], pattern: Pattern, depth: int) -> None:
        if depth > 8:
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node = {
                **defs.get(ref.split("/")[-1], {}),
                **{k: v for k, v in node.items() if k != "$ref"},
            }
        kind = node.get("type")
        if isinstance(kind, list) and len(kind) == 2 and "null" in kind:  # a number or a blank cell
            kind = next(k for k in kind if k != "null")
        if kind in ("number", "integer") and pattern:
            out[pattern] = str(kind)
        for key, sub in node.get("properties", {}).items():
            visit(sub, (*pattern, key), depth + 1)
        items = node.get("items")
        if isinstance(items, Mapping):
            visit(items, (*pattern, "*"), depth + 1)

    visit(schema, (), 0)
    return out
