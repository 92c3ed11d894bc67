"""The OpenAPI 3.1 description of the service, served at ``/openapi.json`` and read by ``/docs``."""

from __future__ import annotations

from typing import Any

from .._version import __version__
from .bodies import DOCX, JSON, XLS, XLSX
from .config import ServeConfig

_PROBLEM = {"$ref": "#/components/responses/Problem"}
_ID = {"name": "rid", "in": "path", "required": True, "schema": {"type": "string"},
       "description": "ruleset id, e.g. `hubei/huangshi/project-2022` (slashes allowed)"}
_RULESET_Q = {"name": "ruleset", "in": "query", "required": False, "schema": {"type": "string"},
              "description": "score with this ruleset id instead of the one the form's kind, jurisdiction "
                             "and year select (ids only; paths are never accepted)"}
_TABLE_Q = [{"name": key, "in": "query", "required": False, "schema": {"type": kind},
             "description": f"for a workbook or Word document: the {key} its tables do not state"}
            for key, kind in (("jurisdiction", "string"), ("year", "integer"), ("kind", "string"))]
_NAME_Q = {"name": "name", "in": "query", "required": False, "schema": {"type": "string"},
           "description": "a label for the upload, shown in messages (never opened as a file)"}


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema or {"type": "object"}}}}


def _text_body(description: str) -> dict[str, Any]:
    return {"required": True, "description": description,
            "content": {"text/plain": {"schema": {"type": "string"}}}}


def _json_body(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "description": description,
            "content": {JSON: {"schema": {"type": "object"}, "example": example}}}


def openapi_document(config: ServeConfig) -> dict[str, Any]:
    """The API description; limits and the security scheme follow the running configuration."""
    lim = config.limits
    errors = {"400": _PROBLEM, "404": _PROBLEM, "413": _PROBLEM, "415": _PROBLEM, "422": _PROBLEM, "503": _PROBLEM}
    if config.token:
        errors["401"] = _PROBLEM
    huangshi = {"id": "hubei/huangshi/project-2022"}
    paths: dict[str, Any] = {
        "/healthz": {"get": {"summary": "Liveness", "tags": ["service"],
                             "responses": {"200": _json("`{\"status\": \"ok\", \"perfrules\": version}`")}}},
        "/rulesets": {"get": {"summary": "The rulesets this service offers", "tags": ["rulesets"],
                              "responses": {"200": _json("id, jurisdiction, years, kind, title, path, extends",
                                                         {"type": "array", "items": {"type": "object"}}),
                                            **errors}}},
        "/rulesets/{rid}": {"get": {
            "summary": "One ruleset: header, rubric tree with weights and proved bounds, source",
            "tags": ["rulesets"], "parameters": [_ID],
            "responses": {"200": _json("header, `tree`, `proofs`, `source`"), **errors}}},
        "/schema/{rid}": {"get": {
            "summary": "JSON Schema of the forms a ruleset accepts (as `perfrules schema`)", "tags": ["rulesets"],
            "parameters": [_ID], "responses": {"200": _json("JSON Schema, Draft 2020-12"), **errors}}},
        "/score": {"post": {
            "summary": "Score one form; the body is exactly `perfrules score --format json`", "tags": ["scoring"],
            "parameters": [_RULESET_Q, _NAME_Q, *_TABLE_Q],
            "requestBody": {"required": True, "description": "a form (docs/forms.md); YAML with several `---` "
                            "documents gives a list",
                            "content": {JSON: {"schema": {"type": "object"}}, "application/yaml": {},
                                        XLSX: {"description": "a workbook: each table a form (perfrules.tables)"},
                                        XLS: {}, DOCX: {"description": "a Word document's tables"}}},
            "responses": {"200": _json("the result: items with their arithmetic, sections, findings, total, "
                                       "grade, receipt; amounts as decimal strings"), **errors}}},
        "/score/batch": {"post": {
            "summary": f"Score up to {lim.max_batch_forms} forms: JSON Lines in, JSON Lines out, streamed",
            "tags": ["scoring"], "parameters": [_RULESET_Q, _NAME_Q],
            "requestBody": {"required": True, "content": {"application/jsonl": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "one line per input line, in order: a result, or "
                                                 "`{\"form\": \"batch.jsonl:3\", \"error\": [...]}` in its place",
                                  "content": {"application/jsonl": {"schema": {"type": "string"}}}}, **errors}}},
        "/score/draft": {"post": {
            "summary": "Check a draft ruleset text and score forms with it (the workbench)", "tags": ["authoring"],
            "requestBody": _json_body("`text` the ruleset, `name`, `forms`: [{name, text}] (YAML/JSON) or "
                                      "[{name, base64}] (.xlsx/.xls/.docx; one result per table)",
                                      {"text": "ruleset \"…\"\n…", "name": "project.rules",
                                       "forms": [{"name": "a.yaml", "text": "kind: project\n…"}]}),
            "responses": {"200": _json("`ok`, `diagnostics`, `ruleset` (tree, proofs), `results`"), **errors}}},
        "/check": {"post": {
            "summary": "Check a ruleset text: diagnostics with line and column; tree and proofs if it passes",
            "tags": ["authoring"], "parameters": [_NAME_Q],
            "requestBody": _text_body("the ruleset source (UTF-8); `extends` ids resolve in this service"),
            "responses": {"200": _json("`ok`, `diagnostics`, and `ruleset` when ok"), **errors}}},
        "/diff": {"post": {
            "summary": "What changed between two rulesets (Chinese) and each form's total under both",
            "tags": ["authoring"],
            "requestBody": _json_body("`old` and `new`: {id} or {text, name}; optional `forms`: [{name, text}] "
                                      "or [{name, base64}]",
                                      {"old": huangshi, "new": {"text": "ruleset \"…\"\nextends \"…\"\n…"},
                                       "forms": []}),
            "responses": {"200": _json("`changes` [{kind, group, text}], `forms` [{form, old_total, new_total, "
                                       "change, old_grade, new_grade}]"), **errors}}},
        "/format": {"post": {
            "summary": "The ruleset text as `perfrules fmt` writes it", "tags": ["authoring"],
            "parameters": [_NAME_Q], "requestBody": _text_body("the ruleset source"),
            "responses": {"200": {"description": "formatted text", "content": {"text/plain": {}}}, **errors}}},
        "/new-year": {"post": {
            "summary": "Next year's ruleset text, an `extends` of the given one (nothing is written)",
            "tags": ["authoring"], "requestBody": _json_body("`ruleset` id and `year`",
                                                             {"ruleset": huangshi["id"], "year": 2023}),
            "responses": {"200": _json("`id`, `extends`, `year`, `text`"), **errors}}},
    }
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "perfrules service", "version": __version__,
                 "description": "Scoring and checking of budget-performance self-evaluation forms (绩效自评表). "
                                f"Limits: body {lim.max_body_bytes} bytes, {lim.max_batch_forms} forms per batch, "
                                f"{lim.seconds_per_request:g} s per request. Errors are application/problem+json "
                                "with the diagnostics `perfrules` prints."},
        "paths": paths,
        "components": {"responses": {"Problem": {
            "description": "RFC 9457 problem: type, title, status, detail (Chinese), instance, and `diagnostics` "
                           "[{severity, code, message, file, line, column, end_column, hint, text}]",
            "content": {"application/problem+json": {"schema": {"type": "object"}}}}}},
    }
    if config.token:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        doc["security"] = [{"bearer": []}]
    return doc
