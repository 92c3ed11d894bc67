"""Reading forms, stage 1: YAML, JSON and JSON files' bytes → :class:`RawForm` (values + lines).

The YAML reader is built on the safe event parser (libyaml's where PyYAML has it, PyYAML's own
for the exact words of an error) and keeps the line of every value, so an error names the field
path *and* the line.  It refuses aliases (no "billion laughs"), duplicate keys, and files or
nesting beyond fixed bounds, and it sidesteps YAML 1.1's traps: a bare ``no`` stays the text
"no", ``2022-12-31`` stays text, ``0123`` stays text, and decimals are read exactly as
``Decimal`` — never through a float.  A JSON form is read by ``json.loads``; the lines of its
fields are found only when a finding needs one (:class:`LinesOnDemand`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from .errors import Diagnostic, FormError
from .files import read_user_bytes
from .findings import Finding
from .numbers import all_bounded, number_problem
from .surrogates import HINT, joined, lone_surrogate, may_hold_surrogates, message, printable

MAX_FORM_BYTES = 10_000_000
MAX_DEPTH = 24
MAX_NODES = 200_000

Lines = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class RawForm:
    """One form document as read from a file, before validation."""

    data: Any
    source: str
    lines: Lines
    text: str | None = None
    places: dict[str, str] = field(default_factory=dict)  # JSON path → cell (``Sheet1!F12``), for tables
    notices: tuple[Finding, ...] = ()  # what the table reader found
    # False: a number beyond the bounds was read (JSON Lines), read_form locates it; None: its numbers
    # were not bounded as they were read (JSON Lines without hooks), read_form finds out
    bounded: bool | None = True


_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_DEC = re.compile(r"^[-+]?(0|[1-9][0-9]*)?(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
_NUMERAL_START = frozenset("+-.0123456789")  # how every text _INT or _DEC matches begins


def _plain_scalar(text: str) -> Any:
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if text[0] not in _NUMERAL_START:  # neither pattern can match: text
        return text
    if _INT.match(text):
        return int(text)
    if _DEC.match(text) and any(ch.isdigit() for ch in text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return text
    return text


_PLAIN_KEY = re.compile(r"^[\w\u4e00-\u9fff]+$")
_PATHS: dict[tuple[str, Any], str] = {}  # (parent, key) → path: forms of a batch repeat their paths


def _path_key(parent: str, key: Any) -> str:
    kind = type(key)
    if kind is not str and kind is not int:  # (True and 1 are equal keys of a dict; only these two are kept)
        return _new_path_key(parent, key)
    path = _PATHS.get((parent, key))
    if path is not None:
        return path
    path = _new_path_key(parent, key)
    if len(_PATHS) >= 20_000:
        _PATHS.clear()
    _PATHS[(parent, key)] = path
    return path


def _new_path_key(parent: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    k = str(key)
    if _PLAIN_KEY.match(k):
        return f"{parent}.{k}"
    return f"{parent}[{json.dumps(k, ensure_ascii=False)}]"


def _err(source: str, message: str, line: int = 0, col: int = 0, text: str | None = None,
         hint: str | None = None, code: str = "form") -> FormError:
    return FormError([Diagnostic("error", code, message, source, line, col, hint=hint, source=text)])


#: The parser that finds the lines of a JSON form's fields (the values come from ``json.loads``):
#: libyaml's when PyYAML has it, about four times faster than PyYAML's own.
_JSON_LINES_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_documents(text: str, source: str, loader: Any = yaml.SafeLoader) -> list[RawForm]:
    docs: list[RawForm] = []
    # one entry per open mapping or sequence:
    # [container, its path, the key awaiting a value, start mark, that key's path]
    stack: list[list[Any]] = []
    lines: Lines = {}
    root: Any = None
    nodes = 0

    def attach(value: Any, mark: Any) -> None:
        """`value` into the open mapping (under its pending key) or sequence, or as the root."""
        nonlocal root
        if not stack:
            root = value
            lines["$"] = (mark.line + 1, mark.column + 1)
            return
        top = stack[-1]
        container = top[0]
        if type(container) is dict:
            container[top[2]] = value
            top[2] = None
            path = top[4]
        else:
            path = _path_key(top[1], len(container))
            container.append(value)
        if path not in lines:
            lines[path] = (mark.line + 1, mark.column + 1)

    try:
        parser = loader(text)
        try:
            while parser.check_event():
                ev = parser.get_event()
                kind = type(ev)
                mark: Any = ev.start_mark
                if kind is ScalarEvent:
                    if ev.anchor:
                        raise _anchor_error(source, mark, text)
                    nodes += 1
                    if nodes > MAX_NODES:
                        raise _err(source, f"表单过大（超过 {MAX_NODES} 个值）", mark.line + 1, mark.column + 1, text)
                    raw = ev.value
                    top = stack[-1] if stack else None
                    key = top is not None and top[2] is None and type(top[0]) is dict
                    # a key's value only matters for the bounds of a number: only a numeral is read
                    value = raw if ev.style or (key and raw[:1] not in _NUMERAL_START) else _plain_scalar(raw)
                    if type(value) is int or type(value) is Decimal:
                        problem = number_problem(value)
                        if problem is not None:
                            raise _err(source, f"数值 {raw[:40]} {problem[0]}", mark.line + 1, mark.column + 1, text,
                                       problem[1])
                    if key:
                        assert top is not None
                        if raw in top[0]:
                            raise _err(source, f"键 {raw} 重复出现", mark.line + 1, mark.column + 1, text,
                                       "删除重复的一行；同一个键只能写一次")
                        top[2] = raw
                        top[4] = path = _path_key(top[1], raw)
                        lines.setdefault(path, (mark.line + 1, mark.column + 1))
                    else:
                        attach(value, mark)
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    if ev.anchor:
                        raise _anchor_error(source, mark, text)
                    nodes += 1
                    if len(stack) >= MAX_DEPTH:
                        raise _err(source, f"嵌套超过 {MAX_DEPTH} 层", mark.line + 1, mark.column + 1, text)
                    if stack:
                        top = stack[-1]
                        if type(top[0]) is dict:
                            if top[2] is None:
                                raise _err(source, "键必须是简单的文字，不能是列表或映射", mark.line + 1, mark.column + 1,
                                           text)
                            path = top[4]
                        else:
                            path = _path_key(top[1], len(top[0]))
                    else:
                        path = "$"
                    stack.append([{} if kind is MappingStartEvent else [], path, None, mark, None])
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    container, _, _, smark, _ = stack.pop()
                    attach(container, smark)
                elif kind is AliasEvent:
                    raise _anchor_error(source, mark, text)
                elif kind is DocumentStartEvent:
                    root, lines, stack = None, {}, []
                elif kind is DocumentEndEvent:
                    docs.append(RawForm(root, source, lines, text))
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark
        line, col = (m.line + 1, m.column + 1) if m else (0, 0)
        raise _err(source, f"YAML 格式错误: {e.problem}", line, col, text,
                   "检查缩进（只能用空格）、冒号后的空格和引号是否成对", code="yaml") from None
    except yaml.YAMLError as e:
        raise _err(source, f"YAML 格式错误: {e}", code="yaml") from None
    except RecursionError:
        raise _err(source, "嵌套过深", code="yaml") from None
    return docs


def _anchor_error(source: str, mark: Any, text: str) -> FormError:
    return _err(source, "表单中不允许使用 YAML 锚点或别名（& 和 *）", mark.line + 1, mark.column + 1, text,
                "把被引用的内容直接写出来")


# ---------------------------------------------------------------- JSON reading


def _json_document(text: str, source: str) -> RawForm:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"键 {k} 重复出现")
            out[k] = v
        return out

    def constant(name: str) -> Any:
        raise ValueError(f"{name} 不是有效的数值")

    try:
        data = json.loads(text, parse_float=Decimal, parse_int=int, parse_constant=constant, object_pairs_hook=pairs)
    except json.JSONDecodeError as e:
        raise _err(source, f"JSON 格式错误: {e.msg}", e.lineno, e.colno, text, "检查逗号、引号和括号", code="json") from None
    except RecursionError:
        line, col = _json_too_deep(text)
        raise _err(source, f"嵌套超过 {MAX_DEPTH} 层", line, col, text, code="json") from None
    except ValueError as e:
        raise _err(source, f"JSON 内容错误: {e}", code="json") from None
    if not all_bounded(data, MAX_DEPTH):  # (the walk that names the place only where there is one)
        _check_magnitudes(data, "$", source)
    return RawForm(data, source, LinesOnDemand(text, source), text)


class LinesOnDemand(dict[str, tuple[int, int]]):
    """The lines of a JSON form's fields, found the first time something asks (a finding to place).

    Finding them parses the text a second time (a YAML form read the fast way: `find` replays the
    marks its parse kept, :func:`_replayed_lines`); most forms are never asked.  A ``dict``, so every
    reader of :attr:`RawForm.lines` works unchanged.
    """

    __slots__ = ("_find_lines", "_found", "_source", "_text")

    def __init__(self, text: str, source: str, find: Callable[[], Lines] | None = None):
        super().__init__()
        self._text, self._source, self._found, self._find_lines = text, source, False, find

    def _find(self) -> None:
        if not self._found:
            self._found = True
            self.update(json_lines(self._text, self._source) if self._find_lines is None else self._find_lines())
            self._find_lines = None

    def get(self, key: str, default: Any = None) -> Any:
        self._find()
        return super().get(key, default)

    def __getitem__(self, key: str) -> tuple[int, int]:
        self._find()
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._find()
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._find()
        return super().__iter__()

    def __len__(self) -> int:
        self._find()
        return super().__len__()

    def items(self) -> Any:
        self._find()
        return super().items()

    def keys(self) -> Any:
        self._find()
        return super().keys()

    def values(self) -> Any:
        self._find()
        return super().values()

    def __eq__(self, other: object) -> bool:
        self._find()
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # as dict's

    def __repr__(self) -> str:
        self._find()
        return super().__repr__()

    def copy(self) -> dict[str, tuple[int, int]]:
        self._find()
        return dict(super().items())

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as the plain table it stands for
        self._find()
        return (dict, (dict(super().items()),))


def _read_yaml(text: str, source: str) -> list[RawForm]:
    """YAML forms read with libyaml's parser where PyYAML has it (same events, many times faster):
    the values at once, the lines when first asked (:func:`_yaml_values`); a text it refuses, or
    finds anything wrong in, is read again by the full reader (PyYAML's own parser where libyaml's
    refuses), so every message stays word for word."""
    if _JSON_LINES_LOADER is not yaml.SafeLoader:
        fast = _yaml_values(text, _JSON_LINES_LOADER)
        if fast is not None:
            return [RawForm(root, source, LinesOnDemand(text, source, partial(_replayed_lines, root, marks)), text)
                    for root, marks in fast]
        try:
            return _yaml_documents(text, source, _JSON_LINES_LOADER)
        except (FormError, ValueError):
            pass
    return _yaml_documents(text, source)


def _yaml_values(text: str, loader: Any) -> list[tuple[Any, list[Any]]] | None:
    """Each document of `text`: its value as :func:`_yaml_documents` reads it, and the start marks
    of its scalars and collections in the order of the events (for :func:`_replayed_lines`); None
    when anything is off — an anchor, an alias, a repeated or complex key, a number beyond the
    bounds, too deep, too many values, a text libyaml refuses — for the full reader to name."""
    docs: list[tuple[Any, list[Any]]] = []
    stack: list[list[Any]] = []  # [container, the key awaiting its value (None: a key is next)]
    marks: list[Any] = []
    root: Any = None
    nodes = 0
    try:
        parser = loader(text)
    except (yaml.YAMLError, ValueError):
        return None
    try:
        get = parser.get_event
        while (ev := get()) is not None:
            kind = type(ev)
            if kind is ScalarEvent:
                if ev.anchor:
                    return None
                nodes += 1
                marks.append(ev.start_mark)
                raw = ev.value
                value = raw if ev.style else _plain_scalar(raw)
                if (type(value) is int or type(value) is Decimal) and number_problem(value) is not None:
                    return None
                if not stack:
                    root = value
                    continue
                top = stack[-1]
                container = top[0]
                if type(container) is not dict:
                    container.append(value)
                elif top[1] is None:  # a key
                    if raw in container:
                        return None
                    top[1] = raw
                else:
                    container[top[1]] = value
                    top[1] = None
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if ev.anchor or len(stack) >= MAX_DEPTH or (stack and type(stack[-1][0]) is dict
                                                             and stack[-1][1] is None):
                    return None
                nodes += 1
                marks.append(ev.start_mark)
                stack.append([{} if kind is MappingStartEvent else [], None])
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                done = stack.pop()[0]
                if not stack:
                    root = done
                    continue
                top = stack[-1]
                if type(top[0]) is dict:
                    top[0][top[1]] = done
                    top[1] = None
                else:
                    top[0].append(done)
            elif kind is AliasEvent:
                return None
            elif kind is DocumentStartEvent:
                root, stack, marks = None, [], []
            elif kind is DocumentEndEvent:
                docs.append((root, marks))
            if nodes > MAX_NODES:
                return None
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    finally:
        parser.dispose()
    return docs


def _replayed_lines(root: Any, marks: list[Any]) -> Lines:
    """The lines :func:`_yaml_documents` finds for a document, from its value and the marks
    :func:`_yaml_values` kept: the value walked in the order of its events (a key's path at the key,
    a list item's path at the item, the root last), each path taking its first mark."""
    lines: Lines = {}
    _replay(root, "$", marks, 0, lines)
    if marks and "$" not in lines:
        lines["$"] = (marks[0].line + 1, marks[0].column + 1)
    return lines


def _replay(value: Any, path: str, marks: list[Any], at: int, lines: Lines) -> int:
    """Record the lines of `value`'s fields (its marks begin at `at`); the index past its marks."""
    kind = type(value)
    if kind is dict:
        at += 1
        for key, item in value.items():
            inner = _path_key(path, key)
            if inner not in lines:
                lines[inner] = (marks[at].line + 1, marks[at].column + 1)
            at = _replay(item, inner, marks, at + 1, lines)
        return at
    if kind is list:
        at += 1
        for i, item in enumerate(value):
            inner, start = _path_key(path, i), marks[at]
            at = _replay(item, inner, marks, at, lines)
            if inner not in lines:
                lines[inner] = (start.line + 1, start.column + 1)
        return at
    return at + 1


def json_lines(text: str, source: str) -> Lines:
    """Best effort: JSON is YAML, so the YAML reader can tell the line of each field of a JSON form.

    libyaml first (fast); what it cannot read (escaped surrogate pairs) PyYAML's parser tries.
    """
    for loader in dict.fromkeys([_JSON_LINES_LOADER, yaml.SafeLoader]):
        try:
            docs = _yaml_documents(text, source, loader)
            return docs[0].lines if docs else {}
        except (FormError, ValueError):  # ValueError: text libyaml cannot encode (lone surrogates)
            continue
    return {}


def _json_too_deep(text: str) -> tuple[int, int]:
    """Line and column of the first bracket nested deeper than MAX_DEPTH (strings skipped)."""
    depth, in_string, escaped, line, start = 0, False, False, 1, 0
    for i, ch in enumerate(text):
        if in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, i - start + 1
        elif ch in "]}":
            depth -= 1
        if ch == "\n":
            line, start = line + 1, i + 1
    return 0, 0


def _check_magnitudes(value: Any, path: str, source: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise _err(source, f"嵌套超过 {MAX_DEPTH} 层（{path}）")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_magnitudes(v, _path_key(path, k), source, depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_magnitudes(v, _path_key(path, i), source, depth + 1)
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        problem = number_problem(value)
        if problem is not None:
            raise _err(source, f"{path}: 数值 {str(value)[:40]} {problem[0]}", hint=problem[1])


def load_documents(path: str | Path) -> list[RawForm]:
    """Every form in a YAML (one or more ``---`` documents) or JSON file; regular files only."""
    data = read_user_bytes(path, MAX_FORM_BYTES, "表单", FormError)
    return parse_documents(data, str(path), json_=Path(path).suffix.lower() == ".json")


def parse_documents(data: bytes | str, source: str = "<form>", json_: bool = False) -> list[RawForm]:
    """Read forms from bytes or text (YAML unless `json_`)."""
    if isinstance(data, bytes):
        if len(data) > MAX_FORM_BYTES:
            raise _err(source, f"表单超过 {MAX_FORM_BYTES} 字节", code="too-large")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise _err(source, "表单不是 UTF-8 编码", line, 1, hint="用 UTF-8 编码另存", code="encoding") from None
    else:
        text = data
    if "\x00" in text:
        raise _err(source, "表单中有 NUL 字符，不是文本文件", code="encoding")
    if json_:
        docs = [_json_document(text, source)]
    else:
        docs = [d for d in _read_yaml(text, source) if d.data is not None]
        if not docs:
            raise _err(source, "文件中没有表单内容", 1, 1, hint="写入 kind、jurisdiction、year 等字段")
    if may_hold_surrogates(text):  # rare: a surrogate written as an escape
        docs = [_without_surrogates(d, text) for d in docs]
    return docs


def _without_surrogates(doc: RawForm, text: str) -> RawForm:
    """`doc` with each escaped surrogate pair joined into its character (YAML leaves the halves);
    a lone half is a :class:`FormError` at its place (:mod:`perfrules.surrogates`)."""
    data = joined(doc.data)
    found = lone_surrogate(data, "$", _path_key)
    if found is not None:
        path, code = found
        line, col = doc.lines.get(path) or (0, 0)
        excerpt = text if line and printable(text) is text else None  # (a text holding the code point itself: no excerpt)
        raise _err(doc.source, message(path, code), line, col, excerpt, HINT, code="surrogate")
    return dataclasses.replace(doc, data=data)


def iter_forms(paths: list[str]) -> Iterator[tuple[str, RawForm | FormError]]:
    """Each form document in `paths`, or the error that kept a file from being read."""
    for p in paths:
        try:
            docs = load_documents(p)
        except FormError as e:
            yield p, e
            continue
        for i, d in enumerate(docs):
            name = p if len(docs) == 1 else f"{p}#{i + 1}"
            yield name, RawForm(d.data, name, d.lines, d.text)
