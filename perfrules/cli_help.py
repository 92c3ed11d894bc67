"""Help text shared by every ``perfrules`` subcommand module."""

from __future__ import annotations


def exit_codes(*codes: str | None) -> str:
    """A subcommand's own exit codes, for the end of its --help (``None`` entries are skipped)."""
    lines = [f"  {c}" for c in codes if c]
    return "退出状态 (exit status):\n" + "\n".join(lines) + "\n文档: docs/（docs/language.zh.md、docs/authoring.zh.md）"
