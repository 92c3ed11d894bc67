"""A visible fallback for years no bundled ruleset covers (e.g. forms of 2019 and earlier).

The national baseline starts with 财预〔2020〕10号; the rules it replaced are not bundled.
When no ruleset is in force for a form's year anywhere on its jurisdiction's walk, the
form is scored with the ruleset of the nearest later year (the most specific area first on
a tie), and a ``warning`` finding ``ruleset-year-fallback`` says so — never silently.
"""

from __future__ import annotations

from .findings import Finding
from .forms import Form
from .registry import Entry, Registry

CODE = "ruleset-year-fallback"


def nearest_later(registry: Registry, kind: str, jurisdiction: tuple[str, ...], year: int) -> Entry | None:
    """The ruleset of `kind` on the jurisdiction's walk whose first year is nearest after `year`."""
    best: tuple[int, int, Entry] | None = None
    for depth in range(len(jurisdiction), -1, -1):
        area = jurisdiction[:depth]
        for e in registry.entries():
            if e.kind != kind or e.jurisdiction != area or e.first_year <= year:
                continue
            key = (e.first_year - year, -depth)
            if best is None or key < best[:2]:
                best = (key[0], key[1], e)
    return best[2] if best else None


def notice(form: Form, entry: Entry) -> Finding:
    """The warning a form scored under another year's ruleset carries."""
    where = "/".join(form.jurisdiction)
    line = form.lines.get("$.year", (None,))[0]
    return Finding("warning", CODE, "$.year",
                   f"没有适用于 {where} {form.year} 年 {form.kind} 表单的规则，按最近年度的规则 {entry.id}"
                   f"（{entry.jurisdiction_text()}，{entry.years_text()}）计分；该年度实际适用的计分办法未收录，"
                   f"如与 {entry.years_text()} 的办法不同，请用 --ruleset 指定规则", line)
