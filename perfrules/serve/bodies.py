"""Reading request bodies: bounded in size, decoded by media type into form documents.

A form arrives as JSON or YAML, or as a workbook or Word document (.xlsx, .xls, .docx) read by
:mod:`perfrules.tables`.  Each media type has one entry in :data:`FORM_READERS`: a reader returns
every form of the body, and a table it cannot read as a ``FormError`` (naming sheet and cell) in
that table's place, so the other tables are still scored.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from ..errors import Diagnostic, FormError
from ..forms import RawForm, parse_documents
from ..tables.mapping import ReadDefaults
from .problems import Problem

JSON = "application/json"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLS = "application/vnd.ms-excel"

#: A reader turns a request body and the upload's name into its forms, in order: each a document,
#: or the error that keeps that one from being read.  A body it cannot read at all raises FormError.
FormReader = Callable[[bytes, str, ReadDefaults], list[RawForm | FormError]]


def _json_forms(data: bytes, name: str, defaults: ReadDefaults) -> list[RawForm | FormError]:
    return list(parse_documents(data, name, json_=True))


def _yaml_forms(data: bytes, name: str, defaults: ReadDefaults) -> list[RawForm | FormError]:
    return list(parse_documents(data, name))


def _tables(suffix: str) -> FormReader:
    """The reader of workbooks or Word documents of one format (perfrules.tables picks the format by
    the file name's suffix, so an upload named otherwise gets it added)."""

    def read(data: bytes, name: str, defaults: ReadDefaults) -> list[RawForm | FormError]:
        from ..tables import TableError, read_tables

        named = name if name.lower().endswith(suffix) else f"{name}{suffix}"
        return [t.error if isinstance(t, TableError) else t.raw for t in read_tables(data, named, defaults=defaults)]

    return read


FORM_READERS: dict[str, FormReader] = {JSON: _json_forms, **{t: _yaml_forms for t in YAML_TYPES},
                                       XLSX: _tables(".xlsx"), DOCX: _tables(".docx"),
                                       XLS: _tables(".xls")}


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(size: int, limit: int) -> Problem:
    return Problem(413, "too-large", f"请求体有 {size} 字节以上，超过上限 {limit} 字节",
                   [Diagnostic("error", "too-large", f"请求体超过 {limit} 字节", "<request>",
                               hint="分成几次提交，或请管理员调高 --max-body-bytes")])


def text_of(data: bytes, name: str) -> str:
    """A UTF-8 text body (a BOM is tolerated); 400 if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise Problem(400, "encoding", "内容不是 UTF-8 编码",
                      [Diagnostic("error", "encoding", "内容不是 UTF-8 编码", name, line, 1,
                                  hint="用 UTF-8 编码另存后再提交")]) from None


#: Media types that say nothing about the content (curl's default, a bare upload): guess it.
UNSAID = ("", "application/x-www-form-urlencoded", "application/octet-stream")


def guess_type(data: bytes, name: str) -> str:
    """The media type of an untyped body, from the name's suffix, else the first bytes."""
    lower = name.lower()
    for suffix, kind in ((".xlsx", XLSX), (".xls", XLS), (".docx", DOCX), (".json", JSON), (".yaml", YAML_TYPES[0]),
                         (".yml", YAML_TYPES[0])):
        if lower.endswith(suffix):
            return kind
    return JSON if data.lstrip()[:1] in (b"{", b"[") else YAML_TYPES[0]


def is_table(kind: str, data: bytes, name: str) -> bool:
    """Whether a body of media type `kind` is a workbook or Word document."""
    return (guess_type(data, name) if kind in UNSAID else kind) in (XLSX, XLS, DOCX)


def read_forms(data: bytes, kind: str, name: str, defaults: ReadDefaults | None = None) -> list[RawForm | FormError]:
    """The forms of a body of media type `kind` (each, or the error in its place): 415 for a type no
    reader takes, 400 (413) if the body cannot be read at all.  `defaults`: what a table does not say."""
    if kind in UNSAID:
        kind = guess_type(data, name)
    reader = FORM_READERS.get(kind)
    if reader is None:
        accepted = "、".join(sorted({JSON, "application/yaml", XLSX, XLS, DOCX}))
        raise Problem(415, "media-type", f"不支持的内容类型 {kind}",
                      [Diagnostic("error", "media-type", f"不支持的内容类型 {kind}", name,
                                  hint=f"Content-Type 应为 {accepted} 之一")])
    try:
        return reader(data, name, defaults or ReadDefaults())
    except FormError as e:
        too_big = any(d.code == "too-large" for d in e.diagnostics)
        raise Problem.of(413 if too_big else 400, e) from None
