"""Ruleset test files: YAML cases a rule author writes without Python.

A test file (``*.test.yaml``) beside a ruleset::

    ruleset: project.rules            # optional: a file beside this one, or an id; else found by the form
    tolerance: 0.005                  # optional absolute tolerance for numbers (default 0: exact)
    cases:
      - name: 表2 配套资金（开）
        form: examples/02-kaifaqu-peitao.yaml      # a file beside this one, or the form inline
        expect:
          total: 91.64
          grade: 优
          items: {预算执行: 13.5, 预计参保人数: 18.14}   # by item id or name
          sections: {目标1: 68.14}
          findings:                                  # exactly the error and warning findings
            - declared-score-mismatch $.budget.declared_score
            - declared-total-mismatch $.declared_total

``perfrules test`` runs them, ``--update`` rewrites the expectations after a
reviewed change, ``--junit FILE`` writes JUnit XML, ``--coverage`` reports the
rubric cells the cases reached and ``--fail-under PERCENT`` gates on them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .api import Ruleset, Scorer
from .coverage import Coverage
from .errors import Diagnostic, FormError, PerfrulesError
from .files import read_user_bytes
from .forms import (
    MAX_FORM_BYTES,
    RawForm,
    load_documents,
    parse_documents,
    read_form,
)
from .reading import _plain_scalar
from .registry import Registry
from .result import Result
from .values import fmt_number, fmt_score

SUFFIX = ".test.yaml"
FILE_KEYS = ("ruleset", "tolerance", "cases")
CASE_KEYS = ("name", "form", "expect", "tolerance")
EXPECT_KEYS = ("total", "grade", "items", "sections", "findings")


@dataclass
class CaseResult:
    file: str
    name: str
    line: int
    failures: list[str] = field(default_factory=list)
    error: str | None = None
    result: Result | None = None

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


@dataclass
class Run:
    cases: list[CaseResult] = field(default_factory=list)
    coverage: dict[str, Coverage] = field(default_factory=dict)
    broken_files: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return len(self.cases) - self.passed + len(self.broken_files)


def find_test_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            out.extend(sorted(p.rglob(f"*{SUFFIX}")))
        else:
            raise FormError([Diagnostic("error", "io", "找不到测试文件或目录", str(p), hint="检查路径")])
    return out


def _located(raw: RawForm, path: str, message: str, hint: str | None = None) -> FormError:
    line, col = raw.lines.get(path, (0, 0))
    return FormError([Diagnostic("error", "test-file", message, raw.source, line, col, hint=hint, source=raw.text)])


def _number(raw: RawForm, path: str, value: Any) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        raise _located(raw, path, f"{path}: 应为数字，这里是 {value!r}") from None


def _findings_expected(raw: RawForm, path: str, value: Any) -> set[tuple[str, str]]:
    if not isinstance(value, list):
        raise _located(raw, path, f"{path}: findings 应为列表", '例如: - declared-total-mismatch $.declared_total')
    out = set()
    for i, entry in enumerate(value):
        here = f"{path}[{i}]"
        if isinstance(entry, str) and " " in entry.strip():
            code, where = entry.strip().split(None, 1)
        elif isinstance(entry, dict) and set(entry) <= {"code", "path"} and "code" in entry:
            code, where = str(entry["code"]), str(entry.get("path", "$"))
        else:
            raise _located(raw, here, f"{here}: 应写成 “代码 路径”，如 declared-total-mismatch $.declared_total")
        out.add((code, where.strip()))
    return out


def _check_keys(raw: RawForm, path: str, value: Any, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, dict):
        raise _located(raw, path, f"{path}: 应为映射（键: 值）")
    for key in value:
        if key not in allowed:
            import difflib

            close = difflib.get_close_matches(str(key), allowed, n=1)
            raise _located(raw, f"{path}.{key}" if path != "$" else f"$.{key}", f"未知的键 {key}",
                           f"是不是 {close[0]}？" if close else "可用: " + "、".join(allowed))


class TestFile:
    """One parsed test file."""

    def __init__(self, path: Path, registry: Registry):
        self.path = path
        (self.raw,) = load_documents(path)[:1]
        data = self.raw.data
        _check_keys(self.raw, "$", data, FILE_KEYS)
        if not isinstance(data.get("cases"), list) or not data["cases"]:
            raise _located(self.raw, "$", "测试文件需要 cases 列表", "cases:\n  - name: …\n    form: …\n    expect: …")
        self.tolerance = _number(self.raw, "$.tolerance", data.get("tolerance", 0))
        self.ruleset: Ruleset | None = None
        if "ruleset" in data:
            ref = str(data["ruleset"])
            beside = path.parent / ref
            try:
                rpath = str(beside) if beside.is_file() else registry.path_of(ref)
                self.ruleset = Ruleset(registry.chain(rpath))
            except PerfrulesError as e:
                raise _located(self.raw, "$.ruleset", f"测试文件指定的规则无法使用: {e.diagnostics[0].message}") from None
        for i, case in enumerate(data["cases"]):
            _check_keys(self.raw, f"$.cases[{i}]", case, CASE_KEYS)
            if "form" not in case or "expect" not in case:
                raise _located(self.raw, f"$.cases[{i}]", "每个 case 需要 form 和 expect")
            _check_keys(self.raw, f"$.cases[{i}].expect", case["expect"], EXPECT_KEYS)

    def form_of(self, i: int) -> RawForm:
        case = self.raw.data["cases"][i]
        form = case["form"]
        if isinstance(form, str):
            p = self.path.parent / form
            if not p.is_file():
                raise _located(self.raw, f"$.cases[{i}].form", f"找不到表单文件 {form}", "路径相对于测试文件所在目录")
            (doc,) = load_documents(p)[:1]
            return doc
        if isinstance(form, dict):
            prefix = f"$.cases[{i}].form"
            lines = {"$" + k[len(prefix):]: v for k, v in self.raw.lines.items() if k.startswith(prefix)}
            return RawForm(form, f"{self.path}#cases[{i}]", lines, self.raw.text)
        raise _located(self.raw, f"$.cases[{i}].form", "form 应为表单文件路径或表单内容")


def _item(result: Result, key: str) -> Any:
    for it in result.items:
        if key in (it.id, it.name):
            return it
    return None


def run_case(tf: TestFile, i: int, scorer: Scorer) -> CaseResult:
    case = tf.raw.data["cases"][i]
    line = tf.raw.lines.get(f"$.cases[{i}]", (0, 0))[0]
    out = CaseResult(str(tf.path), str(case.get("name", f"case {i + 1}")), line)
    tol = _number(tf.raw, f"$.cases[{i}].tolerance", case["tolerance"]) if "tolerance" in case else tf.tolerance
    raw = tf.form_of(i)  # a missing form file is an error of the test file itself
    try:
        form = read_form(raw)
        ruleset = tf.ruleset or scorer.ruleset_for(form)
        result = ruleset.evaluate(form, coverage=True)
    except PerfrulesError as e:
        out.error = e.render()
        return out
    out.result = result
    expect = case["expect"]
    where = f"$.cases[{i}].expect"

    def close(label: str, want: Decimal, got: Decimal) -> None:
        if abs(want - got) > tol:
            out.failures.append(f"{label}: 期望 {fmt_number(want)}，实际 {fmt_score(got, result.places)}")

    if "total" in expect:
        close("总分", _number(tf.raw, f"{where}.total", expect["total"]), result.total)
    if "grade" in expect and str(expect["grade"]) != result.grade:
        out.failures.append(f"等次: 期望 {expect['grade']}，实际 {result.grade}")
    for key, want in (expect.get("items") or {}).items():
        it = _item(result, str(key))
        if it is None:
            names = "、".join(x.id for x in result.items[:12])
            raise _located(tf.raw, f"{where}.items.{key}", f"没有名为 {key} 的计分项", f"可用的编号: {names}")
        close(f"{key}", _number(tf.raw, f"{where}.items.{key}", want), it.score)
    for key, want in (expect.get("sections") or {}).items():
        sec = next((s for s in result.sections if str(key) in (s.id, s.name)), None)
        if sec is None:
            raise _located(tf.raw, f"{where}.sections.{key}", f"没有名为 {key} 的部分",
                           "可用: " + "、".join(s.id for s in result.sections))
        close(f"部分 {key}", _number(tf.raw, f"{where}.sections.{key}", want), sec.score)
    if "findings" in expect:
        want_f = _findings_expected(tf.raw, f"{where}.findings", expect["findings"])
        got_f = {(f.code, f.path) for f in result.findings if f.severity in ("error", "warning")}
        for code, path in sorted(want_f - got_f):
            out.failures.append(f"缺少发现: {code} {path}")
        for code, path in sorted(got_f - want_f):
            out.failures.append(f"多出发现: {code} {path}")
    return out


def run(paths: list[str], extra_rulesets: list[str] | None = None) -> Run:
    """Run every case of the test files under `paths`."""
    registry = Registry(extra_rulesets or [])
    scorer = Scorer(paths=extra_rulesets or [])
    outcome = Run()
    for path in find_test_files(paths):
        try:
            tf = TestFile(path, registry)
            for i in range(len(tf.raw.data["cases"])):
                cr = run_case(tf, i, scorer)
                outcome.cases.append(cr)
                if cr.result is not None:
                    cov = outcome.coverage.get(cr.result.ruleset_id)
                    if cov is None:
                        model = (tf.ruleset or scorer.ruleset_for(read_form(tf.form_of(i)))).model
                        cov = outcome.coverage[cr.result.ruleset_id] = Coverage(model)
                    cov.add(cr.result.reached)
        except PerfrulesError as e:
            outcome.broken_files.append(e.render())
    return outcome


# ---------------------------------------------------------------- --update


def _yaml_scalar(v: Any) -> str:
    text = str(v)
    if text == "" or any(ch in text for ch in ":#{}[],&*!|>'\"%@`\n\\") or text.strip() != text \
            or isinstance(_plain_scalar(text), (bool, type(None))) or text[0] in "-?":
        return json.dumps(text, ensure_ascii=False)
    return text


def expectations(result: Result, old: dict[str, Any]) -> dict[str, Any]:
    """Fresh expectations from `result`, for the same items and sections the case listed."""
    new: dict[str, Any] = {"total": fmt_score(result.total, result.places), "grade": result.grade}
    if old.get("items"):
        new["items"] = {k: fmt_score(_item(result, str(k)).score, result.places) for k in old["items"]
                        if _item(result, str(k)) is not None}
    if old.get("sections"):
        new["sections"] = {k: fmt_score(s.score, result.places) for k in old["sections"]
                           for s in result.sections if str(k) in (s.id, s.name)}
    new["findings"] = sorted(f"{f.code} {f.path}" for f in result.findings if f.severity in ("error", "warning"))
    return new


def update_file(path: Path, results: list[CaseResult]) -> None:
    """Rewrite the expectations of a test file from its cases' results (comments before `cases:` are kept)."""
    data = read_user_bytes(path, MAX_FORM_BYTES, "测试文件", FormError)
    (raw,) = parse_documents(data, str(path))[:1]  # refuses what is not UTF-8
    text = data.decode("utf-8-sig")
    head = text.split("\ncases:", 1)[0] if "\ncases:" in text else "\n".join(
        line for line in text.splitlines() if line.startswith("#"))
    lines = [head.rstrip("\n"), "cases:"]
    for i, case in enumerate(raw.data["cases"]):
        cr = results[i]
        lines.append(f"  - name: {_yaml_scalar(case.get('name', f'case {i + 1}'))}")
        form = case["form"]
        if isinstance(form, str):
            lines.append(f"    form: {_yaml_scalar(form)}")
        else:
            lines.append(f"    form: {json.dumps(form, ensure_ascii=False, default=str)}")
        if "tolerance" in case:
            lines.append(f"    tolerance: {case['tolerance']}")
        exp = expectations(cr.result, case["expect"]) if cr.result is not None else case["expect"]
        lines.append("    expect:")
        for key in ("total", "grade"):
            if key in exp:
                lines.append(f"      {key}: {_yaml_scalar(exp[key])}")
        for key in ("items", "sections"):
            if exp.get(key):
                lines.append(f"      {key}:")
                for k, v in exp[key].items():
                    lines.append(f"        {_yaml_scalar(k)}: {v}")
        if exp.get("findings"):
            lines.append("      findings:")
            for f in exp["findings"]:
                lines.append(f"        - {_yaml_scalar(f) if not isinstance(f, dict) else json.dumps(f)}")
        else:
            lines.append("      findings: []")
    new_text = "\n".join(lines) + "\n"
    again = parse_documents(new_text, str(path))[0].data  # re-read before writing: same cases
    if [c.get("name") for c in again["cases"]] != [str(c.get("name", f"case {i + 1}"))
                                                    for i, c in enumerate(raw.data["cases"])]:
        raise PerfrulesError([Diagnostic(
            "error", "update", "改写后的测试文件读回的内容不同，未写入（perfrules 的缺陷，请报告）",
            str(path))])
    path.write_text(new_text, encoding="utf-8")


# ---------------------------------------------------------------- reports


def junit(outcome: Run) -> str:
    """The run as JUnit XML, for CI systems."""
    body = []
    for c in outcome.cases:
        attrs = f'classname="{escape(c.file)}" name="{escape(c.name)}"'
        if c.error:
            body.append(f'  <testcase {attrs}><error message="{escape(c.error.splitlines()[0])}">'
                        f"{escape(c.error)}</error></testcase>")
        elif c.failures:
            msg = "; ".join(c.failures)
            body.append(f'  <testcase {attrs}><failure message="{escape(msg)}">{escape(msg)}</failure></testcase>')
        else:
            body.append(f"  <testcase {attrs}/>")
    for i, b in enumerate(outcome.broken_files):
        body.append(f'  <testcase classname="test-files" name="file {i + 1}"><error message="{escape(b.splitlines()[0])}">'
                    f"{escape(b)}</error></testcase>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuite name="perfrules" tests="{len(outcome.cases) + len(outcome.broken_files)}" '
            f'failures="{sum(1 for c in outcome.cases if c.failures and not c.error)}" '
            f'errors="{sum(1 for c in outcome.cases if c.error) + len(outcome.broken_files)}">\n'
            + "\n".join(body) + "\n</testsuite>\n")

