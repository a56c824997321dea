"""`txmail serve` as a test peer: the real binary on a free port (TXMAIL_LISTEN=127.0.0.1:0, the
port read from its "listening on" line), in its own working directory, and a small JSON client.

    serve = ServeProcess(settings, cwd=tmp, token=TOKEN).start()
    status, body = serve.call("POST", "/v1/notifications", {...})   # bearer token sent
    status, body = serve.call("GET", "/healthz", token=None)         # no Authorization header
    status, headers, text = serve.get("/metrics")                    # raw, for non-JSON bodies
    serve.cleanup()

    @classmethod
    def setUpClass(cls):   # a temporary directory, aiosmtpd, and serve sending to it
        serve_against_smtp(cls, token=TOKEN, TXMAIL_RETRY_MIN="100ms")   # cls.smtp, cls.serve

``settings`` are added to TXMAIL_LISTEN=127.0.0.1:0 and TXMAIL_DISPATCH_IDLE=100ms (so messages
queued by the test are picked up at once) and to TXMAIL_API_TOKEN when ``token`` is given.
"""

import json
import os
import tempfile
import urllib.error
import urllib.request
from typing import Mapping, Optional

from support.processes import BackgroundProcess, txmail_binary, txmail_env
from support.smtpd import SmtpServer

_CONFIGURED = object()  # call(token=...) default: the token the service was started with


class ServeProcess:
    def __init__(self, settings: Mapping[str, str], cwd: str, token: Optional[str] = None):
        self.token = token
        self.settings = {"TXMAIL_LISTEN": "127.0.0.1:0", "TXMAIL_DISPATCH_IDLE": "100ms",
                         **({"TXMAIL_API_TOKEN": token} if token else {}), **settings}
        self.process = BackgroundProcess([txmail_binary(), "serve"],
                                         env=txmail_env(self.settings), cwd=cwd)
        self.base = None

    def start(self, timeout: float = 20) -> "ServeProcess":
        self.process.start()
        found = self.process.wait_for_output(r"listening on http://127\.0\.0\.1:(\d+)",
                                             timeout=timeout)
        self.base = f"http://127.0.0.1:{found.group(1)}"
        return self

    def get(self, path: str, headers: Optional[Mapping[str, str]] = None):
        """(status, headers, body text) of a GET without the token."""
        request = urllib.request.Request(self.base + path, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def call(self, method: str, path: str, body=None, token=_CONFIGURED,
             headers: Optional[Mapping[str, str]] = None, raw: Optional[bytes] = None):
        """(status, parsed JSON body or None). ``raw`` sends bytes as they are."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        token = self.token if token is _CONFIGURED else token
        if token is not None:
            request.add_header("Authorization", "Bearer " + token)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = error.read()
            return error.code, json.loads(payload) if payload else None

    def stderr(self) -> str:
        return self.process.stderr()

    def stop(self, timeout: float = 10):
        return self.process.stop(timeout)

    def cleanup(self):
        self.process.cleanup()


def serve_against_smtp(test_class, token: Optional[str] = None, **settings) -> ServeProcess:
    """For setUpClass: a temporary directory holding the SQLite outbox, aiosmtpd in plain text
    (``test_class.smtp``) and `txmail serve` sending to it (``test_class.serve``), all cleaned up
    after the class. ``settings`` override the SMTP server's txmail_settings()."""
    tmp = tempfile.TemporaryDirectory(prefix="txmail-serve-")
    test_class.addClassCleanup(tmp.cleanup)
    test_class.smtp = SmtpServer(tls="none").start()
    test_class.addClassCleanup(test_class.smtp.stop)
    configured = test_class.smtp.txmail_settings(
        TXMAIL_DATABASE_URL="sqlite:///" + os.path.join(tmp.name, "txmail.db"), **settings)
    test_class.serve = ServeProcess(configured, cwd=tmp.name, token=token)
    test_class.addClassCleanup(test_class.serve.cleanup)
    return test_class.serve.start()
