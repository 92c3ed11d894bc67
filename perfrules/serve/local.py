"""The real ``perfrules serve`` in a child process on a free loopback port.

For integration tests, benchmarks and scripts that need the server as users run it (the console
script, uvicorn, its workers).  The child runs under coreutils' ``timeout`` where there is one, so
it stops by itself even if the caller dies without calling :meth:`LocalServer.stop`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalServer:
    """A running ``perfrules serve``: its process and its base URL (``http://127.0.0.1:PORT``)."""

    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(*options: str, lifetime: int = 900, wait: float = 30.0) -> LocalServer:
    """Start ``perfrules serve --port <free> OPTIONS…`` and return once ``/healthz`` answers.

    Raises RuntimeError with the server's messages if it exits or does not answer within `wait` s.
    """
    port = free_port()
    command = [str(Path(sys.executable).parent / "perfrules"), "serve", "--port", str(port), *options]
    if shutil.which("timeout"):
        command = ["timeout", str(lifetime), *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = LocalServer(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            raise RuntimeError(f"perfrules serve exited with status {process.returncode}: {message}")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"perfrules serve did not answer /healthz within {wait:g} s")
