"""Places of form values in the tables they were read from (``Sheet1!F12``, ``表2 第3行第5列``).

A form read from a workbook or Word table carries ``places``: form paths
(``$.indicators[2].declared_score``) → cells.  Findings and errors name the
cell the way YAML findings name a line.
"""

from __future__ import annotations


def place_of(places: dict[str, str], path: str) -> str | None:
    """The place of `path`, or of the nearest enclosing path that has one (``$`` last); None for YAML."""
    if not places:
        return None
    while path:
        if path in places:
            return places[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            break
        path = path[:cut]
    return places.get("$")
