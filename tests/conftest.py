"""Shared test fixtures and hypothesis profiles.

Profiles: ``ci`` (the default under CI=true: a fixed, meaningful number of
examples, derandomized so CI is repeatable), ``dev`` (the default locally) and
``thorough`` (``HYPOTHESIS_PROFILE=thorough pytest`` for a long run).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
GOLDEN = Path(__file__).resolve().parent / "golden"

settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def golden(name: str, actual: str) -> None:
    """Compare `actual` with tests/golden/`name`; PERFRULES_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("PERFRULES_UPDATE_GOLDEN") or not path.exists():
        if not os.environ.get("PERFRULES_UPDATE_GOLDEN") and os.environ.get("CI"):
            raise AssertionError(f"golden file {name} is missing")
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"output differs from golden file {name}"


@pytest.fixture
def repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT
