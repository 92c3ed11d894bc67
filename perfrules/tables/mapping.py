"""The third stage: one located table → a form dict (the form contract) with the place of every value.

Cells are handed on as written: a tier word in 实际完成值 stays the actual, the
其中 rows become ``budget.sources``, 偏差原因分析及改进措施 becomes ``reason``, a
blank cell is ``null`` where the form schema accepts null (and is left out
where it does not yet).  Numbers are exact (:mod:`perfrules.tables.grid`).
Every problem names its cell; a row or column the reader cannot place is a
warning finding, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..forms import form_schema
from ..numbers import number_problem
from ..result import Finding
from ..values import fmt_number
from .breakdown_rows import BreakdownRows, level_part
from .checkboxes import choice_message, find_choices, read_choice
from .grid import Cell, Grid, label_key, normalized, points_in, squash
from .locate import (
    BUDGET_HEADERS,
    BUDGET_TOTAL_LABELS,
    DESCRIPTIVE_LABELS,
    HEADER_LABELS,
    Region,
    starts_with_any,
)
from .weights import WeightRow, derive_weights

_YEAR = re.compile(r"((?:19|20|21)\d{2})\s*年")
_AMOUNT_UNITS = re.compile(r"\s*(万元|万|元|分)\s*$")


@dataclass(frozen=True)
class ReadDefaults:
    """What a table cannot say about itself, from the command line or the caller."""

    jurisdiction: str | None = None
    year: int | None = None
    kind: str | None = None
    ruleset: str | None = None


@dataclass(frozen=True)
class CellProblem:
    """Why a table cannot be read, at a cell."""

    place: str
    message: str
    hint: str = ""


@dataclass
class TableRead:
    """One table read: the form dict, the place of each value, reader findings, problems."""

    data: dict[str, Any]
    places: dict[str, str]
    origin: str
    notices: list[Finding] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)


def _nullable(*path: str) -> bool:
    """Whether the form schema accepts null at this field (the field branch adds it)."""
    node: Any = form_schema()
    defs = node.get("$defs", {})
    for part in path:
        while isinstance(node, dict) and "$ref" in node:
            node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        if part == "[]":
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part, {})
    while isinstance(node, dict) and "$ref" in node:
        node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
    text = repr(node)
    return "'null'" in text


class _Reader:
    def __init__(self, region: Region, defaults: ReadDefaults):
        self.reg = region
        self.grid: Grid = region.grid
        self.defaults = defaults
        self.data: dict[str, Any] = {}
        self.places: dict[str, str] = {}
        self.notices: list[Finding] = []
        self.problems: list[CellProblem] = []
        self.used: set[int] = set()
        self.budget_points: Decimal | None = None

    # -- cells
    def cell(self, r: int, c: int) -> Cell:
        return self.grid.cell(r, c)

    def origin(self, r: int, c: int) -> Cell:
        """The first cell of the merged range (r, c) lies in (up and left), where the text was written."""
        cell = self.cell(r, c)
        while cell.continued and r > 0 and self.cell(r - 1, c).text == cell.text:
            r -= 1
            cell = self.cell(r, c)
        while cell.continued and c > 0 and self.cell(r, c - 1).text == cell.text:
            c -= 1
            cell = self.cell(r, c)
        return cell

    def problem(self, cell: Cell, message: str, hint: str = "") -> None:
        self.problems.append(CellProblem(cell.place, message, hint))

    def put(self, obj: dict[str, Any], key: str, value: Any, path: str, cell: Cell) -> None:
        obj[key] = value
        self.places[path] = cell.place

    def number(self, cell: Cell, what: str) -> Decimal | None:
        """A number cell (or a number written as text, with 万元/分 allowed); None when blank."""
        value = self._number(cell, what)
        trouble = number_problem(value) if value is not None else None
        if trouble is not None:  # the bounds every form number keeps (perfrules.numbers)
            message, hint = trouble
            self.problem(cell, f"{what} {cell.text.strip()[:30]}: {message}", hint or "检查是否多写了位数")
            return None
        return value

    def _number(self, cell: Cell, what: str) -> Decimal | None:
        if cell.number is not None and not cell.percent:
            return normalized(cell.number)
        text = squash(cell.text).replace(",", "")
        if not text:
            return None
        text = _AMOUNT_UNITS.sub("", text)
        try:
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation
            return normalized(value)
        except InvalidOperation:
            self.problem(cell, f"{what}应为数字，这里写的是 {cell.text.strip()!r}",
                         "只写数字（金额以万元计，分值以分计），文字说明写在偏差原因一栏")
            return None

    # -- the whole table
    def read(self) -> TableRead:
        reg = self.reg
        budget_end = self.read_budget()
        self.read_header_labels(budget_end)
        self.read_title()
        self.read_indicators()
        self.read_total()
        self.read_facts()
        self.read_choices()
        self.report_unplaced()
        origin = self.places.get("$.kind") or self.places.get("$.title") or self.cell(reg.top, 0).place
        self.places.setdefault("$", origin)  # the table itself: its title
        return TableRead(self.data, self.places, self.cell(reg.top, 0).place, self.notices, self.problems)

    def read_title(self) -> None:
        reg, grid = self.reg, self.grid
        title_cell: Cell | None = None
        for r in range(reg.top, reg.header_row):
            texts = [c for c in grid.rows[r] if not c.blank and not c.continued]
            if len(texts) == 1 and any(w in texts[0].text for w in ("自评表", "评价表", "绩效自评")):
                title_cell = texts[0]
                self.used.add(r)
                break
        if title_cell is None and grid.heading and "表" in grid.heading:
            title_cell = Cell(grid.heading, grid.heading_place or grid.name)
        title = title_cell.text.strip() if title_cell else ""
        d = self.defaults
        kind = d.kind
        if kind is None and title:
            kind = "department" if ("整体支出" in title or "部门" in title) else ("project" if "项目" in title else None)
        year: int | None = d.year
        if year is None and title:
            m = _YEAR.search(title)
            year = int(m.group(1)) if m else None
        where = title_cell or self.cell(reg.top, 0)
        if kind is None:
            self.problem(where, "表格标题没有说明是项目支出还是部门整体支出自评表",
                         "加上 --kind project 或 --kind department（或 --ruleset）")
        else:
            self.put(self.data, "kind", kind, "$.kind", where)
        if year is None:
            self.problem(where, "表格标题中没有年度", "加上 --year 2023 这样的选项")
        else:
            self.put(self.data, "year", year, "$.year", where)
        if "jurisdiction" in self.data:
            pass  # the table names its area (a template's 地区 row)
        elif d.jurisdiction:
            self.data["jurisdiction"] = d.jurisdiction
        elif d.ruleset is None:
            self.problem(where, "表格中没有写明地区（jurisdiction），无法确定适用的计分规则",
                         "加上 --jurisdiction 湖北省/黄石市/铁山区 这样的选项，或用 --ruleset 指定规则")
        if d.ruleset and "ruleset" not in self.data:
            self.data["ruleset"] = d.ruleset
        if title and "title" not in self.data:  # 项目名称 wins over the table's title
            self.data["title"] = title
            self.places["$.title"] = where.place

    def read_header_labels(self, before: int) -> None:
        """项目名称 / 实施单位 / … label–value pairs above the budget; a cell neither label nor value is named."""
        grid = self.grid
        for r in range(self.reg.top, before):
            row = grid.rows[r]
            consumed: set[int] = set()
            for c, cell in enumerate(row):
                key = label_key(cell.text)
                if cell.continued or key not in HEADER_LABELS or c in consumed:
                    continue
                consumed.add(c)
                at = next((k for k in range(c + 1, len(row)) if not row[k].blank and row[k].text != cell.text), None)
                if at is None:
                    continue
                consumed.add(at)
                value = row[at]
                target = HEADER_LABELS[key]
                if target is not None and not (target == "unit" and "unit" in self.data):
                    self.put(self.data, target, value.text.strip(), f"$.{target}", value)
            if not consumed:
                continue
            self.used.add(r)
            stray = next((x for k, x in enumerate(row) if k not in consumed and not x.blank and not x.continued
                          and read_choice(x.text) is None), None)  # ☑/□ cells: read_choices
            if stray is not None:
                self.notices.append(Finding("warning", "unplaced-cell", "$",
                                            f"{stray.place}: “{stray.text.strip()[:30]}”不是表头中认识的栏目，未读取",
                                            place=stray.place))

    # -- budget
    def read_budget(self) -> int:
        """Read 年度资金总额 and the 其中 rows; return the first row after the header block."""
        reg, grid = self.reg, self.grid
        total_r = next((r for r in range(reg.top, reg.header_row)
                        if any(label_key(c.text) in BUDGET_TOTAL_LABELS for c in grid.rows[r])), None)
        if total_r is None:
            return reg.header_row
        head_r = next((r for r in range(total_r - 1, reg.top - 1, -1)
                       if any("执行数" in label_key(c.text) for c in grid.rows[r])), None)
        if head_r is None:
            total_label = next(c for c in grid.rows[total_r] if label_key(c.text) in BUDGET_TOTAL_LABELS)
            self.problem(total_label, "找不到资金表的表头（预算数、执行数、执行率、得分）", "在年度资金总额一行的上方写出表头")
            return total_r
        self.used.update((head_r, total_r))
        roles: dict[str, list[int]] = {}
        for c, head in enumerate(grid.rows[head_r]):
            key = label_key(head.text)
            role = BUDGET_HEADERS.get(key) or next((v for k, v in BUDGET_HEADERS.items() if key.startswith(k)), None)
            if role:
                roles.setdefault(role, []).append(c)
            elif key and not head.continued and c > 0 and key not in ("项目资金", "年度预算申请", "预算执行情况"):
                self.notices.append(Finding("warning", "unknown-column", "$.budget",
                                            f"{head.place}: 资金表中不认识的列“{head.text.strip()}”，未读取",
                                            place=head.place))
        label = next((c for c in grid.rows[head_r] if not c.blank), grid.rows[head_r][0])
        self.budget_points = points_in(label.text)
        budget: dict[str, Any] = {}

        def value_cell(r: int, role: str) -> Cell | None:
            for c in roles.get(role, []):
                cell = self.cell(r, c)
                if not cell.blank and not (cell.continued and c != roles[role][0]):
                    return cell
            return None

        def amounts(r: int, into: dict[str, Any], path: str) -> None:
            for role in ("initial", "adjusted", "executed"):
                cell = value_cell(r, role)
                value = self.number(cell, "金额") if cell is not None else None
                if cell is not None and value is not None:
                    self.put(into, role, value, f"{path}.{role}", cell)

        amounts(total_r, budget, "$.budget")
        cell = value_cell(total_r, "declared_rate")
        if cell is not None:
            self.put(budget, "declared_rate", cell.text.strip(), "$.budget.declared_rate", cell)
        cell = value_cell(total_r, "declared_score")
        if cell is not None:
            value = self.number(cell, "得分")
            if value is not None:
                self.put(budget, "declared_score", value, "$.budget.declared_score", cell)
        elif roles.get("declared_score") and _nullable("budget", "declared_score"):
            self.put(budget, "declared_score", None, "$.budget.declared_score",
                     self.cell(total_r, roles["declared_score"][0]))
        # 其中 rows
        sources: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        second = BreakdownRows()
        r = total_r + 1
        while r < reg.header_row:
            key = _first_key_of(grid.rows[r])
            if starts_with_any(key, ("年度总体目标", "绩效指标", "年度绩效目标")) or key == "":
                if key == "":
                    r += 1
                    continue
                break
            self.used.add(r)
            name = re.sub(r"^其中:?", "", key)
            label_cell = next(c for c in grid.rows[r] if not c.blank and not c.continued)
            if level_part(name):  # 中央 / 省级 / 市县级资金: a second breakdown (tables/breakdown_rows.py)
                found = {role: (v, at) for role in ("initial", "adjusted", "executed")
                         if (at := value_cell(r, role)) is not None and (v := self.number(at, "金额")) is not None}
                second.level_row(name, label_cell, found)
                r += 1
                continue
            part = ("appropriation" if "财政拨款" in name else "carryover" if "上年结转" in name
                    else "other" if name.startswith("其他资金") and ":" not in squash(_first_text(grid.rows[r])) else None)
            if part is not None:
                entry: dict[str, Any] = {}
                amounts(r, entry, f"$.budget.sources.{part}")
                if entry:
                    sources[part] = entry
                    self.places.setdefault("$.budget.sources", label_cell.place)
                    self.places[f"$.budget.sources.{part}"] = label_cell.place
            else:  # 部门整体表: 其中：一般公共预算：2277.28 written inside the cell
                inside = False
                for c, part_cell in enumerate(grid.rows[r]):
                    text = re.sub(r"^其中:", "", squash(part_cell.text))  # 其中：X alone is a row label
                    if part_cell.continued or ":" not in text:
                        continue
                    inside = True
                    fname, _, fvalue = text.rpartition(":")
                    num = self.number(Cell(fvalue, part_cell.place), fname) if fvalue else None
                    if num is not None and fname:
                        facts[fname] = num
                        self.places[f"$.facts.{fname}"] = part_cell.place
                    if fname and (num is not None or not fvalue):  # kept as a second breakdown too
                        second.in_cell(c, fname, num, part_cell)
                if not inside and any(value_cell(r, role) for role in ("initial", "adjusted", "executed")):
                    self.notices.append(Finding("warning", "unplaced-row", "$.budget",
                                                f"{label_cell.place}: 资金表中不认识的一行“{label_cell.text.strip()[:30]}”"
                                                "，其金额未读取", place=label_cell.place))
            r += 1
        second.emit(budget, self.places, self.notices)
        if sources:
            budget["sources"] = sources
        if facts:
            self.data.setdefault("facts", {}).update(facts)
        if budget:
            self.data["budget"] = budget
            total_label = next(c for c in grid.rows[total_r] if label_key(c.text) in BUDGET_TOTAL_LABELS)
            self.places["$.budget"] = total_label.place
        return head_r

    # -- indicators
    def read_indicators(self) -> None:
        reg, grid = self.reg, self.grid
        self.used.add(reg.header_row)
        for head in reg.unknown_headers:
            self.notices.append(Finding("warning", "unknown-column", "$.indicators",
                                        f"{head.place}: 指标表中不认识的列“{head.text.strip()}”，未读取",
                                        place=head.place))
        rows: list[dict[str, Any]] = []
        weight_rows: list[WeightRow] = []
        goal, level1, level2 = 1, "", ""
        block_points: dict[int, tuple[Decimal | None, Cell]] = {}
        end = reg.total_row if reg.total_row is not None else reg.bottom + 1
        has_weight = reg.col("weight") is not None
        for r in range(reg.header_row + 1, end):
            row = grid.rows[r]
            for c in reg.columns.get("block", []):
                text = self.cell(r, c).text
                m = re.match(r"年度绩效目标(\d+)", label_key(text))
                if m:
                    new_goal = int(m.group(1))
                    if new_goal != goal:
                        level1 = level2 = ""
                    goal = new_goal
                    if goal not in block_points or (block_points[goal][0] is None and points_in(text) is not None):
                        block_points[goal] = (points_in(text), self.origin(r, c))
            got = {role: self._text(r, role) for role in ("level1", "level2", "name", "target", "actual",
                                                             "weight", "declared_score", "reason", "tier")}
            if got["level1"]:
                if level_label(got["level1"]) != level1:
                    level2 = ""
                level1 = level_label(got["level1"])
            if got["level2"]:
                level2 = label_key(got["level2"])
            if not any(got[k] for k in ("name", "target", "actual", "weight", "declared_score")):
                if any(not c.blank for c in row):
                    self.used.add(r)  # a template line left empty (e.g. 生态效益指标 with no indicator)
                continue
            self.used.add(r)
            i = len(rows)
            path = f"$.indicators[{i}]"
            out: dict[str, Any] = {}
            name_cell = self._cell(r, "name")
            if not got["name"]:
                self.problem(name_cell or row[0], "这一行有指标值或得分，却没有三级指标名称", "补上三级指标名称，或删去这一行")
                continue
            assert name_cell is not None
            self.places[path] = name_cell.place
            if goal != 1:
                out["goal"] = goal
            if level1:
                self.put(out, "level1", level1, f"{path}.level1", self._cell(r, "level1") or name_cell)
            if level2:
                self.put(out, "level2", level2, f"{path}.level2", self._cell(r, "level2") or name_cell)
            self.put(out, "name", got["name"], f"{path}.name", name_cell)
            weight: Decimal | None = None
            if has_weight:
                wc = self._cell(r, "weight")
                assert wc is not None
                weight = self.number(wc, "分值") if not wc.blank else None
                if weight is None and wc.blank:
                    self.problem(wc, "分值一栏是空的", "填上这一行的分值")
                elif weight is not None:
                    self.put(out, "weight", weight, f"{path}.weight", wc)
            for role in ("target", "actual"):
                cell = self._cell(r, role)
                text = self._joined_target(r) if role == "target" else got[role]
                if text:
                    self.put(out, role, text, f"{path}.{role}", cell or name_cell)
                elif _nullable("indicators", "[]", role):
                    self.put(out, role, None, f"{path}.{role}", cell or name_cell)
                else:
                    self.put(out, role, "", f"{path}.{role}", cell or name_cell)
            declared: Decimal | None = None
            dc = self._cell(r, "declared_score")
            if dc is not None and not dc.blank:
                declared = self.number(dc, "得分")
                if declared is not None:
                    self.put(out, "declared_score", declared, f"{path}.declared_score", dc)
            elif dc is not None and _nullable("indicators", "[]", "declared_score"):
                self.put(out, "declared_score", None, f"{path}.declared_score", dc)
            for role in ("tier", "reason"):
                if got[role]:
                    self.put(out, role, got[role], f"{path}.{role}", self._cell(r, role) or name_cell)
            rows.append(out)
            weight_rows.append(WeightRow(i, goal, level2, str(out.get("target") or ""),
                                         str(out.get("actual") or ""), declared, name_cell.place))
        if rows:
            self.data["indicators"] = rows
            first = next((c for c in grid.rows[reg.header_row] if not c.blank), self.cell(reg.header_row, 0))
            self.places["$.indicators"] = first.place
        if not has_weight and rows and not self.problems:  # a row already unreadable would only cascade
            self._derive(rows, weight_rows, block_points)

    def _derive(self, rows: list[dict[str, Any]], weight_rows: list[WeightRow],
                block_points: dict[int, tuple[Decimal | None, Cell]]) -> None:
        header = self.cell(self.reg.header_row, 0)
        stated = {g: p for g, (p, _) in block_points.items()}
        outcome = derive_weights(weight_rows, stated, self.budget_points)
        if outcome.problem:
            where = block_points.get(outcome.goal or 1, (None, header))[1]
            self.problem(where, outcome.problem, "在指标表中加一列“分值”，写出每一行的分值")
            return
        for wr, w in zip(weight_rows, outcome.weights):
            rows[wr.index]["weight"] = w
            self.places[f"$.indicators[{wr.index}].weight"] = wr.place
        self.notices.append(Finding("info", "derived-weights", "$.indicators", outcome.explanation))

    def _cell(self, r: int, role: str) -> Cell | None:
        c = self.reg.col(role)
        return None if c is None else self.cell(r, c)

    def _text(self, r: int, role: str) -> str:
        """The text of a role's cell (the first filled cell where the header spans columns)."""
        for c in self.reg.columns.get(role, []):
            cell = self.cell(r, c)
            if not cell.blank:
                return cell.text.strip().replace("\n", "")
        return ""

    def _joined_target(self, r: int) -> str:
        """年度指标值, joined with 指标性质 and 度量单位 columns where the template splits them."""
        value = self._text(r, "target")
        relation = self._text(r, "relation") if "relation" in self.reg.columns else ""
        unit = self._text(r, "unit") if "unit" in self.reg.columns else ""
        relation = {"正向": "≥", "反向": "≤", "定性": "", "定量": ""}.get(relation, relation)
        if relation and value:
            value = relation + value
        if unit and value and not value.endswith(unit):
            value = value + unit
        return value

    def read_total(self) -> None:
        r = self.reg.total_row
        if r is None:
            return
        self.used.add(r)
        dc = self._cell(r, "declared_score")
        cell: Cell | None = dc if dc is not None and not dc.blank and label_key(dc.text) != "总分" else None
        if cell is None:  # 黄石: the number written just after 总分, wherever the 得分 column is
            weight_cols = set(self.reg.columns.get("weight", []))
            numbers = [c for k, c in enumerate(self.grid.rows[r]) if not c.blank and not c.continued
                       and label_key(c.text) != "总分" and k not in weight_cols]
            cell = numbers[-1] if numbers else None
        if cell is None:
            if _nullable("declared_total"):
                self.put(self.data, "declared_total", None, "$.declared_total", self.grid.rows[r][0])
            return
        value = self.number(cell, "总分")
        if value is not None:
            self.put(self.data, "declared_total", value, "$.declared_total", cell)

    def read_facts(self) -> None:
        """The 数据项 block after 总分 (perfrules' template): fact name → value."""
        reg, grid = self.reg, self.grid
        start = next((r for r in range((reg.total_row or reg.header_row) + 1, reg.bottom + 1)
                      if _first_key_of(grid.rows[r]) == "数据项"), None)
        if start is None:
            return
        self.used.add(start)
        value_col = next((c for c, cell in enumerate(grid.rows[start]) if label_key(cell.text) == "数值"), None)
        if value_col is None:
            self.problem(grid.rows[start][0], "数据项一栏没有“数值”列", "在“数据项”一行写出“数值”列")
            return
        facts: dict[str, Any] = {}
        for r in range(start + 1, reg.bottom + 1):
            name = _first_text(grid.rows[r]).strip()
            if not name or name.startswith("填表人"):
                break
            self.used.add(r)
            cell = self.cell(r, value_col)
            if cell.blank:
                continue
            value: Any = cell.text.strip() if cell.percent or cell.number is None else self.number(cell, name)
            if value is None:
                continue  # a number beyond the bounds: a located problem already
            facts[name] = value
            self.places[f"$.facts.{name}"] = cell.place
        if facts:
            self.data.setdefault("facts", {}).update(facts)

    def read_choices(self) -> None:
        """☑/□ lines above the indicator header: what is ticked goes to ``notes``, with an info finding."""
        found = find_choices(self.grid, self.reg.top, self.reg.header_row)
        for f in found:
            self.used.add(f.row)
            self.notices.append(Finding("info", "ticked-option", "$.notes", choice_message(f), place=f.cell.place))
        if found:
            lines = [f.choice.note for f in found]
            self.data["notes"] = "\n".join([self.data["notes"], *lines] if self.data.get("notes") else lines)
            self.places.setdefault("$.notes", found[0].cell.place)

    def report_unplaced(self) -> None:
        reg, grid = self.reg, self.grid
        in_goals = False  # the rows of 年度总体目标 (预期目标 / 实际完成情况) are read, not scored
        for r in range(reg.top, reg.bottom + 1):
            if _first_key_of(grid.rows[r]).startswith("年度总体目标"):
                in_goals = True
            if r in self.used or (in_goals and r < reg.header_row):
                continue
            first = next((c for c in grid.rows[r] if not c.blank), None)
            if first is None:
                continue
            key = label_key(first.text)
            if starts_with_any(key, DESCRIPTIVE_LABELS) or key in HEADER_LABELS or "签字" in key or "盖章" in key:
                continue
            if r > (reg.total_row or reg.bottom):
                continue  # after 总分: notes and signatures
            self.notices.append(Finding("warning", "unplaced-row", "$",
                                        f"{first.place}: 这一行（“{first.text.strip()[:30]}”）不属于表中任何一栏，未读取",
                                        place=first.place))


def level_label(text: str) -> str:
    """一级指标 as written, spaces folded, a weight in its label kept: ``产出指标 (50 分)`` → ``产出指标(50分)``.

    The engine reads such a weight (form-supplied level-1 weights) and takes it off the name.
    """
    points = points_in(text)
    key = label_key(text)
    return f"{key}({fmt_number(points)}分)" if points is not None else key


def _first_key_of(row: list[Cell]) -> str:
    """The first label of a row that is not the continuation of a label merged down from above."""
    return label_key(_first_text(row))


def _first_text(row: list[Cell]) -> str:
    return next((c.text for c in row if not c.blank and not c.continued), "")


def read_region(region: Region, defaults: ReadDefaults) -> TableRead:
    """Read one located table into a form dict with places."""
    return _Reader(region, defaults).read()


__all__ = ["CellProblem", "ReadDefaults", "TableRead", "read_region"]
