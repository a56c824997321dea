"""The HTTP plumbing shared by the Microsoft stand-ins (``token_endpoint``, ``graph_endpoint``).

A subclass implements ``answer(method, path, headers, body) -> (status, headers, body)``; this
class runs it on a ``ThreadingHTTPServer`` bound to a free loopback port (HTTP/1.1 keep-alive, as
the real endpoints, so a client that reuses its connection is exercised), and is a context
manager that stops the server and joins its thread.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Optional, Tuple

from .ports import LOOPBACK

Answer = Tuple[int, Dict[str, str], bytes]


class HttpStandIn:
    def __init__(self):
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    def answer(self, method: str, path: str, headers, body: bytes) -> Answer:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, headers, data = stand_in.answer("POST", self.path, self.headers, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet: tests print what they need
                pass

        return Handler

    def start(self):
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
