"""The rulesets a service offers: found once, each loaded (parsed, checked, compiled) once.

Requests name rulesets only by id; a form's own ``ruleset:`` field is an id too,
never a path.  Paths shown to clients are relative to the folder a ruleset was
found in, so the server's layout stays private.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..api import Ruleset, Scorer, ruleset_from_text
from ..errors import LookupFailure, PerfrulesError
from ..registry import Entry, Registry, bundled_dir, parse_cached
from .problems import Problem


class Catalog:
    """A registry of ruleset folders and a thread-safe cache of loaded rulesets by path."""

    def __init__(self, paths: Iterable[str] = ()):
        self.paths = tuple(paths)
        self._lock = threading.Lock()
        self._loaded: dict[str, Ruleset] = {}
        #: scores a form the way ``perfrules score`` does (look-up, fallbacks and their findings),
        #: sharing this catalog's loaded rulesets
        self.scorer = Scorer(paths=self.paths, cache=self._loaded)
        self.registry: Registry = self.scorer.registry
        self.roots = [bundled_dir().resolve(), *(Path(p).resolve() for p in self.paths)]
        self.registry.entries()  # build the id index and entries now, not in racing requests

    def entries(self) -> list[Entry]:
        return sorted(self.registry.entries(), key=lambda e: (e.jurisdiction, e.kind, e.first_year))

    def public_path(self, path: str) -> str:
        """`path` relative to the ruleset folder holding it (``hubei/huangshi/2022/project.rules``).

        Anything not inside a ruleset folder (a label a client sent) is returned as it was.
        """
        if not Path(path).is_absolute():
            return path
        p = Path(path).resolve()
        for root in self.roots:
            if p.is_relative_to(root):
                return str(p.relative_to(root)) if root.is_dir() else p.name
        return path

    def _load(self, path: str) -> Ruleset:
        with self._lock:
            hit = self._loaded.get(path)
        if hit is not None:
            return hit
        try:
            rs = Ruleset(self.registry.chain(path))
        except PerfrulesError as e:  # a ruleset in the folders that does not check: say why, every time
            raise Problem(422, "ruleset", f"规则 {self.public_path(path)} 未通过检查，不能使用",
                          e.diagnostics) from None
        with self._lock:
            return self._loaded.setdefault(path, rs)

    def by_id(self, rid: str) -> Ruleset:
        """The ruleset with id `rid`; 404 with a did-you-mean if there is none."""
        try:
            path = self.registry.path_of(rid)
        except LookupFailure as e:
            raise Problem.of(404, e) from None
        return self._load(path)

    def from_text(self, text: str, name: str) -> Ruleset:
        """A draft ruleset from an editor; its ``extends`` parent is looked up by id in this catalog."""
        return ruleset_from_text(text, name, registry=self.registry)

    def entry_json(self, e: Entry) -> dict[str, Any]:
        return {"id": e.id, "jurisdiction": e.jurisdiction_text(), "years": e.years_text(), "kind": e.kind,
                "title": e.title, "path": self.public_path(e.path), "extends": e.extends}

    def source_of(self, rs: Ruleset) -> str:
        """The text of the ruleset's own file, as parsed when it was loaded."""
        return parse_cached(rs.path).text
