"""A ruleset's header, read once into one typed object (used by the checker and the registry).

The header is the merged settings of an ``extends`` chain: ``ruleset`` id,
``version`` and ``extends`` come from the file itself, everything else may be
inherited.  Odd spellings are normalised here, in one place, or refused with a
located problem: ``"湖北省 / 黄石市"``, ``"湖北省／黄石市"`` (a full-width slash) and
``"湖北省/黄石市"`` are the same jurisdiction; an empty part (``"湖北省//黄石市"``)
is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import nodes

#: The words that mean "the whole country" (no jurisdiction parts).
NATIONAL = ("全国", "中国")

_SLASHES = re.compile(r"[/／]")


@dataclass(frozen=True, slots=True)
class HeaderProblem:
    """Something wrong with a header line (the checker reports it located)."""

    file: nodes.RulesetFile
    code: str
    message: str
    span: nodes.Span
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class RulesetHeader:
    """What a ruleset says about itself: identity, where and when it applies, scale and rounding."""

    id: str
    title: str
    version: str
    jurisdiction: tuple[str, ...]  # () is national
    kind: str
    full: Decimal
    tolerance: Decimal
    extends: str | None
    first_year: int
    last_year: int | None
    rounding_mode: str
    places: int
    problems: tuple[HeaderProblem, ...] = field(default=(), compare=False)


def jurisdiction_parts(text: str) -> tuple[tuple[str, ...], str | None]:
    """``"湖北省 / 黄石市"`` → ``("湖北省", "黄石市")``; with a message if the spelling is refused."""
    stripped = text.strip().replace("\u3000", " ")
    if stripped in ("", *NATIONAL):
        return (), None if stripped else "jurisdiction 不能为空"
    parts = tuple(p.strip() for p in _SLASHES.split(stripped))
    if any(not p for p in parts):
        return tuple(p for p in parts if p), f"jurisdiction {text!r} 中有空的一级（多余的 /）"
    return parts, None


def read_header(chain: list[nodes.RulesetFile]) -> RulesetHeader:
    """The header of the ruleset whose ``extends`` chain is `chain` (root first, itself last)."""
    top = chain[-1]
    settings: dict[str, tuple[nodes.RulesetFile, nodes.Setting]] = {}
    years: tuple[nodes.RulesetFile, nodes.Years] | None = None
    rounding: tuple[nodes.RulesetFile, nodes.Rounding] | None = None
    for f in chain:
        for d in f.decls:
            if isinstance(d, nodes.Setting):
                settings[d.key] = (f, d)
            elif isinstance(d, nodes.Years):
                years = (f, d)
            elif isinstance(d, nodes.Rounding):
                rounding = (f, d)
    problems: list[HeaderProblem] = []
    start = nodes.Span(1, 1, 1, 1)

    def own(key: str) -> str | None:
        hit = settings.get(key)
        return hit[1].value if hit and hit[0] is top else None

    def value(key: str) -> str | None:
        hit = settings.get(key)
        return hit[1].value if hit else None

    rid = own("ruleset")
    if rid is None:
        problems.append(HeaderProblem(top, "header", "缺少 ruleset 编号", start,
                                      '在文件开头写: ruleset "省/市/年度/类别" 形式的唯一编号'))
    for key, hint in (("kind", "例如: kind project"), ("jurisdiction", '例如: jurisdiction "湖北省/黄石市"'),
                      ("full", "例如: full 100")):
        if key not in settings:
            problems.append(HeaderProblem(top, "header", f"缺少 {key}", start, hint))
    if years is None:
        problems.append(HeaderProblem(top, "header", "缺少 years（适用年度）", start,
                                      "例如: years 2022 或 years 2022..2024"))
    jurisdiction: tuple[str, ...] = ()
    if "jurisdiction" in settings:
        f, d = settings["jurisdiction"]
        jurisdiction, problem = jurisdiction_parts(d.value)
        if problem:
            problems.append(HeaderProblem(f, "header", problem, d.span,
                                          '各级之间用一个 / 分隔，例如: jurisdiction "湖北省/黄石市"；全国写 "全国"'))
    full = _number(settings.get("full"), Decimal(100), problems)
    if "full" in settings and full == 0:
        f, d = settings["full"]
        problems.append(HeaderProblem(f, "header", "满分不能为 0", d.span))
    first_year, last_year = 0, None
    if years is not None:
        f, y = years
        if y.last is not None and y.last < y.first:
            problems.append(HeaderProblem(f, "header", f"年度范围 {y.first}..{y.last} 的终止年早于起始年", y.span,
                                          "交换两个年份"))
        first_year, last_year = y.first, y.last
    mode, places = "half_up", 2
    if rounding is not None:
        mode, places = rounding[1].mode, rounding[1].places  # validated by the checker
    return RulesetHeader(
        id=rid or "?", title=value("title") or rid or "?", version=own("version") or "1",
        jurisdiction=jurisdiction, kind=value("kind") or "project", full=full,
        tolerance=_number(settings.get("tolerance"), Decimal(0), problems), extends=own("extends"),
        first_year=first_year, last_year=last_year, rounding_mode=mode, places=places,
        problems=tuple(problems),
    )


def _number(hit: tuple[nodes.RulesetFile, nodes.Setting] | None, default: Decimal,
            problems: list[HeaderProblem]) -> Decimal:
    if hit is None:
        return default
    try:
        return Decimal(hit[1].value)
    except InvalidOperation:
        problems.append(HeaderProblem(hit[0], "header", f"{hit[1].key} 应为数字，这里是 {hit[1].value!r}", hit[1].span))
        return default
