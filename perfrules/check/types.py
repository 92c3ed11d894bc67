"""Types of expressions: number, bool, text, list — and the message when they do not fit."""

from __future__ import annotations

from .. import nodes
from ..names import BOOL, LIST, NUM, TEXT
from ..operations import MAX_PLACES, PRECISION, fits
from ..values import BUILTIN_DOCS, BUILTINS, LIST_FUNCTIONS
from .context import _Ctx, _did_you_mean, _Scope


def _infer(expr: nodes.Expr, scope: _Scope, c: _Ctx) -> str | None:
    """The type of `expr` (number/bool/text), reporting problems; None after an error."""
    match expr:
        case nodes.Num(value=value):
            if not fits(value, MAX_PLACES) or len(value.as_tuple().digits) > PRECISION:
                c.error("magnitude", f"常数 {expr.text} 超出 perfrules 的精度（{PRECISION} 位有效数字，整数部分至多 "
                        f"{PRECISION - MAX_PLACES} 位）", expr.span, "缩小这个常数；金额请以万元或元为单位写成合理的数")
            return NUM
        case nodes.Str():
            return TEXT
        case nodes.BoolLit():
            return BOOL
        case nodes.WeightRef():
            if scope.weight is None and scope.weight_domain is None:
                c.error("unknown-name", f"{scope.what}中不能使用 weight", expr.span, "weight 只在 item 和指标计分公式中有意义")
                return None
            return NUM
        case nodes.Ref(name=name):
            if name in scope.types:
                if scope.types[name] == LIST:  # lists appear only inside sum() and count()
                    c.error("type", f"{name} 是列表，只能用在 sum() 或 count() 中", expr.span,
                            f"例如 sum({name})")
                    return None
                return scope.types[name]
            c.error("unknown-name", f"未定义的名称 {name}", expr.span,
                    _did_you_mean(name, scope.types) or "用 fact 声明表单中的数据，或用 let 定义派生值")
            return None
        case nodes.Neg(operand=operand):
            t = _infer(operand, scope, c)
            if t not in (NUM, None):
                c.error("type", "负号只能用于数字", expr.span)
            return NUM
        case nodes.BinOp(op=op, left=left, right=right):
            lt, rt = _infer(left, scope, c), _infer(right, scope, c)
            for t, side in ((lt, left), (rt, right)):
                if t not in (NUM, None):
                    c.error("type", f"运算 {op} 需要数字，这里是{_tname(t)}", side.span)
            return NUM
        case nodes.Compare(op=op, left=left, right=right):
            lt, rt = _infer(left, scope, c), _infer(right, scope, c)
            if lt and rt and lt != rt:
                c.error("type", f"不能比较{_tname(lt)}和{_tname(rt)}", expr.span)
            elif op not in ("==", "!=") and lt in (TEXT, BOOL):
                c.error("type", f"{_tname(lt)}只能用 == 或 != 比较", expr.span)
            return BOOL
        case nodes.InSet(operand=operand, options=options):
            t = _infer(operand, scope, c)
            for o in options:
                ot = _infer(o, scope, c)
                if t and ot and ot != t:
                    c.error("type", f"in 的选项应为{_tname(t)}", o.span)
            return BOOL
        case nodes.Logic(op=op, left=left, right=right):
            for side in (left, right):
                t = _infer(side, scope, c)
                if t not in (BOOL, None):
                    c.error("type", f"{op} 两边应为条件（真/假），这里是{_tname(t)}", side.span)
            return BOOL
        case nodes.Not(operand=operand):
            t = _infer(operand, scope, c)
            if t not in (BOOL, None):
                c.error("type", f"not 后应为条件，这里是{_tname(t)}", operand.span)
            return BOOL
        case nodes.If(cond=cond, then=then, else_=else_):
            ct = _infer(cond, scope, c)
            if ct not in (BOOL, None):
                c.error("type", f"if 后应为条件，这里是{_tname(ct)}", cond.span, "例如 if actual > 0 then … else …")
            tt, et = _infer(then, scope, c), _infer(else_, scope, c)
            if tt and et and tt != et:
                c.error("type", f"then 与 else 的类型不同（{_tname(tt)} / {_tname(et)}）", expr.span)
            return tt or et
        case nodes.Call(func=func, args=args):
            if func not in BUILTINS:
                c.error("unknown-name", f"未知函数 {func}", expr.span,
                        _did_you_mean(func, BUILTINS) or "可用函数: " + "；".join(BUILTIN_DOCS.values()))
                for a in args:
                    _infer(a, scope, c)
                return NUM
            lo, hi, _ = BUILTINS[func]
            if len(args) < lo or (hi is not None and len(args) > hi):
                want = f"{lo}" if lo == hi else f"至少 {lo}"
                c.error("arity", f"{func} 需要 {want} 个参数，这里有 {len(args)} 个", expr.span, BUILTIN_DOCS[func])
            if func in LIST_FUNCTIONS:
                for a in args:
                    if not (isinstance(a, nodes.Ref) and scope.types.get(a.name) == LIST):
                        c.error("type", f"{func} 的参数应为列表类型的 fact", a.span, "用 fact 名称 money list 声明列表")
                return NUM
            for a in args:
                t = _infer(a, scope, c)
                if t not in (NUM, None):
                    c.error("type", f"{func} 的参数应为数字，这里是{_tname(t)}", a.span)
            return NUM
    raise TypeError(expr)  # pragma: no cover


def _tname(t: str | None) -> str:
    return {NUM: "数字", BOOL: "条件", TEXT: "文字"}.get(t or "", "未知")
