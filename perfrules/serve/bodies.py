"""Reading request bodies: bounded in size, decoded by media type into form documents.

A form arrives as JSON or YAML.  Workbooks and Word documents (.xlsx, .docx)
will be read by the table readers once they exist; until then they get 415 with
a message saying so.  Adding them is one entry in :data:`FORM_READERS` per media
type: a reader returns every form of the file, and a table it cannot read as a
``FormError`` in that table's place (the other tables are still scored), e.g.::

    def _tables(data: bytes, name: str) -> list[RawForm | FormError]:
        from ..tables import TableError, read_tables
        return [t.error if isinstance(t, TableError) else t.raw for t in read_tables(data, name)]
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from ..errors import Diagnostic, FormError
from ..forms import RawForm, parse_documents
from .problems import Problem

JSON = "application/json"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: A reader turns a request body and the upload's name into its forms, in order: each a document,
#: or the error that keeps that one from being read.  A body it cannot read at all raises FormError.
FormReader = Callable[[bytes, str], list[RawForm | FormError]]


def _json_forms(data: bytes, name: str) -> list[RawForm | FormError]:
    return list(parse_documents(data, name, json_=True))


def _yaml_forms(data: bytes, name: str) -> list[RawForm | FormError]:
    return list(parse_documents(data, name))


def _not_yet(data: bytes, name: str) -> list[RawForm | FormError]:
    raise Problem(415, "workbook-not-yet", "本服务尚不能读取 Excel/Word 表格（等待表格读取模块 perfrules.tables 接入）",
                  [Diagnostic("error", "workbook-not-yet", "暂不支持上传 .xlsx/.docx 表单", name,
                              hint="先把表单转成 YAML 或 JSON 再上传")])


FORM_READERS: dict[str, FormReader] = {JSON: _json_forms, **{t: _yaml_forms for t in YAML_TYPES},
                                       XLSX: _not_yet, DOCX: _not_yet}


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
    for suffix, kind in ((".xlsx", XLSX), (".docx", DOCX), (".json", JSON), (".yaml", YAML_TYPES[0]),
                         (".yml", YAML_TYPES[0])):
        if lower.endswith(suffix):
            return kind
    return JSON if data.lstrip()[:1] in (b"{", b"[") else YAML_TYPES[0]


def read_forms(data: bytes, kind: str, name: str) -> list[RawForm | FormError]:
    """The forms of a body of media type `kind` (each, or the error in its place): 415 for a type no
    reader takes, 400 (413) if the body cannot be read at all."""
    if kind in UNSAID:
        kind = guess_type(data, name)
    reader = FORM_READERS.get(kind)
    if reader is None:
        accepted = "、".join(sorted({JSON, "application/yaml", XLSX, DOCX}))
        raise Problem(415, "media-type", f"不支持的内容类型 {kind}",
                      [Diagnostic("error", "media-type", f"不支持的内容类型 {kind}", name,
                                  hint=f"Content-Type 应为 {accepted} 之一")])
    try:
        return reader(data, name)
    except FormError as e:
        too_big = any(d.code == "too-large" for d in e.diagnostics)
        raise Problem.of(413 if too_big else 400, e) from None
