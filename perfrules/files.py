"""Reading a user's file safely: the one way perfrules opens forms, rulesets and test files.

Only regular files are read (not a directory, a FIFO, ``/dev/zero`` or a
socket), and never more than a given number of bytes: the file is opened
without blocking, checked with ``fstat`` on the open descriptor (so a swap
between the check and the read cannot slip a FIFO in), and read with a bound
one byte past the limit.  Failures raise the caller's error class with a
Chinese message naming the file; the file's contents are never quoted.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import Diagnostic, PerfrulesError

_KINDS = (
    (stat.S_ISDIR, "目录"),
    (stat.S_ISFIFO, "命名管道 (FIFO)"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字 (socket)"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "特殊文件"


def read_user_bytes(
    path: str | Path, limit: int, what: str, error: type[PerfrulesError] = PerfrulesError
) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them.

    `what` names the file for messages (``表单``, ``规则文件``, ``测试文件``);
    `error` is the :class:`PerfrulesError` subclass raised (with code ``io``,
    ``not-a-file`` or ``too-large``).
    """
    name = str(path)

    def fail(code: str, message: str, hint: str) -> PerfrulesError:
        return error([Diagnostic("error", code, message, name, hint=hint)])

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as e:
        raise fail("io", f"无法读取{what}: {e.strerror or e}", "检查文件路径是否正确") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise fail(
                "not-a-file",
                f"{name} 是{_kind(info.st_mode)}，不是普通文件；{what}只能从普通文件读取",
                f"给出一个{what}文件的路径",
            )
        if info.st_size > limit:
            raise fail(
                "too-large", f"{what}有 {info.st_size} 字节，超过上限 {limit}", "拆分或删除多余内容"
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise fail("io", f"无法读取{what}: {e.strerror or e}", "检查文件路径是否正确") from None
    finally:
        os.close(fd)
    if size > limit:  # the file grew while it was read
        raise fail("too-large", f"{what}超过上限 {limit} 字节", "拆分或删除多余内容")
    return b"".join(chunks)


def read_user_text(
    path: str | Path, limit: int, what: str, error: type[PerfrulesError] = PerfrulesError
) -> str:
    """The UTF-8 text of the regular file `path` (BOM dropped), bounded as by `read_user_bytes`."""
    data = read_user_bytes(path, limit, what, error)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise error(
            [
                Diagnostic(
                    "error",
                    "encoding",
                    f"{what}不是 UTF-8 编码",
                    str(path),
                    line,
                    1,
                    hint="用 UTF-8 编码另存此文件 (Save as UTF-8)",
                )
            ]
        ) from None


def iter_user_lines(
    path: str | Path, line_limit: int, what: str, error: type[PerfrulesError] = PerfrulesError
) -> Iterator[tuple[int, bytes]]:
    """The lines of the regular file `path`, numbered from 1, read as they are needed (any file size).

    A line longer than `line_limit` bytes is an error (code ``too-large``) naming its number.
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags)
    except OSError as e:
        raise error([Diagnostic("error", "io", f"无法读取{what}: {e.strerror or e}", name,
                                hint="检查文件路径是否正确")]) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise error([Diagnostic("error", "not-a-file", f"{name} 是{_kind(mode)}，不是普通文件；{what}只能从普通文件读取",
                                name, hint=f"给出一个{what}文件的路径")])
    with os.fdopen(fd, "rb") as stream:
        for number, line in enumerate(iter(lambda: stream.readline(line_limit + 1), b""), 1):
            if len(line) > line_limit:
                raise error([Diagnostic("error", "too-large", f"{what}第 {number} 行超过上限 {line_limit} 字节",
                                        name, number, 1, hint="每行一个表单；拆分过长的行")])
            yield number, line


def is_regular_file(path: str | Path) -> bool:
    """Whether `path` names a regular file (following symbolic links); never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
