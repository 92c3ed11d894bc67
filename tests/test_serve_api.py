"""perfrules serve: every endpoint and every error class, through Starlette's test client.

Expected numbers are worked out by hand from the 黄石 2022 rules (20 × 执行率 for 预算执行情况,
weight × actual ÷ target for positive rows, half-up to 2 places).
"""

from __future__ import annotations

import json
import re
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfrules import cli
from perfrules.formatter import format_text
from perfrules.schema import ruleset_schema
from perfrules.serve import Limits, ServeConfig, create_app
from perfrules.serve.config import is_loopback
from perfrules.serve.service import Service

from .conftest import ROOT

with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its test client; httpx works the same
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient


HUANGSHI = "hubei/huangshi/project-2022"
RULES = ROOT / "rulesets/hubei/huangshi/2022/project.rules"
PARENT = "hubei/2020/project.rules"  # 黄石 2022 extends "hubei/project-2020"
EXAMPLE = ROOT / "rulesets/hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml"
PROBLEM = "application/problem+json"

# 预算执行情况 20 × 4.002 ÷ 8 = 10.005 → 10.01 (half up); 人数 70 × 50 ÷ 100 = 35; 满意率 10 × 90% = 9
SMALL_FORM: dict[str, Any] = {
    "kind": "project", "jurisdiction": "湖北省/黄石市", "year": 2022,
    "budget": {"adjusted": 8, "executed": 4.002},
    "indicators": [
        {"goal": 1, "level1": "产出指标", "level2": "数量指标", "name": "人数", "weight": 70,
         "target": "100人", "actual": "50人"},
        {"goal": 2, "level1": "满意度指标", "level2": "满意度", "name": "满意率", "weight": 10,
         "target": "100%", "actual": "90%"},
    ],
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def as_json(form: dict[str, Any]) -> bytes:
    return json.dumps(form, ensure_ascii=False).encode("utf-8")


def post_form(client: TestClient, body: bytes, media: str = "application/json", **params: str) -> Any:
    return client.post("/score", content=body, headers={"content-type": media}, params=params)


def problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["detail"]
    assert "Traceback" not in response.text
    if code is not None:
        assert body["type"].endswith("/" + code), body
    return body


# ---------------------------------------------------------------- rulesets


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_rulesets_lists_bundled_without_server_paths(client: TestClient) -> None:
    listing = client.get("/rulesets").json()
    hs = next(r for r in listing if r["id"] == HUANGSHI)
    assert hs == {"id": HUANGSHI, "jurisdiction": "湖北省/黄石市", "years": "2022", "kind": "project",
                  "title": "黄石市项目支出绩效自评计分规则（2022 年度）", "path": "hubei/huangshi/2022/project.rules",
                  "extends": "hubei/project-2020"}
    assert not any(r["path"].startswith("/") for r in listing)


def test_ruleset_tree_weights_and_proved_bounds(client: TestClient) -> None:
    r = client.get(f"/rulesets/{HUANGSHI}").json()
    assert r["source"] == RULES.read_text(encoding="utf-8")
    assert [(n["id"], n["weight"]) for n in r["tree"]] == [("预算执行", "20"), ("目标1", "70"), ("目标2", "10")]
    # 黄石 2022 extends the 湖北 2020 template: the formulas, and so their proofs, are in the parent file
    budget = r["tree"][0]
    assert budget["rule"] == "得分 = weight * ratio(budget.executed, budget.adjusted)"
    assert budget["bound"] == {"lo": "0", "hi": "20", "how": "区间分析证明", "file": PARENT, "line": 49, "column": 9}
    assert r["tree"][1]["bound"]["shares"] == {"positive": "[0, 1]", "reverse": "[0, 1]"}
    assert [(p["file"], p["line"], p["proved"]["hi"], p["required"]["hi"]) for p in r["proofs"]] == [
        (PARENT, 36, "1", "1"), (PARENT, 37, "1", "1"), (PARENT, 49, "20", "20")]
    assert [g["label"] for g in r["grades"]] == ["优", "良", "中", "差"]


def test_unknown_ruleset_is_404_with_did_you_mean(client: TestClient) -> None:
    body = problem(client.get("/rulesets/hubei/huangshi/project-2021"), 404, "unknown-ruleset")
    assert HUANGSHI in body["diagnostics"][0]["hint"]
    problem(client.get("/schema/no/such"), 404, "unknown-ruleset")


def test_schema_is_perfrules_schema(client: TestClient) -> None:
    from perfrules import load_ruleset

    response = client.get(f"/schema/{HUANGSHI}")
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json() == ruleset_schema(load_ruleset(HUANGSHI).model)


# ---------------------------------------------------------------- scoring


def test_score_is_byte_for_byte_the_cli_json(client: TestClient, repo_root: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    name = "rulesets/hubei/huangshi/2022/examples/02-kaifaqu-peitao.yaml"
    assert cli.main(["score", name, "--format", "json"]) == 1
    printed = capsys.readouterr().out
    response = post_form(client, EXAMPLE.read_bytes(), "application/yaml", name=name)
    assert response.status_code == 200
    assert response.text == printed
    assert response.json()["total"] == "91.64"


def test_score_json_body_exact_decimals(client: TestClient) -> None:
    d = post_form(client, as_json(SMALL_FORM)).json()
    assert [(i["name"], i["score"]) for i in d["items"]] == [("预算执行情况", "10.01"), ("人数", "35"), ("满意率", "9")]
    assert (d["total"], d["grade"], d["findings"]) == ("54.01", "差", [])
    assert d["items"][0]["explain"] == "20 × ratio(4.002 ÷ 8) = 10.01"


def test_untyped_body_is_recognised(client: TestClient) -> None:
    # curl --data-binary sends application/x-www-form-urlencoded; the service looks at the content
    assert post_form(client, as_json(SMALL_FORM), "application/x-www-form-urlencoded").json()["total"] == "54.01"
    assert post_form(client, EXAMPLE.read_bytes(), "").json()["total"] == "91.64"


def test_score_with_ruleset_id(client: TestClient) -> None:
    assert post_form(client, as_json(SMALL_FORM), ruleset=HUANGSHI).json()["ruleset"]["id"] == HUANGSHI
    problem(post_form(client, as_json(SMALL_FORM), ruleset="../../etc/passwd"), 404, "unknown-ruleset")


def test_form_names_ruleset_only_by_id(client: TestClient) -> None:
    body = problem(post_form(client, as_json({**SMALL_FORM, "ruleset": str(RULES)})), 422, "unknown-ruleset")
    body2 = problem(post_form(client, as_json({**SMALL_FORM, "ruleset": "/etc/passwd"})), 422, "unknown-ruleset")
    assert "grades" not in json.dumps(body) and "root:" not in json.dumps(body2)


def test_several_documents_give_a_list_with_errors_in_place(client: TestClient) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    body = f"{text}\n---\nkind: project\nyear: 2022\n---\n{text}".encode()
    out = post_form(client, body, "application/yaml", name="three.yaml").json()
    assert [e.get("total") for e in out] == ["91.64", None, "91.64"]
    assert out[1]["form"] == "three.yaml#2" and "jurisdiction" in out[1]["error"][0]


@pytest.mark.parametrize("body, media, code, line", [
    (b"kind: [", "application/yaml", "yaml", 1),
    (b'{"kind": "project",\n "year": }', "application/json", "json", 2),
    (b"\xff\xfekind: project", "application/yaml", "encoding", 1),
])
def test_unreadable_form_is_400_with_place(client: TestClient, body: bytes, media: str, code: str, line: int) -> None:
    d = problem(post_form(client, body, media), 400, code)["diagnostics"][0]
    assert d["line"] == line and d["file"] == "<request>" and d["hint"]


def test_invalid_form_is_422(client: TestClient) -> None:
    form = dict(SMALL_FORM)
    del form["kind"]
    assert "kind" in problem(post_form(client, as_json(form)), 422)["detail"]
    body = problem(post_form(client, as_json({**SMALL_FORM, "kind": "review", "year": 1990})), 422, "no-ruleset")
    assert "1990" in body["detail"] and body["diagnostics"][0]["hint"]


def test_the_ruleset_is_found_as_the_command_line_finds_it(client: TestClient, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Look-up, fallbacks and their findings are the CLI's (the service scores through its Scorer)."""
    for change in [{"year": 1990}, {"jurisdiction": "火星"}, {"jurisdiction": "湖北省/黄石市/铁山区"}]:
        form = {**SMALL_FORM, **change}
        path = tmp_path / "f.json"
        path.write_bytes(as_json(form))
        cli.main(["score", str(path), "--format", "json"])
        printed = capsys.readouterr().out
        served = post_form(client, as_json(form), name=str(path))
        assert served.status_code == 200 and served.text == printed, change
    codes = [f["code"] for f in json.loads(printed)["findings"]]
    assert "ruleset-fallback" in codes  # 铁山区 is scored by 黄石市's rules, and the result says so


def test_workbooks_are_read_and_other_types_are_415(client: TestClient) -> None:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    body = problem(post_form(client, b"PK\x03\x04 not a workbook", xlsx, name="book.xlsx"), 422)
    assert body["diagnostics"][0]["file"].startswith("book.xlsx")
    problem(post_form(client, b"\x89PNG", "image/png"), 415, "media-type")


def test_a_workbook_scores_as_the_yaml_it_transcribes(client: TestClient) -> None:
    """Seed 003's table 2 written as a workbook in the 黄石 layout (no 分值 column, no area on it)."""
    from openpyxl import Workbook

    from tests.tables_build import HUANGSHI as EXAMPLES
    from tests.tables_build import example, huangshi_sheet, workbook_bytes

    assert EXAMPLES[1] == EXAMPLE
    wb = Workbook()
    huangshi_sheet(wb.active, example(EXAMPLE))
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = workbook_bytes(wb)
    out = post_form(client, data, xlsx, name="02.xlsx", jurisdiction="湖北省/黄石市/铁山区").json()
    assert out["total"] == "91.64" and out["form"] == "02.xlsx"
    assert [f["code"] for f in out["findings"]].count("declared-score-mismatch") == 2
    # the table does not say its area: without ?jurisdiction= it cannot be scored, and says why
    problem(post_form(client, data, xlsx, name="02.xlsx"), 422)
    # what a table does not say is asked only of tables: a YAML form says it all itself
    problem(post_form(client, EXAMPLE.read_bytes(), "application/yaml", year="2022"), 400, "request")
    problem(post_form(client, data, xlsx, year="二〇二二"), 400, "request")


def test_body_over_limit_is_413() -> None:
    small = TestClient(create_app(ServeConfig(limits=Limits(max_body_bytes=1000))))
    problem(post_form(small, EXAMPLE.read_bytes(), "application/yaml"), 413, "too-large")
    problem(small.post("/check", content=RULES.read_bytes()), 413, "too-large")


def test_unknown_route_and_method(client: TestClient) -> None:
    problem(client.get("/nope"), 404)
    problem(client.get("/score"), 405)


def test_internal_error_is_500_problem_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Service, "score", broken)
    quiet = TestClient(create_app(), raise_server_exceptions=False)
    body = problem(post_form(quiet, as_json(SMALL_FORM)), 500, "internal")
    assert "secret internals" not in json.dumps(body)


def test_slow_request_is_503(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(self: Service, text: str, name: str) -> dict[str, Any]:
        time.sleep(1.0)
        return {}

    monkeypatch.setattr(Service, "check", slow)
    impatient = TestClient(create_app(ServeConfig(limits=Limits(seconds_per_request=0.1))))
    started = time.monotonic()
    problem(impatient.post("/check", content=b"ruleset \"x\""), 503, "timeout")
    assert time.monotonic() - started < 0.9


# ---------------------------------------------------------------- batch


def test_batch_jsonl_in_order_with_error_lines(client: TestClient) -> None:
    good = json.dumps(SMALL_FORM, ensure_ascii=False)
    body = "\n".join([good, '{"kind": "project"', "", good]).encode()
    response = client.post("/score/batch", content=body, headers={"content-type": "application/jsonl"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/jsonl")
    lines = response.text.splitlines()
    assert len(lines) == 3
    first, bad, last = (json.loads(x) for x in lines)
    assert first["total"] == last["total"] == "54.01"
    assert bad["form"] == "batch.jsonl:2" and bad["error"][0].startswith("batch.jsonl:2")
    one = post_form(client, as_json(SMALL_FORM), name="batch.jsonl:1").json()
    assert first == one


def test_batch_over_limit_is_413() -> None:
    few = TestClient(create_app(ServeConfig(limits=Limits(max_batch_forms=2))))
    body = "\n".join([json.dumps(SMALL_FORM, ensure_ascii=False)] * 3).encode()
    problem(few.post("/score/batch", content=body), 413, "too-many-forms")


# ---------------------------------------------------------------- authoring


def test_check_passes_the_bundled_ruleset(client: TestClient) -> None:
    out = client.post("/check", content=RULES.read_bytes(), params={"name": "project.rules"}).json()
    assert out["ok"] and out["diagnostics"] == [] and len(out["ruleset"]["proofs"]) == 3


def test_check_locates_an_error_in_chinese(client: TestClient) -> None:
    # line 20 is `  actual <= budget.adjusted` (the check 成本不超预算)
    text = RULES.read_text(encoding="utf-8").replace("actual <= budget.adjusted", "actual <= budget.adjustd")
    out = client.post("/check", content=text.encode(), params={"name": "project.rules"}).json()
    assert not out["ok"]
    (d,) = out["diagnostics"]
    assert (d["file"], d["line"], d["column"], d["end_column"], d["code"]) == (
        "project.rules", 20, 13, 27, "unknown-name")
    assert "budget.adjustd" in d["message"] and "budget.adjusted" in d["hint"]
    assert d["text"].splitlines()[1:3] == ["  20 |   actual <= budget.adjustd", "     |             ^^^^^^^^^^^^^^"]


def test_check_syntax_error(client: TestClient) -> None:
    out = client.post("/check", content=b'ruleset "x"\nitem a weight {\n').json()
    assert not out["ok"] and out["diagnostics"][0]["line"] == 2


def draft_text() -> str:
    """黄石 2022 with 预算执行情况 (inherited from the 湖北 2020 template) replaced: full marks whatever is spent."""
    return RULES.read_text(encoding="utf-8") + (
        '\nitem 预算执行 "预算执行情况" weight 20 {\n  score weight\n  declared budget.declared_score\n}\n')


def test_draft_scores_forms_with_the_edited_text(client: TestClient) -> None:
    forms = [{"name": "02.yaml", "text": EXAMPLE.read_text(encoding="utf-8")}, {"name": "bad.yaml", "text": "kind: ["}]
    out = client.post("/score/draft", json={"text": draft_text(), "name": "project.rules", "forms": forms}).json()
    assert out["ok"]
    good, bad = out["results"]
    # 预算执行情况 now scores its full 20 instead of 13.5: 91.64 − 13.5 + 20
    assert good["total"] == "98.14" and good["form"] == "02.yaml"
    assert bad["form"] == "bad.yaml" and "YAML" in bad["error"][0]


def test_draft_limits_and_bad_envelopes(client: TestClient) -> None:
    problem(client.post("/score/draft", content=b"{not json"), 400, "json")
    problem(client.post("/score/draft", json={"name": "x"}), 422, "request")
    problem(client.post("/score/draft", json={"text": "", "forms": "a.yaml"}), 422, "request")
    many = [{"name": f"{i}.yaml", "text": "kind: project"} for i in range(51)]
    problem(client.post("/score/draft", json={"text": draft_text(), "forms": many}), 413, "too-many-forms")
    problem(client.post("/score/draft", content=b"[" * 100_000), 400, "request")


def test_diff_lists_changes_and_totals_under_both(client: TestClient) -> None:
    forms = [{"name": "02.yaml", "text": EXAMPLE.read_text(encoding="utf-8")}]
    out = client.post("/diff", json={"old": {"id": HUANGSHI}, "new": {"text": draft_text(), "name": "new.rules"},
                                     "forms": forms}).json()
    assert out["changes"] == [{"kind": "rules", "group": "计分方法",
                               "text": "预算执行（预算执行情况）：得分 = weight * ratio(budget.executed, budget.adjusted)"
                                       " → 得分 = weight"}]
    assert out["forms"] == [{"form": "02.yaml", "old_total": "91.64", "new_total": "98.14", "change": "+6.5",
                             "old_grade": "优", "new_grade": "优", "misfit": []}]


def test_diff_of_a_broken_ruleset_is_422(client: TestClient) -> None:
    body = problem(client.post("/diff", json={"old": {"id": HUANGSHI}, "new": {"text": "ruleset", "name": "n.rules"}}),
                   422, "ruleset")
    assert body["diagnostics"][0]["file"] == "n.rules"
    problem(client.post("/diff", json={"old": "x", "new": {"id": HUANGSHI}}), 422, "request")


def test_format_is_perfrules_fmt(client: TestClient) -> None:
    tidy = RULES.read_text(encoding="utf-8")
    messy = tidy.replace("weight 目标1 70", "weight   目标1   70").replace("  actual <= budget.adjusted",
                                                                      "actual<=budget.adjusted")
    assert messy != tidy
    response = client.post("/format", content=messy.encode(), params={"name": "p.rules"})
    assert response.text == format_text(messy) == RULES.read_text(encoding="utf-8")
    body = problem(client.post("/format", content=b"item x weight {", params={"name": "p.rules"}), 422)
    assert body["diagnostics"][0]["file"] == "p.rules"


def test_new_year_extends_and_checks(client: TestClient) -> None:
    out = client.post("/new-year", json={"ruleset": HUANGSHI, "year": 2023}).json()
    assert out["id"] == "hubei/huangshi/project-2023" and f'extends "{HUANGSHI}"' in out["text"]
    checked = client.post("/check", content=out["text"].encode()).json()
    assert checked["ok"] and checked["ruleset"]["years"] == "2023"
    problem(client.post("/new-year", json={"ruleset": HUANGSHI, "year": "2023"}), 422, "request")
    problem(client.post("/new-year", json={"ruleset": "nope", "year": 2023}), 404, "unknown-ruleset")


# ---------------------------------------------------------------- token, pages, OpenAPI


def test_token_guards_every_api_request() -> None:
    guarded = TestClient(create_app(ServeConfig(token="s3cret")))
    for method, path in [("GET", "/rulesets"), ("GET", f"/rulesets/{HUANGSHI}"), ("POST", "/score"),
                         ("POST", "/check"), ("GET", f"/schema/{HUANGSHI}")]:
        response = guarded.request(method, path)
        problem(response, 401, "unauthorized")
        assert response.headers["www-authenticate"].startswith("Bearer")
        problem(guarded.request(method, path, headers={"Authorization": "Bearer wrong"}), 401)
    ok = guarded.get("/rulesets", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    for open_path in ["/", "/docs", "/openapi.json", "/healthz", "/static/workbench.js"]:
        assert guarded.get(open_path).status_code == 200, open_path
    assert guarded.get("/openapi.json").json()["security"] == [{"bearer": []}]


def test_pages_are_served_from_the_package_without_external_urls(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "规则工作台" in page.text
    external = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ["/", "/static/editor.js", "/static/workbench.js", "/static/workbench.css", "/docs",
                  "/static/api.js"]:
        text = client.get(asset).text
        assert not external.search(text), (asset, external.search(text))
        assert "https://" not in text.replace("https://perfrules.invalid", ""), asset


def test_openapi_documents_every_route(client: TestClient) -> None:
    documented = set(client.get("/openapi.json").json()["paths"])
    app = create_app()
    served = {getattr(r, "path", "").replace("{rid:path}", "{rid}") for r in app.routes}
    served -= {"/", "/docs", "/openapi.json", "/static"}
    assert served == documented


# ---------------------------------------------------------------- the command


def test_serve_refuses_non_loopback_without_token(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--host", "0.0.0.0"]) == 2
    assert "--token" in capsys.readouterr().err


@given(st.ip_addresses())
def test_is_loopback_only_for_loopback_addresses(address: Any) -> None:
    assert is_loopback(str(address)) == address.is_loopback


def test_is_loopback_names() -> None:
    assert is_loopback("localhost") and is_loopback("[::1]") and is_loopback("127.8.9.10")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org") and not is_loopback("::")


def test_service_guide_has_a_curl_example_for_every_endpoint(client: TestClient) -> None:
    guide = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    for path, ops in client.get("/openapi.json").json()["paths"].items():
        for method in ops:
            assert f"### `{method.upper()} {path.replace('{rid}', '{id}')}`" in guide, (method, path)
        concrete = path.replace("{rid}", "hubei/huangshi/project-2022")
        assert re.search(rf"curl [^\n]*(\\\n[^\n]*)?http://127\.0\.0\.1:8000{re.escape(concrete)}\b", guide), path


QUIET = TestClient(create_app(), raise_server_exceptions=False)
YAMLISH = st.text(alphabet=st.sampled_from(list("kindyear: -[]{},'\"#&*!|>%@\t\n1.5e中\\")), max_size=80)
MEDIA = st.sampled_from(["application/json", "application/yaml", "text/plain", "", "application/octet-stream",
                         "application/jsonl", "image/png"])


@given(body=st.one_of(st.binary(max_size=200), YAMLISH.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       media=MEDIA, path=st.sampled_from(["/score", "/score/batch", "/check", "/format", "/diff", "/new-year",
                                          "/score/draft"]))
def test_no_body_makes_the_service_fail(body: bytes, media: str, path: str) -> None:
    """Whatever arrives, the answer is a result or a problem with a Chinese detail — never a 500."""
    response = QUIET.post(path, content=body, headers={"content-type": media})
    assert response.status_code in (200, 400, 404, 413, 415, 422), (response.status_code, response.text)
    if response.status_code != 200:
        assert response.headers["content-type"].startswith(PROBLEM) and response.json()["detail"]



def test_a_reader_of_several_tables_is_one_dispatch(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seam the workbook reader plugs into: per media type, a reader returning each table's form or
    the error in its place; the service scores the readable ones and reports the others where they stood."""
    from perfrules.errors import Diagnostic, FormError
    from perfrules.forms import parse_documents
    from perfrules.serve import bodies

    def two_tables(data: bytes, name: str, defaults: Any) -> list[Any]:
        (raw,) = parse_documents(EXAMPLE.read_bytes(), f"{name}#1")
        return [raw, FormError([Diagnostic("error", "table", "Sheet1!F12: 不是数字", f"{name}:Sheet1!F12")])]

    monkeypatch.setitem(bodies.FORM_READERS, "application/x-two-tables", two_tables)
    out = post_form(client, b"PK\x03\x04", "application/x-two-tables", name="book.xlsx").json()
    assert out[0]["total"] == "91.64" and out[0]["form"] == "book.xlsx#1"
    assert out[1] == {"form": "book.xlsx#2", "error": ["book.xlsx:Sheet1!F12: error[table]: Sheet1!F12: 不是数字"]}


def test_serve_command_configures_uvicorn_and_reports_broken_rulesets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import uvicorn

    from perfrules.serve.config import ENV_VAR
    from perfrules.serve.protocol import NoDelayH11Protocol

    (tmp_path / "bad.rules").write_text('ruleset "x" bad {\n', encoding="utf-8")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv(ENV_VAR, "{}")  # restored after the test
    status = cli.main(["serve", "--host", "0.0.0.0", "--token", "t", "--workers", "3", "--path", str(tmp_path),
                       "--max-batch", "7"])
    assert status == 0
    (call,) = calls
    assert (call["app"], call["factory"], call["host"], call["workers"], call["http"]) == (
        "perfrules.serve.app:app_from_env", True, "0.0.0.0", 3, NoDelayH11Protocol)
    config = ServeConfig.from_env()
    assert (config.token, config.paths, config.limits.max_batch_forms) == ("t", (str(tmp_path),), 7)
    err = capsys.readouterr().err
    assert f"warning[serve]: {tmp_path / 'bad.rules'} 无法读取" in err and "1:13" in err


@pytest.mark.parametrize("args, words", [
    (["--path", "/nonexistent/rulesets"], "不是目录"),
    (["--workers", "0"], "--workers 应为正整数"),
    (["--timeout", "0"], "--timeout 应为正数"),
])
def test_serve_command_refuses_bad_options(args: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", *args]) == 2
    assert words in capsys.readouterr().err


def test_a_ruleset_that_fails_its_check_is_422_not_500(tmp_path: Path) -> None:
    text = RULES.read_text(encoding="utf-8").replace('ruleset "hubei/huangshi/project-2022"', 'ruleset "mine/p-2022"')
    (tmp_path / "p.rules").write_text(text.replace("weight 目标1 70", "weight 目标1 75"), encoding="utf-8")
    mine = TestClient(create_app(ServeConfig(paths=(str(tmp_path),))))
    assert any(r["id"] == "mine/p-2022" for r in mine.get("/rulesets").json())
    body = problem(mine.get("/rulesets/mine/p-2022"), 422, "ruleset")
    assert "p.rules" in body["detail"] and body["diagnostics"][0]["code"] == "weights"
    assert str(tmp_path) not in json.dumps(body)  # the server's folders stay private
    problem(post_form(mine, as_json(SMALL_FORM), ruleset="mine/p-2022"), 422, "ruleset")


def test_without_token_only_requests_addressed_to_this_machine_are_answered() -> None:
    from perfrules.serve.config import LOOPBACK_NAMES

    guarded = TestClient(create_app(ServeConfig(hosts=LOOPBACK_NAMES)), base_url="http://127.0.0.1:8000")
    assert guarded.get("/rulesets").status_code == 200
    for host in ["localhost:8000", "[::1]:8000", "127.0.0.1", "LOCALHOST"]:
        assert guarded.get("/healthz", headers={"host": host}).status_code == 200, host
    for host in ["attacker.example:8000", "attacker.example", "127.0.0.1.attacker.example", ""]:
        body = problem(guarded.get("/", headers={"host": host}), 400, "host")
        assert "本机" in body["detail"]


@given(st.ip_addresses(), st.integers(1, 65535))
def test_host_name_drops_the_port(address: Any, port: int) -> None:
    from perfrules.serve.config import host_name

    shown = f"[{address}]" if address.version == 6 else str(address)
    assert host_name(f"{shown}:{port}") == host_name(shown) == str(address)


def test_serve_without_token_guards_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from perfrules.serve.config import ENV_VAR, LOOPBACK_NAMES

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    monkeypatch.setenv(ENV_VAR, "{}")
    monkeypatch.delenv("PERFRULES_TOKEN", raising=False)
    assert cli.main(["serve"]) == 0
    assert ServeConfig.from_env().hosts == LOOPBACK_NAMES
    assert cli.main(["serve", "--token", "x"]) == 0
    assert ServeConfig.from_env().hosts == ()


def test_ruleset_texts_are_bounded() -> None:
    small = TestClient(create_app(ServeConfig(limits=Limits(max_ruleset_bytes=1000))))
    big = RULES.read_bytes()  # 2.5 KB
    problem(small.post("/check", content=big), 413, "too-large")
    problem(small.post("/format", content=big), 413, "too-large")
    problem(small.post("/score/draft", json={"text": big.decode()}), 413, "too-large")
    problem(small.post("/diff", json={"old": {"id": HUANGSHI}, "new": {"text": big.decode()}}), 413, "too-large")
    assert small.post("/check", content=b'ruleset "x"').json()["ok"] is False  # small texts still checked


def test_adjustable_sections_are_bounded_by_their_largest_weight(client: TestClient) -> None:
    # the 湖北 2020 template lets a form set 目标1 and 目标2 anywhere in 0..80
    tree = client.get("/rulesets/hubei/project-2020").json()["tree"]
    goal1 = tree[1]
    assert goal1["adjustable"] == {"lo": "0", "hi": "80"}
    assert (goal1["bound"]["lo"], goal1["bound"]["hi"]) == ("0", "80")
    assert goal1["bound"]["how"].startswith("分值可由表单在 0–80 之间给出")
    fixed = client.get(f"/rulesets/{HUANGSHI}").json()["tree"][1]  # 黄石 fixes it at 70
    assert "adjustable" not in fixed and fixed["bound"]["hi"] == "70"
