"""Where the data files the package needs are: inside the wheel, or in the repo.

An installed wheel carries ``grammar/``, ``schemas/`` and ``rulesets/`` under
``perfrules/_data/``; a source checkout (or an editable install) reads them from
the repository's top-level folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder `name` (``grammar``, ``schemas`` or ``rulesets``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"perfrules is missing its data folder {name!r}; reinstall the package")
