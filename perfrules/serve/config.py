"""What a service is started with: folders of rulesets, the token, the limits.

The configuration travels to uvicorn's worker processes as JSON in one
environment variable, so every worker builds the same application.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import asdict, dataclass, field

ENV_VAR = "PERFRULES_SERVE_CONFIG"


@dataclass(frozen=True)
class Limits:
    """Bounds on one request; a request over them gets 413 (size, count) or 503 (time)."""

    max_body_bytes: int = 4_000_000
    max_batch_forms: int = 1_000
    max_draft_forms: int = 50
    #: A ruleset text sent to /check, /format, /score/draft or /diff (the bundled ones are under 10 KB;
    #: checking 0.5 MB of rules takes seconds, and the work of a timed-out request still runs to its end).
    max_ruleset_bytes: int = 500_000
    seconds_per_request: float = 30.0


@dataclass(frozen=True)
class ServeConfig:
    """Everything the application needs; nothing else is read from the environment."""

    paths: tuple[str, ...] = ()
    token: str | None = None
    limits: Limits = field(default_factory=Limits)
    #: Host names a request may be addressed to (empty: any).  Without a token the service sets the
    #: loopback names, so a web page whose DNS name is rebound to 127.0.0.1 cannot read its answers.
    hosts: tuple[str, ...] = ()

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @staticmethod
    def from_env() -> ServeConfig:
        """The configuration `perfrules serve` put in the environment of its workers."""
        raw = json.loads(os.environ.get(ENV_VAR) or "{}")
        return ServeConfig(tuple(raw.get("paths", ())), raw.get("token"), Limits(**raw.get("limits", {})),
                           tuple(raw.get("hosts", ())))


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def host_name(header: str) -> str:
    """The name in a Host header, without the port (``[::1]:8000`` → ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and addresses of the loopback network (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
