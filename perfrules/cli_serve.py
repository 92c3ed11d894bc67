"""``perfrules serve``: run the HTTP scoring service and the workbench (docs/service.md)."""

from __future__ import annotations

import argparse
import os
import sys

from .cli_help import exit_codes

EXIT_OK, EXIT_UNREADABLE = 0, 2


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve.config import ENV_VAR, LOOPBACK_NAMES, Limits, ServeConfig, is_loopback

    token = args.token or os.environ.get("PERFRULES_TOKEN") or None
    if not is_loopback(args.host) and not token:
        sys.stderr.write(f"error[serve]: 没有 --token 时只能绑定本机地址（127.0.0.1），这里是 {args.host}\n"
                         "  = 提示: 加 --token 令牌（或设环境变量 PERFRULES_TOKEN），客户端用 "
                         "Authorization: Bearer 令牌 访问\n")
        return EXIT_UNREADABLE
    for name, value in (("--workers", args.workers), ("--max-batch", args.max_batch),
                        ("--max-body-bytes", args.max_body_bytes)):
        if value < 1:
            sys.stderr.write(f"error[serve]: {name} 应为正整数，这里是 {value}\n")
            return EXIT_UNREADABLE
    if args.timeout <= 0:
        sys.stderr.write(f"error[serve]: --timeout 应为正数（秒），这里是 {args.timeout}\n")
        return EXIT_UNREADABLE
    from pathlib import Path

    for folder in args.path:
        if not (Path(folder).is_dir() or (Path(folder).is_file() and folder.endswith(".rules"))):
            sys.stderr.write(f"error[serve]: --path {folder} 不是目录，也不是 .rules 文件\n"
                             "  = 提示: 给出存放规则文件的目录\n")
            return EXIT_UNREADABLE
    config = ServeConfig(tuple(args.path), token, Limits(max_body_bytes=args.max_body_bytes,
                                                         max_batch_forms=args.max_batch,
                                                         seconds_per_request=args.timeout),
                         hosts=() if token else LOOPBACK_NAMES)
    os.environ[ENV_VAR] = config.to_env()
    from .serve.app import app_from_env

    registry = app_from_env().state.service.catalog.registry  # found now, reported before the port opens
    for path, message in registry.unreadable:
        sys.stderr.write(f"warning[serve]: {path} 无法读取，未提供该规则\n{message}\n")
    for a, b in registry.conflicts():
        sys.stderr.write(f"warning[serve]: {a.id}（{a.path}）与 {b.id}（{b.path}）适用于同一地区、类别和年度；"
                         "按地区和年度查找时会报告冲突\n")
    import uvicorn

    shown = f"[{args.host}]" if ":" in args.host else args.host
    sys.stderr.write(f"perfrules serve: 工作台 http://{shown}:{args.port}/  接口文档 http://{shown}:{args.port}/docs\n")
    from .serve.protocol import NoDelayH11Protocol

    uvicorn.run("perfrules.serve.app:app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, server_header=False, http=NoDelayH11Protocol)
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``perfrules serve`` to the command line."""
    s = sub.add_parser("serve", help="HTTP 计分服务与规则工作台 / the HTTP service and the browser workbench",
                       epilog=exit_codes("0 服务正常停止",
                                         "2 启动参数不可用（没有 --token 却绑定非本机地址、--path 不是目录、数值不合法）"),
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="启动 HTTP 服务：GET / 是规则工作台，GET /docs 是接口文档。"
                                   "默认只绑定 127.0.0.1；绑定其他地址必须设置 --token。")
    s.add_argument("--host", default="127.0.0.1", help="绑定地址（默认 127.0.0.1）")
    s.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    s.add_argument("--path", action="append", default=[], metavar="DIR",
                   help="额外的规则目录（可重复）/ an extra folder of rulesets (repeatable)")
    s.add_argument("--token", help="要求每个接口请求带 Authorization: Bearer 令牌（也可用环境变量 PERFRULES_TOKEN）")
    s.add_argument("--workers", type=int, default=1, help="工作进程数（默认 1）")
    s.add_argument("--max-body-bytes", type=int, default=4_000_000, help="请求体上限（字节，默认 4000000）")
    s.add_argument("--max-batch", type=int, default=1000, help="一批最多的表单数（默认 1000）")
    s.add_argument("--timeout", type=float, default=30.0, help="每个请求的处理时限（秒，默认 30）")
    s.add_argument("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug"),
                   help="日志级别（默认 info）")
    s.set_defaults(func=cmd_serve)
