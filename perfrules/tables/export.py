"""A form read from a table, written back as a YAML form (``perfrules import``).

The YAML is the form contract, re-readable by ``perfrules score`` with the same
result; each value's cell is written as a comment so a unit can check what
perfrules understood, and the reader's findings head the document.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from ..result import Finding
from ..values import fmt_number

_ORDER = ("kind", "jurisdiction", "year", "ruleset", "unit", "title", "budget", "indicators", "declared_total",
          "declared_grade", "facts")
_ROW_ORDER = ("goal", "level1", "level2", "name", "weight", "target", "actual", "tier", "declared_score", "reason")


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return fmt_number(Decimal(value))
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _flow(obj: dict[str, Any], order: tuple[str, ...] = ()) -> str:
    keys = [k for k in order if k in obj] + [k for k in obj if k not in order]
    parts = []
    for k in keys:
        v = obj[k]
        parts.append(f"{_key(k)}: {_value(v)}")
    return "{" + ", ".join(parts) + "}"


def _value(v: Any) -> str:
    return _flow(v) if isinstance(v, dict) else _list(v) if isinstance(v, list) else _scalar(v)


def _list(items: list[Any]) -> str:
    return "[" + ", ".join(_value(x) for x in items) + "]"  # budget.breakdowns: a list of mappings


def _key(k: str) -> str:
    """A mapping key as written: plain when it is a word (``initial``, ``中央资金``), else quoted."""
    return k if re.match(r"^[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*$", k) else json.dumps(k, ensure_ascii=False)


def form_yaml(data: dict[str, Any], places: dict[str, str], source: str, notices: tuple[Finding, ...] = ()) -> str:
    """The YAML text of one form read from `source`, cells as comments."""
    lines = [f"# 读自 {source}（perfrules import）；行末注释是该值所在的单元格"]
    for n in notices:
        lines.append(f"# {n.severity} {n.code}: {n.message}".replace("\n", " "))
    keys = [k for k in _ORDER if k in data] + [k for k in data if k not in _ORDER]
    for key in keys:
        value = data[key]
        where = places.get(f"$.{key}")
        note = f"  # {where}" if where else ""
        if key == "indicators":
            lines.append("indicators:")
            for i, row in enumerate(value):
                cell = places.get(f"$.indicators[{i}]")
                lines.append(f"  - {_flow(row, _ROW_ORDER)}" + (f"  # {cell}" if cell else ""))
        elif key == "facts" and isinstance(value, dict):
            lines.append("facts:")
            for name, v in value.items():
                cell = places.get(f"$.facts.{name}")
                shown = _list(v) if isinstance(v, list) else _scalar(v)
                lines.append(f"  {json.dumps(name, ensure_ascii=False)}: {shown}" + (f"  # {cell}" if cell else ""))
        elif isinstance(value, dict):
            lines.append(f"{key}: {_flow(value)}{note}")
        else:
            lines.append(f"{key}: {_scalar(value)}{note}")
    return "\n".join(lines) + "\n"
