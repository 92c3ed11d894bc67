"""docs/architecture.md's layer picture is the code's: every module is drawn, and none imports one drawn above it.

The picture lists the package's modules from the top layer (the command line) down to the bottom
(syntax tree, plain values); modules on one line are one layer.  A module may import modules of its
own line and of the lines below it — at the top of the file or inside a function — never a module
of a line above.  A package (``check/``, ``serve/``, ``tables/``) stands for every module in it,
``cli_*`` for every ``cli_`` module.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "perfrules"
DOC = ROOT / "docs" / "architecture.md"

#: Modules the picture leaves out on purpose: the package's front, its data and version.
UNDRAWN = {"perfrules", "perfrules._resources", "perfrules._version", "perfrules.__main__"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _picture() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def _layers(modules: dict[str, Path]) -> dict[str, int]:
    """Each module's line in the picture (0 is the top)."""
    layer: dict[str, int] = {}
    for k, line in enumerate(_picture()):
        assert re.search(r" ─{3,} ", line), f"a line of the picture without its ─── before the words: {line!r}"
        drawn = re.split(r" ─{3,} ", line)[0]  # the modules, and in brackets what they hold (modules too)
        for word in re.findall(r"[A-Za-z_][A-Za-z_0-9.]*/?\*?", drawn):
            word = word.split(".")[0]
            if word.endswith("/"):  # a package: its __init__ and its modules (check/ is not checks)
                package = f"perfrules.{word[:-1]}"
                names = [m for m in modules if m == package or m.startswith(f"{package}.")]
            elif word.endswith("*"):  # cli_*: every module whose name begins so
                names = [m for m in modules if m.startswith(f"perfrules.{word[:-1]}")]
            else:
                names = [m for m in modules if m == f"perfrules.{word}"]
            for name in names:
                layer.setdefault(name, k)
    return layer


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules `name` imports, wherever in the file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rsplit(".", 1)[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    return {m for m in found if m in modules and m != name}


def test_every_module_is_drawn() -> None:
    modules = _modules()
    layer = _layers(modules)
    assert sorted(set(modules) - set(layer) - UNDRAWN) == []


def test_no_module_imports_one_drawn_above_it() -> None:
    modules = _modules()
    layer = _layers(modules)
    upward = []
    for name, path in sorted(modules.items()):
        if name not in layer:
            continue
        for imported in sorted(_imports(name, path, modules)):
            if imported in layer and layer[imported] < layer[name]:
                upward.append(f"{name} (line {layer[name]}) imports {imported} (line {layer[imported]})")
    assert upward == []


def test_the_picture_is_read() -> None:
    """The two tests above cannot pass by reading nothing: the picture places the modules the
    docs name at the top and the bottom, and most of the package."""
    modules = _modules()
    layer = _layers(modules)
    assert layer["perfrules.cli"] == 0 and layer["perfrules.nodes"] > layer["perfrules.scoring"] > layer["perfrules.api"]
    assert len(layer) >= len(modules) - len(UNDRAWN)
