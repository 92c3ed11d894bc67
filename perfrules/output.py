"""The JSON that ``perfrules score --format json`` prints, built in one place.

A scored form is ``Result.to_dict()``; this module adds what surrounds it.

The command line and the HTTP service (``perfrules serve``) both call these, so a
scored form reads the same byte for byte whichever way it was scored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .errors import Diagnostic


def error_entry(source: str, diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """A form that could not be scored: its name and the rendered diagnostics."""
    return {"form": source, "error": [d.render() for d in diagnostics]}


def score_document(entries: list[dict[str, Any]], inputs: int) -> Any:
    """One object for one form read from one input, else the list of entries."""
    return entries[0] if len(entries) == 1 and inputs == 1 else entries


def dumps(document: Any) -> str:
    """The printed JSON: UTF-8 text (Chinese kept), indented by two."""
    return json.dumps(document, ensure_ascii=False, indent=2)


def dumps_line(entry: Any) -> str:
    """One entry as a line of JSON Lines (no newline inside, Chinese kept)."""
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
