"""Text a form cannot hold: UTF-16 surrogates (U+D800–U+DFFF) written as escapes (``"\\ud800"``).

A surrogate is not a character, but JSON and YAML can write one as an escape, and a lone one reads
into a Python string that no UTF-8 output can hold: every result and report naming it would fail
to be written.  An escaped *pair* (``"\\ud83d\\ude00"``) is the character it encodes — JSON's reader
joins it, YAML's leaves the two halves, and :func:`joined` joins them.  A lone half is an error at
its place (:func:`lone_surrogate` finds it), reported like any other unreadable form, and a batch
goes on with the next form.

Only a text that writes a surrogate escape at all (:func:`may_hold_surrogates`, one scan of the
text) has its values walked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

#: A surrogate written as an escape, or present as a code point: the values may hold one.
_WRITTEN = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}|[\ud800-\udfff]")
_WRITTEN_BYTES = re.compile(rb"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")
_IN_STRING = re.compile(r"[\ud800-\udfff]")

#: What a form's reader says of a lone surrogate (its message names the place and the code point).
HINT = "代理项（U+D800–U+DFFF）不是字符，无法写入结果；请删除这个转义，或写出它本来要表示的字符"


def may_hold_surrogates(text: str | bytes) -> bool:
    """Whether values read from `text` may hold a surrogate (False: certainly not)."""
    if isinstance(text, bytes):  # undecoded bytes hold no surrogate code point, only escapes
        return _WRITTEN_BYTES.search(text) is not None
    return _WRITTEN.search(text) is not None


def joined(value: Any) -> Any:
    """`value` with each pair of surrogates in its strings and keys joined into the character the
    pair encodes (as JSON's reader does); a lone half is left for :func:`lone_surrogate` to find."""
    if isinstance(value, str):
        if _IN_STRING.search(value) is None:
            return value
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    if isinstance(value, dict):
        return {joined(k): joined(v) for k, v in value.items()}
    if isinstance(value, list):
        return [joined(v) for v in value]
    return value


def _key_path(parent: str, key: Any) -> str:
    return f"{parent}[{key}]" if isinstance(key, int) else f"{parent}.{key}"


def lone_surrogate(value: Any, path: str = "$",
                   key_path: Callable[[str, Any], str] = _key_path) -> tuple[str, str] | None:
    """(the path of the value, the code point as ``\\udXXX``) of the first string or key in `value`
    that holds a surrogate, paths made by `key_path` (parent, key or index); None when there is none."""
    if isinstance(value, str):
        m = _IN_STRING.search(value)
        return None if m is None else (path, f"\\u{ord(m.group()):04x}")
    if isinstance(value, dict):
        for k, v in value.items():
            here = key_path(path, k)
            found = lone_surrogate(k, here, key_path) or lone_surrogate(v, here, key_path)
            if found is not None:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = lone_surrogate(v, key_path(path, i), key_path)
            if found is not None:
                return found
    return None


def message(path: str, code: str) -> str:
    """The error's words: where the lone surrogate is (a key holding one written as its escape),
    and which."""
    return f"{printable(path)}: {code} 是单独的代理项，不是有效的 Unicode 字符"


def printable(text: str) -> str:
    """`text` with each surrogate written as its escape (``\\ud800``), so that it can be printed."""
    return text if _IN_STRING.search(text) is None else text.encode("utf-8", "backslashreplace").decode("utf-8")
