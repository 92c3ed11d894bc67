"""The JSON Schema of the forms one ruleset accepts, generated from its declarations.

It is the general form schema (``schemas/form.schema.json``) narrowed to the
ruleset's kind, with ``facts`` spelled out: each declared fact with its type,
allowed values and range, the required ones listed, and no others allowed.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from .forms import form_schema
from .model import FactSpec, Model
from .names import FORM, NAMES


def _number(x: Decimal) -> int | float:
    # JSON Schema bounds are JSON numbers; these are small, exact decimals from the ruleset
    return int(x) if x == x.to_integral_value() else float(x)


def fact_schema(f: FactSpec) -> dict[str, Any]:
    """The schema of one fact's value."""
    out: dict[str, Any]
    if f.type == "enum":
        out = {"type": "string", "enum": list(f.values)}
    elif f.type == "bool":
        out = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["是", "否", "yes", "no", "true", "false"]}]}
    elif f.type == "text":
        out = {"type": "string"}
    elif f.type == "date":
        out = {"type": "string", "description": "2023-06-21 或 2023年6月21日"}
    else:
        num: dict[str, Any] = {"type": "integer" if f.type == "count" else "number"}
        lo = f.lo if f.lo is not None else Decimal(0)
        num["minimum"] = _number(lo)
        if f.hi is not None:
            num["maximum"] = _number(f.hi)
        out = num
        if f.type in ("percent", "ratio"):
            out = {"anyOf": [num, {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"}]}
    if f.is_list:
        out = {"type": "array", "items": out}
    if f.label:
        out["description"] = f.label
    return out


def ruleset_schema(model: Model) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of forms for `model`."""
    schema = copy.deepcopy(form_schema())
    schema["$id"] = f"https://perfrules.invalid/schemas/{model.id}.schema.json"
    schema["title"] = f"{model.title}：表单"
    props = schema["properties"]
    props["kind"] = {"const": model.kind}
    years = {"type": "integer", "minimum": model.first_year}
    if model.last_year is not None:
        years["maximum"] = model.last_year
    props["year"] = years
    facts = {name: fact_schema(f) for name, f in model.facts.items()}
    required = [name for name, f in model.facts.items() if not f.optional]
    props["facts"] = {"type": "object", "properties": facts, "additionalProperties": False}
    if required:
        props["facts"]["required"] = required
        schema["required"] = [*schema["required"], "facts"]
    if not any(n.is_rows for n in model.nodes()):
        props.pop("indicators", None)
    _describe_names(schema)
    return schema


def _describe_names(schema: dict[str, Any]) -> None:
    """Describe each field a ruleset can read with its entry in the one table of names."""
    row = schema.get("$defs", {}).get("indicator", {}).get("properties", {})
    for n in NAMES:
        if n.where == FORM:
            node: Any = schema
            for part in n.path.removeprefix("$.").split("."):
                if isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/$defs/"):
                    node = schema["$defs"].get(node["$ref"].removeprefix("#/$defs/"))
                node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
            target = node
        else:
            target = row.get(n.path)
        if isinstance(target, dict):
            target.setdefault("description", f"{n.doc}（规则中写作 {n.name}）")
