"""``perfrules fuzz``: attack a ruleset (or the parser) with generated inputs.

Ruleset mode runs :func:`perfrules.testing.assert_guarantees` on forms drawn
by :func:`perfrules.testing.forms`; hypothesis shrinks any failure to a small
counterexample, printed as a ready-to-run YAML form.  It also reports the
rubric cells the generated forms reached, so a tester can see the fuzzing was
not shallow.  Parser mode feeds generated and mutated ruleset texts and form
documents to the loaders: only perfrules' own errors may come out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as fixed_seed
from hypothesis import strategies as st

from .api import Ruleset
from .coverage import Coverage
from .errors import Diagnostic, PerfrulesError
from .forms import parse_documents
from .testing import GuaranteeViolation, check_guarantees, forms


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # forms refuse anchors and aliases: a shared value is written twice


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")  # plain, never a tagged string: "1" is an int to YAML, "1.50" a float
    return dumper.represent_scalar("tag:yaml.org,2002:" + ("float" if "." in text else "int"), text)


_Dumper.add_representer(Decimal, _decimal)


def form_yaml(form: dict[str, Any]) -> str:
    """A form as YAML that ``perfrules score`` reads back exactly (decimals stay decimals)."""
    text = yaml.dump(form, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    (again,) = parse_documents(text, "<counterexample>")  # what is printed must replay with `score`
    if again.data != form:
        raise PerfrulesError([Diagnostic(
            "error", "fuzz", "反例表单写成 YAML 后读回的内容不同（这是 perfrules 的缺陷，请报告）",
            "<counterexample>")])
    return text


@dataclass
class FuzzOutcome:
    ruleset: Ruleset
    examples: int = 0
    failure: GuaranteeViolation | None = None
    counterexample: dict[str, Any] | None = None
    coverage: Coverage | None = None
    crash: str | None = None


def fuzz_ruleset(rs: Ruleset, examples: int = 200, seed: int | None = None) -> FuzzOutcome:
    """Check every guarantee on `examples` generated forms; shrink and return the first failure."""
    out = FuzzOutcome(rs, coverage=Coverage(rs.model))
    last: dict[str, Any] = {}

    @settings(max_examples=examples, database=None, deadline=None, derandomize=seed is None,
              suppress_health_check=list(HealthCheck), print_blob=False, report_multiple_bugs=False)
    @given(forms(rs))
    def prop(form: dict[str, Any]) -> None:
        out.examples += 1
        last["form"] = form
        result = check_guarantees(rs, form)
        assert out.coverage is not None
        out.coverage.add(result.reached)

    run = fixed_seed(seed)(prop) if seed is not None else prop
    try:
        run()
    except GuaranteeViolation as e:
        out.failure = e
        out.counterexample = last.get("form")
    except PerfrulesError as e:  # a generated form the engine could not read: a defect of the generator or loader
        out.crash = e.render()
        out.counterexample = last.get("form")
    return out


# ---------------------------------------------------------------- parser and loader campaign


def _mutations(text: str) -> st.SearchStrategy[str]:
    n = max(1, len(text))
    return st.one_of(
        st.integers(0, n).map(lambda i: text[:i]),                                      # truncation
        st.tuples(st.integers(0, n), st.text(max_size=8)).map(lambda p: text[:p[0]] + p[1] + text[p[0]:]),
        st.tuples(st.integers(0, n), st.integers(0, 40)).map(lambda p: text[:p[0]] + text[p[0] + p[1]:]),
        st.tuples(st.integers(0, n), st.binary(max_size=6)).map(
            lambda p: text[:p[0]] + p[1].decode("latin-1") + text[p[0]:]),             # random bytes
        st.sampled_from(["\u200b", "\ufeff", "\u3000", "𠀀", "\x00", "（", "＂", "\r"]).flatmap(
            lambda ch: st.integers(0, n).map(lambda i: text[:i] + ch + text[i:])),      # odd Unicode
        st.integers(1, 200).map(lambda d: text + "\nitem z weight 1 { score " + "(" * d + "1" + ")" * d + " }"),
        st.integers(1, 20000).map(lambda k: text + "\n# " + "长" * k),                 # very long line
        st.lists(st.sampled_from(text.split() or ["x"]), max_size=60).map(" ".join),   # shuffled tokens
    )


def ruleset_texts(seeds: list[str]) -> st.SearchStrategy[str]:
    """Ruleset texts to throw at the parser: grammar-generated, and mutations of real rulesets."""
    from hypothesis.extra.lark import from_lark

    from .parser import generation_grammar

    names = st.sampled_from(["预算执行", "目标1", "a", "weight_x", "未自查单位数"])
    grammar = from_lark(generation_grammar(), explicit={
        "NAME": names, "STRING": st.sampled_from(['"达成"', '"x"', '“中文”']),
        "NUMBER": st.sampled_from(["0", "1", "20", "100", "0.5"]), "PERCENT": st.sampled_from(["0%", "80%", "100%"]),
        "COMMENT": st.just("# 注释"), "WS": st.just(" ")})
    return st.one_of(grammar, st.sampled_from(seeds).flatmap(_mutations), st.text(max_size=200))


def load_ruleset_text(text: str) -> None:
    """What the parser fuzz runs: parse, check and compile; only perfrules errors, each with a position."""
    from .api import ruleset_from_text

    try:
        ruleset_from_text(text, "fuzz.rules")
    except PerfrulesError as e:
        for d in e.diagnostics:
            if d.line < 1 and d.code not in ("too-large", "unknown-ruleset"):
                raise AssertionError(f"a diagnostic without a position: {d.render()}") from None


def load_form_text(text: str, as_json: bool) -> None:
    """What the form fuzz runs: read, validate, score; only perfrules errors may escape."""
    from .api import Scorer
    from .forms import parse_documents

    try:
        for raw in parse_documents(text.encode("utf-8", "surrogatepass"), "fuzz", json_=as_json):
            Scorer().score(raw)
    except PerfrulesError:
        pass


@dataclass
class Campaign:
    tried: int = 0
    crashes: list[tuple[str, str]] = field(default_factory=list)


def parser_campaign(seeds: list[str], seconds: float, seed: int = 0, batch: int = 200) -> Campaign:
    """Feed ruleset texts and form documents for `seconds`, in seeded batches; record what escapes."""
    camp = Campaign()
    deadline = time.monotonic() + seconds
    forms_text = st.one_of(st.text(max_size=300), st.sampled_from(seeds).flatmap(_mutations))

    def record(fn: Callable[[], None], sample: str) -> None:
        camp.tried += 1
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - collecting what escapes is the point
            camp.crashes.append((sample, f"{type(e).__name__}: {e}"))

    @settings(max_examples=batch, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(ruleset_texts(seeds), forms_text)
    def one(text: str, doc: str) -> None:
        if time.monotonic() > deadline:
            return
        record(lambda: load_ruleset_text(text), text)
        record(lambda: load_form_text(doc, False), doc)
        record(lambda: load_form_text(doc, True), doc)

    k = seed
    while time.monotonic() < deadline:
        fixed_seed(k)(one)()
        k += 1
    return camp
