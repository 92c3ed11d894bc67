"""The one table of the names a ruleset reads from a form, with their types and ranges.

Every other list is derived from :data:`NAMES`: the checker's scopes, the
values scoring puts in front of an expression, the compiler's row-local names,
the ruleset JSON schema's descriptions, and (checked by a test) the docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .intervals import Interval

NUM, BOOL, TEXT, LIST = "number", "bool", "text", "list"

#: Where a name can be read.
FORM, ROW_VALUE, ROW_FIELD = "form", "row-value", "row-field"


@dataclass(frozen=True, slots=True)
class Name:
    """One name: where it is read, its value type, its range, its place in the form, what it is."""

    name: str
    where: str  # FORM: every expression; ROW_VALUE: indicator formulas and row checks; ROW_FIELD: rows where
    type: str
    domain: Interval | None
    path: str  # the JSON path in the form (a row's field relative to the row)
    doc: str


NAMES: tuple[Name, ...] = (
    Name("budget.initial", FORM, NUM, Interval.non_negative(), "$.budget.initial", "年初预算数"),
    Name("budget.adjusted", FORM, NUM, Interval.positive(), "$.budget.adjusted", "全年预算数（调整后）"),
    Name("budget.executed", FORM, NUM, Interval.non_negative(), "$.budget.executed", "全年执行数"),
    Name("budget.declared_score", FORM, NUM, Interval.non_negative(), "$.budget.declared_score",
         "填报的预算执行率得分"),
    Name("budget.declared_rate", FORM, NUM, Interval.non_negative(), "$.budget.declared_rate", "填报的执行率"),
    Name("declared_total", FORM, NUM, Interval.non_negative(), "$.declared_total", "填报的总分"),
    Name("year", FORM, NUM, Interval(Decimal(1949), Decimal(2200)), "$.year", "年度"),
    Name("actual", ROW_VALUE, NUM, Interval.non_negative(), "actual", "实际完成值（数值）"),
    Name("target", ROW_VALUE, NUM, Interval.non_negative(), "target", "年度指标值（数值）"),
    Name("goal", ROW_FIELD, NUM, None, "goal", "绩效目标序号"),
    Name("level1", ROW_FIELD, TEXT, None, "level1", "一级指标"),
    Name("level2", ROW_FIELD, TEXT, None, "level2", "二级指标"),
    Name("name", ROW_FIELD, TEXT, None, "name", "三级指标（指标名称）"),
    Name("weight", ROW_FIELD, NUM, Interval.non_negative(), "weight", "分值（该行的权重）"),
    Name("unit", ROW_FIELD, TEXT, None, "", "计量单位（从 target、actual 单元格读出）"),
    Name("reason", ROW_FIELD, TEXT, None, "reason", "偏差原因分析及改进措施（文字；未写或写“无”为空）"),
)

#: Names every ruleset may read from a form, with their type and range.
FORM_NAMES: dict[str, tuple[str, Interval]] = {
    n.name: (n.type, n.domain) for n in NAMES if n.where == FORM and n.domain is not None
}

#: Names an indicator policy formula reads, for one row.
ROW_NAMES: dict[str, tuple[str, Interval]] = {
    n.name: (n.type, n.domain) for n in NAMES if n.where == ROW_VALUE and n.domain is not None
}

#: Names a ``rows where`` selector reads (``weight`` among them: the row's weight).
ROW_FIELDS: dict[str, str] = {n.name: n.type for n in NAMES if n.where == ROW_FIELD}

#: JSON path of each form-level name.
FORM_PATHS: dict[str, str] = {n.name: n.path for n in NAMES if n.where == FORM}

#: The indicator policy's scoring directions (a formula for each is required).
DIRECTIONS = ("positive", "reverse")

#: The direction of an equality target (``=8个``, ``等于8个``): scored by a formula named so, if any.
EQUAL = "equal"

#: The cells of an indicator row a formula reads as numbers (年度指标值, 实际完成值 read as quantities).
ROW_CELLS = ("actual", "target")

#: Severities a ``check`` may carry.
SEVERITY_NAMES = ("error", "warning", "info")
