"""What each grammar rule builds: the typed syntax tree, made while Lark parses.

Lark's LALR parser calls one function per reduced rule (its ``transformer=`` option), so no
parse tree is built and walked again.  Each reduction gets every child of its rule, keywords and
punctuation included (``keep_all_tokens``), and keeps — besides the value it built — the text it
covers and the height of the tree Lark would have built.  The span of a node is exactly Lark's
``propagate_positions`` meta: from its first child to its last, a parenthesised expression
counting its parentheses for the rule around it (Lark's "container").  The builders then see the
children Lark's tree would have had: the named terminals, and the values of the rules below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from types import SimpleNamespace
from typing import Any

from lark import Token

from . import nodes

#: The terminals a rule's builder sees; every other token (keywords, punctuation) only places it.
KEPT_TERMINALS = frozenset({"NAME", "NUMBER", "PERCENT", "STRING", "CMP_OP", "ADD_OP", "MUL_OP", "RANGE"})

#: A reduced rule: (value, line, column, end_line, end_column, height of its tree in Lark's terms).
Part = tuple[Any, int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A whole file's declarations and the height of the parse tree Lark would have built for it."""

    decls: tuple[nodes.Decl, ...]
    height: int


class Malformed(Exception):
    """Raised by a builder for a construct that parses but is malformed."""

    def __init__(self, message: str, span: nodes.Span, hint: str | None = None):
        super().__init__(message)
        self.message, self.span, self.hint = message, span, hint


def _tok_span(tok: Token) -> nodes.Span:
    return nodes.Span(tok.line or 0, tok.column or 0, tok.end_line or 0, tok.end_column or 0)


def _unquote(tok: Token) -> str:
    return str(tok)[1:-1]


def _num(tok: Token) -> Decimal:
    return Decimal(str(tok))


def _to_amount(node: nodes.Num) -> nodes.Amount:
    text = node.text
    raw = Decimal(text[:-1]) if node.is_percent else node.value
    return nodes.Amount(raw, node.is_percent, text, node.span)


_OPS = {"×": "*", "÷": "/", "≥": ">=", "≤": "<=", "≠": "!="}


