"""The ASGI application: routes, bearer-token check, limits, and problem+json errors.

Handlers read the request, run the work of :mod:`.service` in a worker thread
under the per-request time limit, and answer; nothing is written on the server.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .._version import __version__
from ..errors import PerfrulesError
from ..forms import RawForm
from ..output import dumps_line
from .bodies import media_type, read_body, text_of
from .config import ServeConfig, host_name, is_loopback
from .openapi import openapi_document
from .problems import MEDIA_TYPE, Problem
from .service import Service, TableOptions

STATIC = Path(__file__).resolve().parent / "static"
#: The static shell (page, scripts, API page) carries no data and loads without a token; the page
#: then sends the token the user types with every API call.
OPEN_PATHS = ("/", "/docs", "/openapi.json", "/healthz")
OPEN_PREFIXES = ("/static/",)
#: The pages load nothing from elsewhere (offline by construction) and run no inline script;
#: CodeMirror adds its own <style> elements, hence 'unsafe-inline' for styles only.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}
BATCH_CHUNK = 32
JSONL = "application/jsonl; charset=utf-8"

log = logging.getLogger("perfrules.serve")
T = TypeVar("T")


class BearerAuth:
    """ASGI middleware: with a token configured, every API request needs ``Authorization: Bearer <token>``;
    with `hosts`, a request addressed to any other host name is refused."""

    def __init__(self, app: ASGIApp, token: str | None, hosts: tuple[str, ...] = ()):
        self.app = app
        self.token = token.encode("utf-8") if token else None
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if self.hosts and scope["type"] == "http":
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if host_name(host) not in self.hosts and not is_loopback(host_name(host)):
                problem = Problem(400, "host", f"本服务只接受发往本机的请求（Host: {host[:100]}）")
                await _problem_response(problem, path)(scope, receive, send)
                return
        if self.token is None or scope["type"] != "http" or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"authorization", b"")
        scheme, _, credential = given.partition(b" ")
        if scheme.lower() == b"bearer" and hmac.compare_digest(credential.strip(), self.token):
            await self.app(scope, receive, send)
            return
        problem = Problem(401, "unauthorized", "需要有效的身份令牌：请求头写 Authorization: Bearer <令牌>",
                          headers={"WWW-Authenticate": 'Bearer realm="perfrules"'})
        await _problem_response(problem, path)(scope, receive, send)


def _problem_response(problem: Problem, instance: str) -> Response:
    return JSONResponse(problem.body(instance), status_code=problem.status, media_type=MEDIA_TYPE,
                        headers=problem.headers)


def create_app(config: ServeConfig | None = None) -> Starlette:
    """The service and workbench for `config` (the bundled rulesets, no token, default limits if None)."""
    config = config or ServeConfig()
    service = Service(config)
    limits = config.limits

    async def run(fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker thread, given up with 503 after the per-request time limit."""
        try:
            with anyio.fail_after(limits.seconds_per_request):
                return await anyio.to_thread.run_sync(partial(fn, *args), abandon_on_cancel=True)
        except TimeoutError:
            raise timeout() from None

    def timeout() -> Problem:
        return Problem(503, "timeout", f"请求处理超过 {limits.seconds_per_request:g} 秒，已放弃",
                       headers={"Retry-After": "1"})

    async def body(request: Request) -> bytes:
        return await read_body(request, limits.max_body_bytes)

    def name_of(request: Request, default: str) -> str:
        """The label a client gives its upload (shown in messages; never opened as a file)."""
        return (request.query_params.get("name") or default)[:200]

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "perfrules": __version__})

    async def rulesets(request: Request) -> Response:
        return JSONResponse(await run(service.rulesets))

    async def ruleset(request: Request) -> Response:
        return JSONResponse(await run(service.ruleset, request.path_params["rid"]))

    async def schema(request: Request) -> Response:
        return JSONResponse(await run(service.schema, request.path_params["rid"]),
                            media_type="application/schema+json")

    async def score(request: Request) -> Response:
        data = await body(request)
        q = request.query_params
        year = q.get("year")
        if year is not None and not year.strip().isdigit():
            raise Problem(400, "request", f"year 应为整数年度，这里是 {year[:20]}")
        table = TableOptions(q.get("jurisdiction"), int(year) if year is not None else None, q.get("kind"))
        text = await run(service.score, data, media_type(request), name_of(request, "<request>"),
                         q.get("ruleset"), table)
        return Response(text, media_type="application/json")

    async def score_batch(request: Request) -> Response:
        data = await body(request)
        rid = request.query_params.get("ruleset")
        lines = await run(service.batch_lines, data, name_of(request, "batch.jsonl"))

        def chunk(part: list[tuple[str, RawForm | PerfrulesError]]) -> str:
            return "".join(service.score_line(source, form, rid) + "\n" for source, form in part)

        async def stream() -> AsyncIterator[str]:
            deadline = anyio.current_time() + limits.seconds_per_request
            for start in range(0, len(lines), BATCH_CHUNK):
                part = lines[start:start + BATCH_CHUNK]
                try:
                    with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                        yield await anyio.to_thread.run_sync(chunk, part, abandon_on_cancel=True)
                except TimeoutError:
                    yield dumps_line({"form": part[0][0], "error": [timeout().detail],
                                      "unscored": len(lines) - start}) + "\n"
                    return
                except Exception:  # a bug ends the stream with a word, not a traceback
                    log.exception("batch scoring failed")
                    yield dumps_line({"form": part[0][0], "error": ["perfrules 内部错误（这是缺陷，请报告）"]}) + "\n"
                    return

        return StreamingResponse(stream(), media_type=JSONL)

    async def score_draft(request: Request) -> Response:
        return JSONResponse(await run(service.draft, await body(request)))

    async def check(request: Request) -> Response:
        text = text_of(await body(request), "<request>")
        return JSONResponse(await run(service.check, text, name_of(request, "draft.rules")))

    async def diff(request: Request) -> Response:
        return JSONResponse(await run(service.diff, await body(request)))

    async def format_(request: Request) -> Response:
        text = text_of(await body(request), "<request>")
        formatted = await run(service.format, text, name_of(request, "draft.rules"))
        return PlainTextResponse(formatted, media_type="text/plain; charset=utf-8")

    async def new_year(request: Request) -> Response:
        return JSONResponse(await run(service.new_year, await body(request)))

    async def page(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def docs(request: Request) -> Response:
        return FileResponse(STATIC / "api.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(config))

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        exc.diagnostics = tuple(service.public(d) for d in exc.diagnostics)
        return _problem_response(exc, request.url.path)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        detail = {404: f"没有 {request.url.path} 这个地址（GET /docs 列出全部接口）",
                  405: f"{request.url.path} 不接受 {request.method} 请求"}.get(status, str(exc.detail))
        return _problem_response(Problem(status, "http", detail, headers=dict(exc.headers or {})), request.url.path)

    async def on_bug(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        problem = Problem(500, "internal", "perfrules 内部错误（这是 perfrules 的缺陷，请报告；服务器日志中有详情）")
        return _problem_response(problem, request.url.path)

    routes = [
        Route("/", page), Route("/docs", docs), Route("/openapi.json", openapi), Route("/healthz", healthz),
        Route("/rulesets", rulesets), Route("/rulesets/{rid:path}", ruleset), Route("/schema/{rid:path}", schema),
        Route("/score", score, methods=["POST"]), Route("/score/batch", score_batch, methods=["POST"]),
        Route("/score/draft", score_draft, methods=["POST"]), Route("/check", check, methods=["POST"]),
        Route("/diff", diff, methods=["POST"]), Route("/format", format_, methods=["POST"]),
        Route("/new-year", new_year, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        Problem: on_problem, HTTPException: on_http, Exception: on_bug}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.service = service
    app.add_middleware(BearerAuth, token=config.token, hosts=config.hosts)
    return app


def app_from_env() -> Starlette:
    """The application of one uvicorn worker, configured by ``perfrules serve`` through the environment."""
    return create_app(ServeConfig.from_env())
