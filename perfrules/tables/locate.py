"""The second stage: find each self-evaluation table in a grid by its labels, and name its columns.

A table is found by its indicator header (the row holding ``三级指标``), never by
a fixed address: it may start anywhere, several may share a sheet, titles and
signature rows may surround it.  Each table's region runs from its title (or the
end of the previous table) to the row before the next one; the regions are then
read by :mod:`perfrules.tables.mapping`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .grid import Cell, Grid, label_key

#: Indicator-table headers (label keys) → the form field they fill.
INDICATOR_HEADERS: dict[str, str] = {
    "一级指标": "level1", "二级指标": "level2", "三级指标": "name",
    "年度指标值": "target", "年初目标值": "target", "目标值": "target", "指标值": "target",
    "年度目标值": "target", "预期指标值": "target", "绩效目标值": "target", "全年指标值": "target",
    "实际完成值": "actual", "实际值": "actual", "完成值": "actual", "全年实际值": "actual",
    "全年完成值": "actual", "实际完成情况": "actual",
    "分值": "weight", "权重": "weight", "指标分值": "weight", "权重分": "weight",
    "得分": "declared_score", "自评得分": "declared_score", "实际得分": "declared_score",
    "偏差原因分析及改进措施": "reason", "偏差原因分析": "reason", "原因分析及改进措施": "reason",
    "未完成原因分析": "reason", "偏差原因": "reason",
    "评价等次": "tier", "完成等次": "tier", "等次": "tier", "自评等次": "tier", "达成情况": "tier",
    "指标性质": "relation", "度量单位": "unit", "计量单位": "unit",
}

#: Budget-block headers → budget field.
BUDGET_HEADERS: dict[str, str] = {
    "年初预算数": "initial", "年初预算": "initial",
    "全年预算数": "adjusted", "预算数": "adjusted", "调整后预算数": "adjusted", "全年预算": "adjusted",
    "全年执行数": "executed", "执行数": "executed", "实际执行数": "executed",
    "执行率": "declared_rate", "预算执行率": "declared_rate",
    "得分": "declared_score", "分值": "points",
}

BUDGET_TOTAL_LABELS = ("年度资金总额", "年度财政资金总额", "资金总额", "财政资金总额")

#: Labels of the header block before the budget: label key → form field (None: read, not scored).
HEADER_LABELS: dict[str, str | None] = {
    "项目名称": "title", "项目支出名称": "title", "项目全称": "title",
    "预算单位名称": "unit", "项目实施单位": "unit", "实施单位": "unit", "单位名称": "unit",
    "预算单位": "unit", "项目单位": None, "主管部门": None, "项目类别": None, "项目属性": None,
    "项目类型": None, "项目负责人": None, "联系电话": None,
    "适用规则": "ruleset", "地区": "jurisdiction", "规则名称": None,
}

#: Rows perfrules reads and knows it does not score (descriptions, signatures, notes).
DESCRIPTIVE_LABELS = (
    "年度总体目标", "预期目标", "偏差大或目标未完成原因分析", "改进措施及结果应用方案", "备注", "填表人",
    "单位负责人", "主要领导签字", "填报日期", "说明", "项目单位", "联系电话", "按收入性质分", "按支出性质分",
    "附件", "部门(单位)名称",
)


def starts_with_any(key: str, labels: tuple[str, ...]) -> bool:
    return any(key.startswith(x) for x in labels)


@dataclass
class Region:
    """One table's rows in a grid, with its indicator header row and column roles."""

    grid: Grid
    top: int
    bottom: int  # inclusive
    header_row: int
    columns: dict[str, list[int]] = field(default_factory=dict)  # role → columns, left to right
    unknown_headers: list[Cell] = field(default_factory=list)
    total_row: int | None = None

    def col(self, role: str) -> int | None:
        cols = self.columns.get(role)
        return cols[0] if cols else None


def _row_keys(grid: Grid, r: int) -> list[str]:
    return [label_key(c.text) for c in grid.rows[r]]


def _is_title(grid: Grid, r: int) -> bool:
    texts = {c.text.strip() for c in grid.rows[r] if not c.blank}
    return len(texts) == 1 and any(w in next(iter(texts)) for w in ("自评表", "评价表", "绩效自评"))


def _starts_table(grid: Grid, r: int) -> bool:
    keys = [k for k in _row_keys(grid, r) if k]
    return bool(keys) and (keys[0] in ("项目名称", "项目支出名称", "预算单位名称") or _is_title(grid, r))


def find_regions(grid: Grid) -> list[Region]:
    """Every table in `grid`, found by its ``三级指标`` header row."""
    headers = [r for r in range(len(grid.rows))
               if any(label_key(c.text) == "三级指标" and not c.continued for c in grid.rows[r])]
    # a header broken over two rows repeats 三级指标 in the merged continuation only, so one per table
    regions: list[Region] = []
    prev_end = -1
    for k, h in enumerate(headers):
        nxt = headers[k + 1] if k + 1 < len(headers) else len(grid.rows)
        total = next((r for r in range(h + 1, nxt) if _first_key(grid, r) == "总分"), None)
        # the table starts at its title or first label after the previous table's total row
        top = prev_end + 1
        for r in range(top, h):
            if _starts_table(grid, r):
                top = r
                break
        if regions:
            regions[-1].bottom = top - 1
        regions.append(Region(grid, top, len(grid.rows) - 1, h, total_row=total))
        prev_end = total if total is not None else h
    for reg in regions:
        _name_columns(reg)
    return regions


def _first_key(grid: Grid, r: int) -> str:
    for c in grid.rows[r]:
        if not c.blank:
            return label_key(c.text)
    return ""


def _name_columns(reg: Region) -> None:
    grid, h = reg.grid, reg.header_row
    seen_level1 = False
    for c, cell in enumerate(grid.rows[h]):
        key = label_key(cell.text)
        if not key:
            continue
        role = INDICATOR_HEADERS.get(key)
        if role is None:
            role = next((INDICATOR_HEADERS[k] for k in INDICATOR_HEADERS if key.startswith(k)), None)
        if role == "level1":
            seen_level1 = True
        if role is None:
            if not seen_level1:
                reg.columns.setdefault("block", []).append(c)  # 年度绩效目标 / 绩效指标 labels
            elif not cell.continued:
                reg.unknown_headers.append(cell)
            continue
        if cell.continued and reg.columns.get(role) and reg.columns[role][-1] == c - 1:
            reg.columns[role].append(c)  # the same header merged over several columns
            continue
        if role in reg.columns and not cell.continued:
            reg.unknown_headers.append(cell)  # a second column of the same meaning
            continue
        reg.columns.setdefault(role, []).append(c)