class _ToNodes:
    """What each grammar rule builds, given its span and its kept children (as Lark's tree had them)."""

    # ---- header
    def _setting(self, key: str, span: nodes.Span, children: list[Any]) -> nodes.Setting:
        tok = children[0]
        value = _unquote(tok) if tok.type == "STRING" else str(tok)
        return nodes.Setting(key, value, span)

    def remove_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Remove:
        return nodes.Remove(str(c[0]), span)

    def weight_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Reweight:
        adjust = c[2] if len(c) > 2 else None
        return nodes.Reweight(str(c[0]), _num(c[1]), str(c[1]), span, adjust)

    def adjustable(self, span: nodes.Span, c: list[Any]) -> nodes.Adjust:
        lo, hi = _num(c[0]), _num(c[2])
        if lo > hi:
            raise Malformed(f"adjustable 的下限 {c[0]} 大于上限 {c[2]}", span, "写成 adjustable 下限 .. 上限")
        return nodes.Adjust(lo, hi, f"{c[0]} .. {c[2]}", span)

    def years_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Years:
        first = c[0]
        if "." in str(first):
            raise Malformed("年份必须是整数", _tok_span(first))
        if len(c) == 1:
            return nodes.Years(int(first), int(first), False, span)
        if len(c) == 2:
            return nodes.Years(int(first), None, True, span)
        if "." in str(c[2]):
            raise Malformed("年份必须是整数", _tok_span(c[2]))
        return nodes.Years(int(first), int(c[2]), False, span)

    def rounding_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Rounding:
        if "." in str(c[1]):
            raise Malformed("保留的小数位数必须是整数", _tok_span(c[1]), "例如: rounding half_up 2")
        return nodes.Rounding(str(c[0]), int(c[1]), span)

    def grades_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Grades:
        return nodes.Grades(tuple(c), span)

    def grade_min(self, span: nodes.Span, c: list[Any]) -> nodes.Grade:
        label, op, number = c
        if _OPS.get(str(op), str(op)) != ">=":
            raise Malformed(f"等级只能用 >= 给出下限，这里写的是 {op}", _tok_span(op), f'例如: "{_unquote(label)}" >= 90')
        return nodes.Grade(_unquote(label), _num(number), span)

    def grade_otherwise(self, span: nodes.Span, c: list[Any]) -> nodes.Grade:
        return nodes.Grade(_unquote(c[0]), None, span)

    # ---- bands
    def bands_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Bands:
        return nodes.Bands(str(c[0]), tuple(c[1:]), span)

    def band(self, span: nodes.Span, c: list[Any]) -> nodes.Band:
        label = _unquote(c[0])
        rest = c[1:]
        aliases: tuple[str, ...] = ()
        if rest and isinstance(rest[0], tuple):
            aliases, rest = rest[0], rest[1:]
        lo, _, hi = rest
        return nodes.Band(label, aliases, _to_amount(lo), _to_amount(hi), span)

    def aka(self, span: nodes.Span, c: list[Any]) -> tuple[str, ...]:
        return tuple(_unquote(t) for t in c)

    # ---- indicator policy
    def indicators_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Indicators:
        formulas = tuple(x for x in c if isinstance(x, nodes.PolicyFormula))
        unsigned = [x for x in c if isinstance(x, nodes.Unsigned)]
        qual = [x for x in c if isinstance(x, nodes.Qualitative)]
        inapplicable = [x for x in c if isinstance(x, nodes.Inapplicable)]
        for dup, what in ((unsigned, "unsigned"), (qual, "qualitative"), (inapplicable, "inapplicable")):
            if len(dup) > 1:
                raise Malformed(f"indicators 中 {what} 只能写一次", dup[1].span)
        classes = tuple(x for x in c if isinstance(x, nodes.When))
        return nodes.Indicators(formulas, unsigned[0] if unsigned else None, qual[0] if qual else None, span,
                              classes, inapplicable[0] if inapplicable else None)

    def policy_when(self, span: nodes.Span, c: list[Any]) -> nodes.When:
        return nodes.When(c[0], str(c[1]), span)

    def policy_inapplicable(self, span: nodes.Span, c: list[Any]) -> nodes.Inapplicable:
        return nodes.Inapplicable(str(c[0]), span)

    def aggregate_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Aggregate:
        by, *rules = c
        return nodes.Aggregate(by.name, tuple(rules), span)

    def aggregate_rule(self, span: nodes.Span, c: list[Any]) -> nodes.AggregateRule:
        return nodes.AggregateRule(str(c[0]), c[1], span)

    def policy_formula(self, span: nodes.Span, c: list[Any]) -> nodes.PolicyFormula:
        return nodes.PolicyFormula(str(c[0]), c[1], span)

    def policy_unsigned(self, span: nodes.Span, c: list[Any]) -> nodes.Unsigned:
        return nodes.Unsigned(str(c[0]), tuple(c[1:]), span)

    def by_value(self, span: nodes.Span, c: list[Any]) -> nodes.ByCase:
        return nodes.ByCase(_unquote(c[0]), str(c[1]), span)

    def by_otherwise(self, span: nodes.Span, c: list[Any]) -> nodes.ByCase:
        return nodes.ByCase(None, str(c[0]), span)

    def policy_qualitative(self, span: nodes.Span, c: list[Any]) -> nodes.Qualitative:
        return nodes.Qualitative(str(c[0]), span)

    # ---- facts, lets, checks
    def fact_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Fact:
        name, type_, *opts = c
        label: str | None = None
        optional = False
        values: tuple[str, ...] = ()
        lo = hi = None
        is_list = False
        for kind, value in opts:
            if kind == "list":
                is_list = True
            elif kind == "label":
                label = value
            elif kind == "optional":
                optional = True
            elif kind == "required":
                optional = False
            elif kind == "values":
                values = value
            elif kind == "range":
                lo, hi = value
        return nodes.Fact(str(name), str(type_), label, optional, values, lo, hi, span, _tok_span(type_), is_list)

    def fact_label(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any]:
        return ("label", _unquote(c[0]))

    def fact_optional(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any]:
        return ("optional", True)

    def fact_required(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any]:
        return ("required", True)

    def fact_list(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any]:
        return ("list", True)

    def for_rows(self, span: nodes.Span, c: list[Any]) -> nodes.Rows:
        return nodes.Rows(c[0] if c else None, span)

    def fact_values(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any]:
        return ("values", tuple(_unquote(t) for t in c))

    def fact_range(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any]:
        lo = _to_amount(c[0])
        hi = _to_amount(c[2]) if len(c) > 2 else None
        return ("range", (lo, hi))

    def let_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Let:
        return nodes.Let(str(c[0]), c[1], span)

    def within(self, span: nodes.Span, c: list[Any]) -> tuple[str, Decimal]:
        return ("within", _num(c[0]))

    def check_decl(self, span: nodes.Span, c: list[Any]) -> nodes.Check:
        name = str(c[0])
        severity = "error"
        message = None
        tolerance = Decimal(0)
        expr = None
        rows = None
        for x in c[1:]:
            if isinstance(x, nodes.Rows):
                rows = x
            elif isinstance(x, Token) and x.type == "NAME":
                severity = str(x)
            elif isinstance(x, Token) and x.type == "STRING":
                message = _unquote(x)
            elif isinstance(x, tuple) and x and x[0] == "within":
                tolerance = x[1]
            else:
                expr = x
        assert expr is not None
        return nodes.Check(name, severity, message, expr, tolerance, span, rows)

    # ---- rubric tree
    def _node(self, kind: str, span: nodes.Span, c: list[Any]) -> nodes.Node:
        ident = c[0]
        rest = c[1:]
        title = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            title, rest = _unquote(rest[0]), rest[1:]
        weight_tok, body = rest[0], rest[1:]
        adjust = body[0] if body and isinstance(body[0], nodes.Adjust) else None
        if adjust is not None:
            body = body[1:]
        children = tuple(x for x in body if isinstance(x, nodes.Node))
        rows = [x for x in body if isinstance(x, nodes.Rows)]
        score = [x for x in body if isinstance(x, tuple) and x[0] == "score"]
        declared = [x for x in body if isinstance(x, tuple) and x[0] == "declared"]
        deducts = tuple(x for x in body if isinstance(x, nodes.Deduct))
        judges = [x for x in body if isinstance(x, nodes.Judge)]
        if len(rows) > 1:
            raise Malformed(f"{ident} 中 rows 只能写一次", rows[1].span, "把多个条件用 or 合并到一条 rows where 中")
        if len(score) > 1:
            raise Malformed(f"{ident} 中 score 只能写一次", score[1][2], "把几部分写成一个表达式，或拆成几个 item")
        if len(judges) > 1:
            raise Malformed(f"{ident} 中 judge 只能写一次", judges[1].span, "拆成几个 item")
        if len(declared) > 1:
            raise Malformed(f"{ident} 中 declared 只能写一次", declared[1][2])
        rules = len(score) + (1 if deducts else 0) + len(judges)
        if rules > 1:
            raise Malformed(f"{ident} 的计分方式只能选一种: score、deduct 或 judge", span, "拆成几个 item，各用一种计分方式")
        leaf = None
        if rules or declared:
            leaf = nodes.Leaf(score[0][1] if score else None, deducts, judges[0] if judges else None,
                            declared[0][1] if declared else None)
        if kind == "item" and rules == 0:
            raise Malformed(f"item {ident} 没有计分规则", span, "在花括号中写 score 表达式、deduct 扣分或 judge 分档")
        if kind == "section" and (children or rows) and rules:
            raise Malformed(f"section {ident} 既有下级又有自己的计分规则", span,
                         "有计分规则的叶子请写成 item；section 只汇总下级")
        if children and rows:
            raise Malformed(f"section {ident} 既有下级 item/section 又有 rows", rows[0].span,
                         "把 rows 放进单独的 section")
        if kind == "section" and not (children or rows or rules):
            raise Malformed(f"section {ident} 是空的", span, "写下级 item/section，或 rows where … 选取指标行")
        return nodes.Node(kind, str(ident), title, _num(weight_tok), str(weight_tok), children,
                        rows[0] if rows else None, leaf, span, _tok_span(weight_tok), adjust)

    def section(self, span: nodes.Span, c: list[Any]) -> nodes.Node:
        return self._node("section", span, c)

    def item(self, span: nodes.Span, c: list[Any]) -> nodes.Node:
        return self._node("item", span, c)

    def rows(self, span: nodes.Span, c: list[Any]) -> nodes.Rows:
        return nodes.Rows(c[0] if c else None, span)

    def score_stmt(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any, nodes.Span]:
        return ("score", c[0], span)

    def declared_stmt(self, span: nodes.Span, c: list[Any]) -> tuple[str, Any, nodes.Span]:
        return ("declared", c[0], span)

    def deduct_stmt(self, span: nodes.Span, c: list[Any]) -> nodes.Deduct:
        return nodes.Deduct(_num(c[0]), c[1], _num(c[2]), span)

    def judge_stmt(self, span: nodes.Span, c: list[Any]) -> nodes.Judge:
        subject = c[0]
        rest = c[1:]
        score = None
        if rest and isinstance(rest[0], nodes.Ref):
            score, rest = rest[0], rest[1:]
        return nodes.Judge(subject, score, tuple(rest), span)

    def judge_case(self, span: nodes.Span, c: list[Any]) -> nodes.JudgeCase:
        lo = _to_amount(c[1])
        hi = _to_amount(c[3]) if len(c) > 2 else lo
        return nodes.JudgeCase(_unquote(c[0]), lo, hi, span)

    # ---- expressions
    def if_expr(self, span: nodes.Span, c: list[Any]) -> nodes.If:
        return nodes.If(c[0], c[1], c[2], span)

    def or_(self, span: nodes.Span, c: list[Any]) -> nodes.Logic:
        return nodes.Logic("or", c[0], c[1], span)

    def and_(self, span: nodes.Span, c: list[Any]) -> nodes.Logic:
        return nodes.Logic("and", c[0], c[1], span)

    def not_(self, span: nodes.Span, c: list[Any]) -> nodes.Not:
        return nodes.Not(c[0], span)

    def compare(self, span: nodes.Span, c: list[Any]) -> nodes.Compare:
        op = str(c[1])
        return nodes.Compare(_OPS.get(op, op), c[0], c[2], span)

    def in_(self, span: nodes.Span, c: list[Any]) -> nodes.InSet:
        return nodes.InSet(c[0], tuple(c[1:]), span)

    def binary(self, span: nodes.Span, c: list[Any]) -> nodes.BinOp:
        op = str(c[1])
        return nodes.BinOp(_OPS.get(op, op), c[0], c[2], span)

    def neg(self, span: nodes.Span, c: list[Any]) -> nodes.Neg:
        return nodes.Neg(c[0], span)

    def number(self, span: nodes.Span, c: list[Any]) -> nodes.Num:
        return nodes.Num(_num(c[0]), str(c[0]), False, _tok_span(c[0]))

    def percent(self, span: nodes.Span, c: list[Any]) -> nodes.Num:
        text = str(c[0])
        return nodes.Num(Decimal(text[:-1]) / 100, text, True, _tok_span(c[0]))

    def string(self, span: nodes.Span, c: list[Any]) -> nodes.Str:
        return nodes.Str(_unquote(c[0]), _tok_span(c[0]))

    def true(self, span: nodes.Span, c: list[Any]) -> nodes.BoolLit:
        return nodes.BoolLit(True, span)

    def false(self, span: nodes.Span, c: list[Any]) -> nodes.BoolLit:
        return nodes.BoolLit(False, span)

    def weight_ref(self, span: nodes.Span, c: list[Any]) -> nodes.WeightRef:
        return nodes.WeightRef(span)

    def ref(self, span: nodes.Span, c: list[Any]) -> nodes.Ref:
        return nodes.Ref(".".join(str(t) for t in c), span)

    def call(self, span: nodes.Span, c: list[Any]) -> nodes.Call:
        return nodes.Call(str(c[0]), tuple(c[1:]), span)


