"""Finding rulesets: by file, by id, or by a form's kind, jurisdiction and year.

Rulesets are ``*.rules`` files under the bundled ``rulesets/`` folder and any
folders a caller adds.  A form is matched by walking its jurisdiction from the
most specific area up to the nation (``湖南省/岳阳市/岳阳楼区`` → ``湖南省/岳阳市``
→ ``湖南省`` → national) and taking the ruleset of its kind in force for its
year.  ``extends "id"`` chains are resolved here, with cycles and missing
parents reported.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import nodes
from ._resources import data_dir
from .errors import Diagnostic, LookupFailure, PerfrulesError, RulesetError
from .header import read_header
from .parser import parse_file

SUFFIX = ".rules"
MAX_CHAIN = 20


@dataclass(frozen=True)
class Entry:
    """What the registry knows of a ruleset file without checking it."""

    path: str
    id: str
    title: str
    jurisdiction: tuple[str, ...]
    first_year: int
    last_year: int | None
    kind: str
    extends: str | None

    def in_force(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def years_text(self) -> str:
        if self.last_year is None:
            return f"{self.first_year}–"
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"

    def jurisdiction_text(self) -> str:
        return "/".join(self.jurisdiction) or "全国"


_lock = threading.Lock()
_parsed: dict[tuple[str, float], nodes.RulesetFile] = {}


def parse_cached(path: str) -> nodes.RulesetFile:
    """Parse a ruleset file once per modification time."""
    p = Path(path)
    try:
        key = (str(p.resolve()), p.stat().st_mtime)
    except OSError:
        return parse_file(path)
    with _lock:
        hit = _parsed.get(key)
    if hit is not None:
        return hit
    f = parse_file(path)
    with _lock:
        _parsed[key] = f
    return f


def bundled_dir() -> Path:
    return data_dir("rulesets")


def ruleset_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Every ``*.rules`` file bundled or under the `extra` folders."""
    out: list[Path] = []
    seen: set[Path] = set()
    for root in [bundled_dir(), *[Path(e) for e in extra]]:
        found = [root] if root.is_file() and root.suffix == SUFFIX else sorted(root.rglob(f"*{SUFFIX}")) \
            if root.is_dir() else []
        for f in found:
            if f.resolve() not in seen:
                seen.add(f.resolve())
                out.append(f)
    return out


def _settings(f: nodes.RulesetFile) -> dict[str, str]:
    return {d.key: d.value for d in f.decls if isinstance(d, nodes.Setting)}


def _sibling(path: str, rid: str) -> str | None:
    """The ruleset `rid` beside `path`: in its folder or a sibling year folder (…/2022/ next to …/2023/)."""
    here = Path(path).parent
    for folder in (here, here.parent) if here.name.isdigit() else (here,):  # sibling years only from a year folder
        pattern = "*.rules" if folder == here else "*/*.rules"
        for candidate in sorted(folder.glob(pattern)):
            year_folder = folder == here or candidate.parent.name.isdigit()
            if year_folder and candidate.is_file() and str(candidate) != path:
                try:
                    if _settings(parse_cached(str(candidate))).get("ruleset") == rid:
                        return str(candidate)
                except PerfrulesError:
                    continue
    return None


