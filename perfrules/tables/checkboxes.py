"""☑/□ choice lines of a table (项目类别 ☑新增 □延续, 项目属性 ☑经常性 □一次性): what is ticked.

Two ways of writing are read: the box before its option (``☑新增 □延续``) and the
box after it (``1、部门预算项目 ☑ 2、市直专项 □``, seed 003) — the latter when the
text ends with a box.  The ruleset declares no fact for these choices, so the
reader keeps them in the form's ``notes`` and says so in an ``info`` finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .grid import Cell, Grid, label_key

TICKED = "☑☒■✔✓√▣"
UNTICKED = "□☐"
_BOX = re.compile(f"[{TICKED}{UNTICKED}]")
_NUMBERING = re.compile(r"^\s*\d+\s*[、.．)]\s*")


@dataclass(frozen=True)
class Choice:
    """A choice line: its label (项目类别), the options ticked and the options offered."""

    label: str
    ticked: tuple[str, ...]
    offered: tuple[str, ...]

    @property
    def note(self) -> str:
        """The line for the form's notes: ``项目类别：新增`` (``（未勾选）`` when nothing is ticked)."""
        return f"{self.label}：{'、'.join(self.ticked) or '（未勾选）'}"


def _option(text: str) -> str:
    return _NUMBERING.sub("", text).strip(" \t\n:：;；,，")


def read_choice(text: str, label: str = "") -> Choice | None:
    """The choice written in `text` (labelled by the words before its first box, else `label`); None without boxes."""
    boxes = list(_BOX.finditer(text))
    if not boxes:
        return None
    stripped = text.rstrip()
    pairs: list[tuple[bool, str]] = []
    if stripped and _BOX.fullmatch(stripped[-1]):  # option then box: 部门预算项目 ☑ 市直专项 □
        start = 0
        for m in boxes:
            pairs.append((m.group() in TICKED, _option(text[start:m.start()])))
            start = m.end()
        head = ""
    else:  # box then option: ☑新增 □延续 (any words before the first box are the label)
        head = text[:boxes[0].start()]
        for k, m in enumerate(boxes):
            end = boxes[k + 1].start() if k + 1 < len(boxes) else len(text)
            pairs.append((m.group() in TICKED, _option(text[m.end():end])))
    name = _option(head) or label or "勾选项"  # a label written in the cell wins over the one on its left
    offered = tuple(o for _, o in pairs if o)
    return Choice(name, tuple(o for t, o in pairs if t and o), offered)


@dataclass(frozen=True)
class PlacedChoice:
    """A choice line found in a grid: the choice, the cell holding its boxes, its row."""

    choice: Choice
    cell: Cell
    row: int


def find_choices(grid: Grid, top: int, stop: int) -> list[PlacedChoice]:
    """Every cell with ☑/□ boxes in rows `top` … `stop − 1`, labelled by the text cell on its left."""
    out = []
    for r in range(top, stop):
        label = ""
        for cell in grid.rows[r]:
            if cell.blank or cell.continued:
                continue
            choice = read_choice(cell.text, label)
            if choice is None:
                label = label_key(cell.text)
                continue
            out.append(PlacedChoice(choice, cell, r))
            label = ""  # a label names the one choice cell after it
    return out


def choice_message(found: PlacedChoice) -> str:
    """The info finding's text: the cell, the label, what is ticked and what was offered."""
    c = found.choice
    ticked = "、".join(f"“{o}”" for o in c.ticked) or "（未勾选任何选项）"
    return (f"{found.cell.place}: {c.label} 勾选了 {ticked}（可选：{'、'.join(c.offered)}）；"
            "计分规则没有这一项，记入表单的 notes，不计分")
