"""``extends``: a ruleset chain merged into one set of declarations (later files win)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .. import nodes
from .context import _Ctx, _did_you_mean


@dataclass
class _Merged:
    settings: dict[str, tuple[nodes.RulesetFile, nodes.Setting]] = field(default_factory=dict)
    years: tuple[nodes.RulesetFile, nodes.Years] | None = None
    rounding: tuple[nodes.RulesetFile, nodes.Rounding] | None = None
    grades: tuple[nodes.RulesetFile, nodes.Grades] | None = None
    indicators: tuple[nodes.RulesetFile, nodes.Indicators] | None = None
    bands: dict[str, tuple[nodes.RulesetFile, nodes.Bands]] = field(default_factory=dict)
    facts: dict[str, tuple[nodes.RulesetFile, nodes.Fact]] = field(default_factory=dict)
    lets: dict[str, tuple[nodes.RulesetFile, nodes.Let]] = field(default_factory=dict)
    checks: dict[str, tuple[nodes.RulesetFile, nodes.Check]] = field(default_factory=dict)
    tree: list[tuple[nodes.RulesetFile, nodes.Node]] = field(default_factory=list)  # sections and items, in order
    aggregate: tuple[nodes.RulesetFile, nodes.Aggregate] | None = None


Entries = list[tuple[nodes.RulesetFile, nodes.Node]]


def _rewrite(entries: Entries, ident: str, change: Callable[[nodes.Node], nodes.Node | None],
             file: nodes.RulesetFile | None = None) -> bool:
    """The one tree rewriter of ``extends``: `change` the node `ident` wherever it is (None removes
    it), rebuilding its ancestors; a replaced top-level node then belongs to `file`. True if found."""

    def visit(node: nodes.Node) -> tuple[bool, nodes.Node | None]:
        if node.id == ident:
            return True, change(node)
        for i, child in enumerate(node.children):
            found, new = visit(child)
            if found:
                kept = (new,) if new is not None else ()
                return True, _with_children(node, node.children[:i] + kept + node.children[i + 1:])
        return False, None

    for i, (f, top) in enumerate(entries):
        found, new = visit(top)
        if not found:
            continue
        if new is None:
            del entries[i]
        else:
            entries[i] = (file if file is not None and top.id == ident else f, new)
        return True
    return False


def _replace_node(entries: Entries, new: nodes.Node, file: nodes.RulesetFile) -> bool:
    """Replace the node with `new`'s id anywhere in the tree; True if found."""
    return _rewrite(entries, new.id, lambda _old: new, file)


def _remove_node(entries: Entries, ident: str) -> bool:
    """Remove the node `ident` anywhere in the tree; True if found."""
    return _rewrite(entries, ident, lambda _old: None)


def _reweight(entries: Entries, change: nodes.Reweight) -> bool:
    """Set the weight of the node named in `change`, wherever it is; True if found."""
    return _rewrite(entries, change.name, lambda old: dataclasses.replace(
        old, weight=change.weight, weight_text=change.weight_text, adjust=change.adjust))


def _with_children(node: nodes.Node, kids: tuple[nodes.Node, ...]) -> nodes.Node:
    return dataclasses.replace(node, children=kids)


def _all_node_ids(entries: Iterable[nodes.Node]) -> Iterator[str]:
    for n in entries:
        yield n.id
        yield from _all_node_ids(n.children)


def _declared_once(c: _Ctx, own: set[str], key: str, message: str, span: nodes.Span, hint: str) -> None:
    """Record `key` as declared in this file; a second declaration is a located ``duplicate`` error."""
    if key in own:
        c.error("duplicate", message, span, hint)
    own.add(key)


def _merge(chain: list[nodes.RulesetFile], ctx: _Ctx) -> _Merged:
    m = _Merged()
    for index, f in enumerate(chain):
        c = ctx.at(f)
        own: set[str] = set()
        inherited = index > 0

        for d in f.decls:
            if isinstance(d, nodes.Setting):
                _declared_once(c, own, d.key, f"{d.key} 重复声明", d.span, "删除多余的一行")
                m.settings[d.key] = (f, d)
            elif isinstance(d, nodes.Years):
                _declared_once(c, own, "years", "years 重复声明", d.span, "删除多余的一行")
                m.years = (f, d)
            elif isinstance(d, nodes.Rounding):
                _declared_once(c, own, "rounding", "rounding 重复声明", d.span, "删除多余的一行")
                m.rounding = (f, d)
            elif isinstance(d, nodes.Grades):
                _declared_once(c, own, "grades", "grades 重复声明", d.span, "合并成一个 grades 块")
                m.grades = (f, d)
            elif isinstance(d, nodes.Indicators):
                _declared_once(c, own, "indicators", "indicators 重复声明", d.span, "合并成一个 indicators 块")
                m.indicators = (f, d)
            elif isinstance(d, nodes.Aggregate):
                _declared_once(c, own, "aggregate", "aggregate 重复声明", d.span, "合并成一个 aggregate 块")
                m.aggregate = (f, d)
            elif isinstance(d, nodes.Bands):
                _declared_once(c, own, "bands " + d.name, f"bands {d.name} 重复声明", d.span, "换一个名称或删除其一")
                m.bands[d.name] = (f, d)
            elif isinstance(d, nodes.Fact):
                _declared_once(c, own, "name " + d.name, f"名称 {d.name} 重复声明", d.span, "换一个名称或删除其一")
                m.lets.pop(d.name, None)
                m.facts[d.name] = (f, d)
            elif isinstance(d, nodes.Let):
                _declared_once(c, own, "name " + d.name, f"名称 {d.name} 重复声明", d.span, "换一个名称或删除其一")
                m.facts.pop(d.name, None)
                m.lets[d.name] = (f, d)
            elif isinstance(d, nodes.Check):
                _declared_once(c, own, "check " + d.name, f"check {d.name} 重复声明", d.span, "换一个名称或删除其一")
                m.checks[d.name] = (f, d)
            elif isinstance(d, nodes.Node):
                _declared_once(c, own, "node " + d.id, f"编号 {d.id} 重复", d.span, "每个 section/item 的编号必须唯一")
                if not (inherited and _replace_node(m.tree, d, f)):
                    m.tree.append((f, d))
            elif isinstance(d, nodes.Reweight):
                if not inherited:
                    c.error("reweight", f"weight {d.name} {d.weight_text} 只能用在 extends 的规则中", d.span,
                            "直接修改该 section/item 的 weight")
                    continue
                if not _reweight(m.tree, d):
                    cands = list(_all_node_ids(n for _, n in m.tree))
                    c.error("unknown-name", f"要修改分值的 {d.name} 在上级规则中不存在", d.span,
                            _did_you_mean(d.name, cands) or "可修改: " + "、".join(cands))
            elif isinstance(d, nodes.Remove):
                if not inherited:
                    c.error("remove", f"remove {d.name} 只能用在 extends 的规则中", d.span,
                            "删除这一行，或先写 extends 指明上一年的规则")
                    continue
                removed = _remove_node(m.tree, d.name)
                for table in (m.facts, m.lets, m.checks):
                    if d.name in table:
                        del table[d.name]
                        removed = True
                if not removed:
                    cands = list(_all_node_ids(n for _, n in m.tree)) + list(m.facts) + list(m.checks)
                    c.error("unknown-name", f"要删除的 {d.name} 在上级规则中不存在", d.span, _did_you_mean(d.name, cands))
    return m
