"""A finding: one thing the audit of a form found (below forms, so the reader can report its own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Finding:
    """One thing the audit found. ``path`` names the form field (``$.indicators[2].declared_score``)."""

    severity: str  # error | warning | info
    code: str
    path: str
    message: str
    line: int | None = None
    place: str | None = None  # the cell (``Sheet1!F12``) for a form read from a table

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": self.severity, "code": self.code, "path": self.path, "message": self.message}
        if self.line:
            out["line"] = self.line
        if self.place:
            out["place"] = self.place
        return out
