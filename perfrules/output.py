"""The JSON that ``perfrules score --format json`` prints, built in one place.

A scored form is ``Result.to_dict()``; this module adds what surrounds it.

The command line and the HTTP service (``perfrules serve``) both call these, so a
scored form reads the same byte for byte whichever way it was scored.  A batch's
JSON Lines are encoded by orjson where it is installed (8× faster on scored forms):
the same bytes as :func:`dumps_line` gives, for the strings, integers, booleans,
lists and objects these records are made of (``tests/test_output_bytes.py``).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Sequence
from typing import Any, BinaryIO, TextIO

from .errors import Diagnostic

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - the standard library's json writes the same bytes, slower
    _orjson = None  # type: ignore[assignment]


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


def line_bytes(entry: Any) -> bytes:
    """``dumps_line(entry) + "\\n"`` in UTF-8: by orjson where installed, else by the json module.

    What orjson refuses (a lone surrogate, an integer beyond 64 bits, a key not a string) goes
    the json module's way, so it succeeds or fails exactly as it always did."""
    if _orjson is not None:
        try:
            return _orjson.dumps(entry, option=_orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # orjson.JSONEncodeError
            pass
    return (dumps_line(entry) + "\n").encode("utf-8")


def utf8_bytes(out: TextIO) -> BinaryIO | None:
    """The bytes under a UTF-8 text stream (sys.stdout's), where UTF-8 lines may go as they are;
    None for any other stream (a StringIO, another encoding)."""
    raw = getattr(out, "buffer", None)
    try:
        utf8 = codecs.lookup(getattr(out, "encoding", None) or "").name == "utf-8"
    except LookupError:
        utf8 = False
    return raw if utf8 and raw is not None else None
