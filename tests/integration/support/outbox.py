"""Helpers for the outbox dispatch tests (owner: dispatch).

- ``OutboxRun(tmp)``: one test's outbox: a SQLite database under ``tmp`` and the settings that
  point txmail at it and at an SMTP server; ``settings(**overrides)`` adds to them.
- ``run.fill(count, ...)`` queues rendered messages in one transaction with the outbox_fill tool
  (``$TXMAIL_OUTBOX_FILL``), returning their ids; far faster than one ``txmail enqueue`` each.
- ``run.stats()`` / ``run.show(id)`` / ``run.counts()``: ``txmail outbox stats|show --json``.
- ``run.wait_for_status(status, count)``: waits (with a deadline) until that many messages are
  in that status.
- ``run.dispatch(*args)``: ``txmail dispatch`` as a BackgroundProcess (call ``.start()``).
- ``SmtpSinkAt(port)``: postfix's smtp-sink on a port chosen in advance, for a server that is
  down and then comes back where the client expects it.
"""

import json
import os
import subprocess
from typing import Dict, List, Mapping, Optional

from . import smtp_sink as smtp_sink_module
from .processes import BackgroundProcess, run_txmail, txmail_binary, txmail_env, wait_until
from .smtp_sink import SmtpSink


def fill_tool() -> str:
    path = os.environ.get("TXMAIL_OUTBOX_FILL", "")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("TXMAIL_OUTBOX_FILL is not set to the outbox_fill tool (run via ctest)")
    return path


class OutboxRun:
    def __init__(self, directory: str, smtp_port: Optional[int] = None):
        self.directory = directory
        self.database_url = "sqlite:///" + os.path.join(directory, "outbox.db")
        self.base = {
            "TXMAIL_DATABASE_URL": self.database_url,
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_TIMEOUT": "5",
            "DEFAULT_FROM_EMAIL": "noreply@txmail.test",
            # Tests run in seconds: fast retries, short leases, a quick look at the queue.
            "TXMAIL_RETRY_MIN": "1s",
            "TXMAIL_RETRY_MAX": "2s",
            "TXMAIL_LEASE": "3s",
            "TXMAIL_DISPATCH_IDLE": "100ms",
        }
        if smtp_port is not None:
            self.base["EMAIL_PORT"] = str(smtp_port)

    def settings(self, **overrides: str) -> Dict[str, str]:
        return {**self.base, **overrides}

    def fill(self, count: int, *, priority: Optional[int] = None, to: Optional[str] = None,
             sender: Optional[str] = None, subject: Optional[str] = None) -> List[int]:
        argv = [fill_tool(), self.database_url, "--count", str(count)]
        for option, value in (("--priority", priority), ("--to", to), ("--from", sender),
                              ("--subject", subject)):
            if value is not None:
                argv += [option, str(value)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise AssertionError(f"outbox_fill failed: {done.stderr}")
        return [int(line) for line in done.stdout.split()]

    def _json(self, *args: str, settings: Optional[Mapping[str, str]] = None) -> dict:
        done = run_txmail(["outbox", *args, "--json"], settings or self.base)
        if done.returncode != 0:
            raise AssertionError(f"txmail outbox {' '.join(args)} failed: {done.stderr}")
        return json.loads(done.stdout)

    def stats(self) -> dict:
        return self._json("stats")

    def counts(self) -> Dict[str, int]:
        return {status: count for status, count in self.stats()["by_status"].items() if count}

    def show(self, message_id: int) -> dict:
        return self._json("show", str(message_id))

    def wait_for_status(self, status: str, count: int, timeout: float = 30) -> Dict[str, int]:
        seen: Dict[str, int] = {}

        def reached():
            seen.clear()
            seen.update(self.counts())
            return seen.get(status, 0) >= count

        try:
            wait_until(reached, timeout, f"{count} message(s) {status}", interval=0.2)
        except AssertionError as error:
            raise AssertionError(f"{error}; last counts: {seen}") from None
        return dict(seen)

    def dispatch(self, *args: str, **overrides: str) -> BackgroundProcess:
        return BackgroundProcess([txmail_binary(), "dispatch", *args],
                                 env=txmail_env(self.settings(**overrides)), cwd=self.directory)


class SmtpSinkAt(SmtpSink):
    """smtp-sink on ``port`` (free when the test picked it); start() fails if it was taken."""

    def __init__(self, port: int, **kwargs):
        super().__init__(**kwargs)
        self._fixed_port = port

    def start(self) -> "SmtpSinkAt":
        # SmtpSink picks its port through the module's free_port(); this one is fixed in advance.
        original = smtp_sink_module.free_port
        smtp_sink_module.free_port = lambda host: self._fixed_port
        try:
            super().start()
        finally:
            smtp_sink_module.free_port = original
        if self.port != self._fixed_port:
            raise AssertionError(f"smtp-sink could not listen on port {self._fixed_port}")
        return self
