"""Tools for ruleset authors: start next year's ruleset as an ``extends`` of this year's."""

from __future__ import annotations

import re
from pathlib import Path

from . import nodes
from .api import Ruleset
from .errors import Diagnostic, PerfrulesError
from .parser import parse_text
from .unparse import quote


def _bump(text: str, old: int, new: int) -> str:
    return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text) if str(old) in text else f"{text}-{new}"


def new_year_text(rs: Ruleset, year: int) -> tuple[str, str]:
    """(new ruleset id, source text) of a ruleset for `year` that extends `rs` and changes nothing yet."""
    m = rs.model
    old_year = m.last_year or m.first_year
    new_id = _bump(m.id, m.first_year, year)
    title = _bump(m.title, m.first_year, year) if str(m.first_year) in m.title else f"{m.title}（{year} 年度）"
    ids = "、".join(n.id for n in m.nodes())
    text = f'''# {" ".join(title.split())}
# 由 perfrules new-year 从 {m.id} 生成：没有写出的内容（分值、等次、分档、计分方法、数据和检查）都沿用上一年。
# 改完后运行 perfrules check 检查，运行 perfrules diff 查看与上一年相比改了什么。

ruleset {quote(new_id)}
extends {quote(m.id)}
title {quote(title)}
version 1
years {year}

# 在下面写出与 {old_year} 年不同之处，例如：
#   weight 预算执行 10          修改一部分的分值（同级各部分的合计要保持不变）
#   remove 目标2                删除一部分
#   section …  /  item …        新增一部分，或用同一编号整体替换上一年的那部分
#   grades {{ … }}               重新规定评价等次
# 可修改分值的编号：{ids}
'''
    _verify(text, {"ruleset": new_id, "extends": m.id, "title": title})
    return new_id, text


def _verify(text: str, settings: dict[str, str]) -> None:
    """Re-parse generated ruleset text: it must parse and say exactly `settings`."""
    parsed = parse_text(text, "<new-year>")
    got = {d.key: d.value for d in parsed.decls if isinstance(d, nodes.Setting)}
    if any(got.get(k) != v for k, v in settings.items()):
        raise PerfrulesError([Diagnostic(
            "error", "new-year", "生成的规则文本与预期不符，未写入（perfrules 的缺陷，请报告）",
            "<new-year>")])


def new_year_path(rs: Ruleset, year: int) -> Path:
    """Where next year's file goes: the sibling year folder (…/2022/project.rules → …/2023/project.rules)."""
    p = Path(rs.path)
    first = rs.model.first_year
    if "_data" in p.parts and "site-packages" in str(p):  # a bundled ruleset of an installed package
        return Path.cwd() / f"{p.stem}-{year}{p.suffix}"
    if p.parent.name == str(first):
        return p.parent.parent / str(year) / p.name
    return p.with_name(f"{p.stem}-{year}{p.suffix}")
