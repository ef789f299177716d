"""A tiny local HTTP server for the demo's recorded-style API pages.

``healthdash demo`` runs the real HTTP collectors (Gerrit, GitHub, Launchpad,
coverage URLs) against this server, so the demo exercises exactly the code a
real collection runs.  Each demo part registers a handler for a path prefix::

    def handler(path: str, query: dict[str, list[str]], headers) -> tuple[int, dict, bytes]:
        return 200, {"Content-Type": "application/json"}, b"..."

    server.add_route("/gerrit/", handler)

The longest matching prefix wins; no match is a 404.  A handler that raises
gives a 500 whose body names the error (handy when a demo part is wrong).
The server binds 127.0.0.1 on a free port, serves each request in a thread and
is used as a context manager; ``server.url`` is its base URL (no trailing slash).
"""

from __future__ import annotations

import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Mapping
from urllib.parse import parse_qs, urlsplit

Response = tuple[int, Mapping[str, str], bytes]
Handler = Callable[[str, dict[str, list[str]], Mapping[str, str]], Response]


class DemoServer:
    """Routes GET requests by path prefix to registered handlers."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[str] = []     # request paths seen, for tests and debugging

    def add_route(self, prefix: str, handler: Handler) -> None:
        if not prefix.startswith("/"):
            raise ValueError(f"route prefix must start with '/': {prefix!r}")
        with self._lock:
            self._routes[prefix] = handler

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running; use it as a context manager")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "DemoServer":
        self._httpd = ThreadingHTTPServer((self._host, self._port), _make_request_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> "DemoServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def respond(self, raw_path: str, headers: Mapping[str, str]) -> Response:
        parts = urlsplit(raw_path)
        with self._lock:
            self.requests.append(raw_path)
            matches = [p for p in self._routes if parts.path.startswith(p)]
            handler = self._routes[max(matches, key=len)] if matches else None
        if handler is None:
            return 404, {"Content-Type": "text/plain"}, f"no demo route for {parts.path}\n".encode()
        try:
            return handler(parts.path, parse_qs(parts.query, keep_blank_values=True), headers)
        except Exception as err:  # a broken demo part must show up as a clear 500
            detail = "".join(traceback.format_exception_only(type(err), err)).strip()
            return 500, {"Content-Type": "text/plain"}, f"demo handler failed: {detail}\n".encode()


def _make_request_handler(server: DemoServer) -> type[BaseHTTPRequestHandler]:
    class _RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server naming)
            self._send(*server.respond(self.path, self.headers), body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(*server.respond(self.path, self.headers), body=False)

        def _send(self, status: int, headers: Mapping[str, str], payload: bytes, *, body: bool) -> None:
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)

        def log_message(self, *args) -> None:  # keep the demo's output quiet
            pass

    return _RequestHandler