class Registry:
    """The rulesets found in the bundled folder and the given extra folders."""

    def __init__(self, extra: Iterable[str | Path] = ()):
        self.extra = [str(e) for e in extra]
        self.files = ruleset_files(self.extra)
        self._index: dict[str, list[str]] | None = None
        self._entries: list[Entry] | None = None
        self._unreadable: list[tuple[str, str]] = []

    @property
    def _by_id(self) -> dict[str, list[str]]:
        """Ruleset id → files, built on first use (loading one file by path needs none of it)."""
        if self._index is None:
            index: dict[str, list[str]] = {}
            for p in self.files:
                try:
                    f = parse_cached(str(p))
                except PerfrulesError as e:  # a broken file must not hide the others
                    self._unreadable.append((str(p), e.render()))
                    continue
                rid = _settings(f).get("ruleset")
                if rid:
                    index.setdefault(rid, []).append(str(p))
            self._index = index
        return self._index

    @property
    def unreadable(self) -> list[tuple[str, str]]:
        """Files that could not be parsed, with their messages."""
        _ = self._by_id  # build the index, collecting unreadable files
        return self._unreadable

    def path_of(self, rid: str) -> str:
        paths = self._by_id.get(rid)
        if not paths:
            import difflib

            close = difflib.get_close_matches(rid, list(self._by_id), n=3, cutoff=0.4)
            hint = ("是不是: " + "、".join(close)) if close else "用 perfrules rulesets 列出可用的规则"
            raise LookupFailure([Diagnostic("error", "unknown-ruleset", f"找不到编号为 {rid} 的规则", rid, hint=hint)])
        if len(paths) > 1:
            raise LookupFailure([Diagnostic("error", "duplicate-ruleset", f"编号 {rid} 同时出现在 {'、'.join(paths)}", rid,
                                            hint="每个规则的 ruleset 编号必须唯一")])
        return paths[0]

    def named(self, name: str) -> str:
        """The file of the ruleset a form names: by id, or by a path to one of this registry's.

        A form comes from outside, so it may not choose a file to read: a path
        is accepted only when it resolves to a ``.rules`` file under the bundled
        folder or a folder the caller configured (relative paths are taken from
        those folders).  Anything else is an unknown ruleset; the file named is
        never opened, so no message can quote it.
        """
        if name in self._by_id:
            return self.path_of(name)
        known = {}
        for f in self.files:
            try:
                known[f.resolve()] = f
            except (OSError, RuntimeError):
                continue
        given = Path(name)
        roots = [bundled_dir(), *(Path(e) for e in self.extra if Path(e).is_dir())]
        for candidate in [given] if given.is_absolute() else [root / given for root in roots]:
            try:
                hit = known.get(candidate.resolve())
            except (OSError, RuntimeError, ValueError):
                continue
            if hit is not None:
                return str(hit)
        if given.is_absolute() or given.suffix == SUFFIX or ".." in given.parts:
            raise LookupFailure([Diagnostic(
                "error", "ruleset-outside-folders",
                f"表单指定的规则 {name} 不是已知的规则编号，也不在规则目录中", name,
                hint="表单的 ruleset 字段只能写规则编号（perfrules rulesets 可列出），"
                     "或规则目录（内置目录、--path 给出的目录）中 .rules 文件的路径；"
                     "要用别处的规则文件，请在命令行用 --ruleset 指定")])
        return self.path_of(name)

    def chain(self, path: str) -> list[nodes.RulesetFile]:
        """The file at `path` and its ``extends`` ancestors, root first."""
        files: list[nodes.RulesetFile] = []
        seen: list[str] = []
        current = path
        while True:
            f = parse_cached(current)
            files.append(f)
            rid = _settings(f).get("ruleset", current)
            if rid in seen:
                loop = " → ".join([*seen, rid])
                raise RulesetError([_at_extends(f, f"extends 形成循环: {loop}", "让新规则只继承较早的规则")])
            seen.append(rid)
            parent = _settings(f).get("extends")
            if not parent:
                break
            if len(files) >= MAX_CHAIN:
                raise RulesetError([_at_extends(f, f"extends 链超过 {MAX_CHAIN} 层", "直接继承较近的规则")])
            try:  # `extends` names an id, never a file: beside this one (a sibling year folder), else registered
                current = _sibling(current, parent) or self.path_of(parent)
            except LookupFailure as e:
                d = e.diagnostics[0]
                raise RulesetError([_at_extends(f, f"extends 的上级规则 {parent} 不存在", d.hint)]) from None
        files.reverse()
        return files

    def entry(self, path: str) -> Entry:
        h = read_header(self.chain(path))  # the same reading the checker uses
        rid = path if h.id == "?" else h.id
        return Entry(path, rid, rid if h.title == "?" else h.title, h.jurisdiction, h.first_year, h.last_year,
                     h.kind, h.extends)

    def entries(self) -> list[Entry]:
        """Every readable ruleset's entry, computed once per registry (a batch looks up per form)."""
        if self._entries is None:
            out = []
            for p in self.files:
                try:
                    out.append(self.entry(str(p)))
                except PerfrulesError:  # unreadable files are reported through `unreadable`
                    continue
            self._entries = out
        return self._entries

    def conflicts(self) -> list[tuple[Entry, Entry]]:
        """Pairs of rulesets claiming the same kind and jurisdiction for an overlapping year."""
        entries = self.entries()
        out = []
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                if a.kind != b.kind or a.jurisdiction != b.jurisdiction:
                    continue
                a_end = a.last_year if a.last_year is not None else 10**6
                b_end = b.last_year if b.last_year is not None else 10**6
                if a.first_year <= b_end and b.first_year <= a_end:
                    out.append((a, b))
        return out

    def find(self, kind: str, jurisdiction: tuple[str, ...], year: int) -> Entry:
        """The ruleset in force for a form; :class:`LookupFailure` listing candidates if none or several."""
        entries = self.entries()
        for depth in range(len(jurisdiction), -1, -1):
            area = jurisdiction[:depth]
            hits = [e for e in entries if e.kind == kind and e.jurisdiction == area and e.in_force(year)]
            if len(hits) > 1:
                names = "、".join(f"{e.id}（{e.path}）" for e in hits)
                raise LookupFailure([Diagnostic("error", "ambiguous-ruleset",
                                                f"{'/'.join(area) or '全国'} {year} 年的 {kind} 有多个规则同时适用: {names}",
                                                "/".join(jurisdiction), hint="调整其中一个规则的 years，使适用年度不重叠")])
            if hits:
                return hits[0]
        same_kind = [e for e in entries if e.kind == kind]
        near = sorted(same_kind, key=lambda e: (-_common(e.jurisdiction, jurisdiction), abs(e.first_year - year)))[:5]
        listing = "；".join(f"{e.id}（{e.jurisdiction_text()}，{e.years_text()}）" for e in near) or "无"
        kinds = sorted({e.kind for e in entries})
        hint = f"最接近的规则: {listing}。可用 --ruleset 指定规则，或用 perfrules new-year 为 {year} 年新建规则"
        if not same_kind:
            hint = f"没有 kind 为 {kind} 的规则（已有: {'、'.join(kinds)}）"
        raise LookupFailure([Diagnostic("error", "no-ruleset",
                                        f"没有适用于 {'/'.join(jurisdiction)} {year} 年 {kind} 表单的规则",
                                        "/".join(jurisdiction), hint=hint)])


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _at_extends(f: nodes.RulesetFile, message: str, hint: str | None) -> Diagnostic:
    for d in f.decls:
        if isinstance(d, nodes.Setting) and d.key == "extends":
            return Diagnostic("error", "extends", message, f.path, d.span.line, d.span.column, hint=hint, source=f.text)
    return Diagnostic("error", "extends", message, f.path, hint=hint)