Reduction = Callable[[list[Any]], Any]


def _reduction(build: Callable[[nodes.Span, list[Any]], Any]) -> Reduction:
    """The callback Lark calls for one rule: `build` on the rule's span and kept children."""

    def reduce(children: list[Any]) -> Part:
        first, last = children[0], children[-1]
        line: Any  # a token's positions are set by the lexer (Lark types them Optional)
        column: Any
        end_line: Any
        end_column: Any
        if type(first) is tuple:  # a reduced rule (a Part); anything else is a token
            line, column = first[1], first[2]
        else:
            line, column = first.line, first.column
        if type(last) is tuple:
            end_line, end_column = last[3], last[4]
        else:
            end_line, end_column = last.end_line, last.end_column
        kept = []
        height = 0
        for child in children:
            if type(child) is tuple:
                kept.append(child[0])
                height = max(height, child[5])
            elif child.type in KEPT_TERMINALS:
                kept.append(child)
        value = build(nodes.Span(line, column, end_line, end_column), kept)
        return value, line, column, end_line, end_column, height + 1

    return reduce


def _parenthesised(children: list[Any]) -> Part:
    """``( expr )``: the expression itself, covering its parentheses (Lark keeps no tree for them)."""
    opening: Any
    closing: Any
    opening, inner, closing = children
    return inner[0], opening.line, opening.column, closing.end_line, closing.end_column, inner[5]


def _start(children: list[Any]) -> Parsed:
    return Parsed(tuple(child[0] for child in children), 1 + max((child[5] for child in children), default=0))


#: The header lines that are one setting each: rule ``<key>_decl`` builds ``Setting(key, …)``.
SETTING_KEYS = ("ruleset", "extends", "title", "version", "jurisdiction", "kind", "full", "tolerance")


def reductions() -> SimpleNamespace:
    """The callbacks for ``Lark(..., transformer=reductions(), keep_all_tokens=True)``, by rule name."""
    builders = _ToNodes()
    named = {name: _reduction(getattr(builders, name)) for name in dir(builders) if not name.startswith("_")}
    named.update({f"{key}_decl": _reduction(partial(builders._setting, key)) for key in SETTING_KEYS})
    return SimpleNamespace(**named, atom=_parenthesised, start=_start)
