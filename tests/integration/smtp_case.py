"""Shared set-up for the test_smtp_*.py scripts (issue 3): a test CA per test class, an aiosmtpd
server per test, and the two ways to send: the real ``txmail send`` CLI, and ``smtp_send_tool``
(N messages through one backend, JSON results) for what one CLI send cannot show.
"""

import json
import os
import subprocess
import tempfile
import unittest
from typing import List

from support.certs import Certificates
from support.processes import BackgroundProcess, run_txmail, timed, txmail_env  # noqa: F401
from support.smtpd import SmtpServer

USER = "noreply@example.com"
PASSWORD = "pw-5bf0c1e9-never-printed"


def send_tool() -> str:
    path = os.environ.get("TXMAIL_SMTP_SEND_TOOL", "")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("TXMAIL_SMTP_SEND_TOOL is not set (run through ctest)")
    return path


class SmtpTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._certs_dir = tempfile.TemporaryDirectory(prefix="txmail-smtp-certs-")
        cls.certs = Certificates(cls._certs_dir.name)

    @classmethod
    def tearDownClass(cls):
        cls._certs_dir.cleanup()

    def setUp(self):
        self._cwd = tempfile.TemporaryDirectory(prefix="txmail-smtp-")
        self.cwd = self._cwd.name

    def tearDown(self):
        self._cwd.cleanup()

    def server(self, **kwargs) -> SmtpServer:
        """A started aiosmtpd server (STARTTLS + AUTH by default), stopped after the test."""
        kwargs.setdefault("certs", self.certs)
        kwargs.setdefault("users", {USER: PASSWORD})
        server = SmtpServer(**kwargs).start()
        self.addCleanup(server.stop)
        return server

    def txmail_send(self, settings, *args, to="user@example.com", subject="Hello",
                    text="Plain body.", timeout=60) -> subprocess.CompletedProcess:
        argv = ["send", "--to", to, "--subject", subject, "--text", text, *args]
        return run_txmail(argv, settings, cwd=self.cwd, timeout=timeout)

    def tool(self, settings, *args, timeout=120):
        """Runs smtp_send_tool to completion; returns (results, summary, stderr)."""
        result = subprocess.run([send_tool(), *map(str, args)], env=txmail_env(settings),
                                cwd=self.cwd, capture_output=True, text=True, timeout=timeout)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [json.loads(line) for line in result.stdout.splitlines()]
        return lines[:-1], lines[-1], result.stderr

    def start_tool(self, settings, *args) -> BackgroundProcess:
        """smtp_send_tool in the background with a stdin to write to (for --pause-after)."""
        process = BackgroundProcess([send_tool(), *map(str, args)], env=txmail_env(settings),
                                    cwd=self.cwd, stdin_pipe=True).start()
        self.addCleanup(process.cleanup)
        return process

    def assert_failed(self, result: subprocess.CompletedProcess, *words: str):
        self.assertEqual(result.returncode, 1, f"stdout: {result.stdout}\nstderr: {result.stderr}")
        for word in words:
            self.assertIn(word, result.stderr)


def json_lines(text: str) -> List[dict]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def security_lines(stderr: str, json_format: bool = False) -> List:
    if json_format:
        return [line for line in json_lines(stderr) if line.get("logger") == "security"]
    return [line for line in stderr.splitlines() if "[security]" in line]

