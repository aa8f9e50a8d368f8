"""Servers on 127.0.0.1 for tests.

``LoopbackServer``: a scripted HTTP server, each request answered by a function.
``server_process``: a server program (Prism, pypiserver) run on a free port, stopped after.

For ``LoopbackServer``:

The function receives the request and returns a :class:`Reply`, or one of the faults:
``RESET`` (close the connection without answering) or a reply with ``delay`` seconds.
The server records every request, and stops (bounded in time) when the ``with`` ends.
"""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs


@attrs.frozen
class Seen:
    method: str
    path: str  # as sent, still percent-encoded
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@attrs.frozen
class Reply:
    status: int = 200
    body: Any = attrs.field(factory=dict)  # JSON-encoded unless bytes
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0


RESET = Reply(status=-1)  # drop the connection instead of answering

Handler = Callable[[Seen], Reply]


class LoopbackServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        outer = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # buffered: the status line, headers and body leave in one write (separate small
            # writes on a kept-alive connection meet delayed ACKs: 40 ms a response)
            wbufsize = -1

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                seen = Seen(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                with outer._lock:
                    outer.seen.append(seen)
                reply = outer.handler(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status < 0:
                    # SO_LINGER 0: close with a TCP reset, the client sees "connection reset"
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def server_process(command: Callable[[int], list[str]], name: str, timeout: float = 120) -> Iterator[str]:
    """Run ``command(port)`` on a free loopback port; yield its URL once it listens; stop it (bounded)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    process = subprocess.Popen(command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} before listening")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} did not listen within {timeout} s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
