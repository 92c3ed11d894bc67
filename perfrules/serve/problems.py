"""Errors as ``application/problem+json`` (RFC 9457), with the diagnostics the CLI prints.

A :class:`Problem` is raised anywhere in a handler and turned into a response
by the application; its ``diagnostics`` carry file, line, column, message and
hint, and ``text`` is exactly what ``perfrules`` would print on stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import Diagnostic, PerfrulesError

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "请求无法读取 (Bad Request)",
    401: "需要身份令牌 (Unauthorized)",
    404: "找不到 (Not Found)",
    405: "不支持此方法 (Method Not Allowed)",
    413: "请求过大 (Content Too Large)",
    415: "不支持的内容类型 (Unsupported Media Type)",
    422: "内容无法处理 (Unprocessable Content)",
    500: "内部错误 (Internal Server Error)",
    503: "处理超时 (Service Unavailable)",
}


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    """A diagnostic as JSON: where (line and column are 1-based, 0 if unknown), what, and what to do."""
    out: dict[str, Any] = {"severity": d.severity, "code": d.code, "message": d.message, "file": d.file,
                           "line": d.line, "column": d.column}
    if d.end_column is not None:
        out["end_column"] = d.end_column
    if d.hint:
        out["hint"] = d.hint
    out["text"] = d.render()
    return out


class Problem(Exception):
    """An HTTP error with a Chinese detail and the diagnostics behind it."""

    def __init__(self, status: int, code: str, detail: str, diagnostics: Sequence[Diagnostic] = (),
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.diagnostics = tuple(diagnostics)
        self.headers = headers or {}

    @staticmethod
    def of(status: int, error: PerfrulesError) -> Problem:
        """A problem carrying a perfrules error's diagnostics; the first one's code and message lead."""
        first = error.diagnostics[0] if error.diagnostics else None
        code = first.code if first else "error"
        detail = first.message if first else str(error)
        return Problem(status, code, detail, error.diagnostics)

    def body(self, instance: str) -> dict[str, Any]:
        out: dict[str, Any] = {"type": f"https://perfrules.invalid/problems/{self.code}",
                               "title": TITLES.get(self.status, str(self.status)), "status": self.status,
                               "detail": self.detail, "instance": instance}
        if self.diagnostics:
            out["diagnostics"] = [diagnostic_json(d) for d in self.diagnostics]
        return out
