"""Postfix's ``smtp-sink`` (the C reference SMTP test server) on a free loopback port.

    with SmtpSink() as sink:
        ... send to sink.host:sink.port ...
        sink.wait_for_messages(100)
        assert sink.sessions == 1

smtp-sink accepts everything and throws it away, as fast as a server can; it offers no TLS and
no AUTH (``-a`` is always given), so clients send in plain text. Counters come from its ``-c``
output (``sess=N quit=N mesg=N``, updated when a session ends, on QUIT and after each final
dot): ``messages`` (final dots received) and ``sessions`` (sessions ended). With
``keep_messages=True`` each message is also written to its own file (``-d``) in a directory the
helper makes and removes, readable with ``dumped_messages()``; dumping costs disk time, so
benchmarks leave it off. ``extra_args``
passes other smtp-sink options (e.g. ``["-r", "RCPT"]`` for 4xx on RCPT, ``["-q", "DATA"]`` to
hang up after DATA; see ``man smtp-sink``).

smtp-sink needs its port on the command line, so a free port is picked and, should another
process take it first, the start is retried with a new one. As root it must drop privileges
(``-u nobody``), which is why the dump directory is the helper's own (under the system temporary
directory, writable for that user).
"""

import email
import email.policy
import glob
import os
import re
import shutil
import subprocess
import tempfile
import threading
from typing import List, Optional, Sequence

from .ports import LOOPBACK, free_port, is_listening
from .processes import wait_until

SMTP_SINK = "/usr/sbin/smtp-sink"
_COUNTERS = re.compile(rb"sess=(\d+) quit=(\d+) mesg=(\d+)")


class SmtpSink:
    def __init__(self, *, host: str = LOOPBACK, keep_messages: bool = False,
                 extra_args: Sequence[str] = (), backlog: int = 256):
        self.host = host
        self.port: Optional[int] = None
        self.keep_messages = keep_messages
        self.dump_dir: Optional[str] = None
        self.extra_args = list(extra_args)
        self.backlog = backlog
        self._process: Optional[subprocess.Popen] = None
        self._reader: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._sessions = 0
        self._messages = 0
        self._baseline = (0, 0)  # (sessions, messages) that were not the caller's

    def _argv(self, port: int) -> List[str]:
        argv = [SMTP_SINK, "-c", "-a"]
        if os.geteuid() == 0:
            argv += ["-u", "nobody"]
        if self.dump_dir:
            argv += ["-d", os.path.join(self.dump_dir, "%Y%m%d%H%M%S.")]
        return argv + self.extra_args + [f"{self.host}:{port}", str(self.backlog)]

    def start(self) -> "SmtpSink":
        if self.keep_messages:
            self.dump_dir = tempfile.mkdtemp(prefix="txmail-smtp-sink-")
            os.chmod(self.dump_dir, 0o777)
        for _ in range(5):
            port = free_port(self.host)
            self._process = subprocess.Popen(self._argv(port), stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            self._reader = threading.Thread(target=self._read_counters, daemon=True)
            self._reader.start()
            try:
                wait_until(lambda: self._process.poll() is not None or
                           is_listening(self.host, port), 10, f"smtp-sink on port {port}")
            except AssertionError:
                self.stop()
                raise
            if self._process.poll() is None:
                self.port = port
                break
            why = self._process.stderr.read()
            self.stop()  # lost the port to another process: try another one
        else:
            raise RuntimeError(f"smtp-sink did not start: {why!r}")
        # The readiness probe was one session of its own, without a message: count from after it.
        # The baseline is that one session, not the counters read once it shows: a client already
        # retrying against a fixed port (SmtpSinkAt) may have sessions and messages counted first.
        wait_until(lambda: self._sessions >= 1, 5, "smtp-sink to count the probe session")
        with self._lock:
            self._baseline = (1, 0)
        return self

    def _read_counters(self):
        buffer = b""
        stream = self._process.stdout
        while True:
            chunk = stream.read1(4096)
            if not chunk:
                return
            buffer += chunk
            matches = list(_COUNTERS.finditer(buffer))
            if matches:
                last = matches[-1]
                with self._lock:
                    self._sessions = int(last.group(1))
                    self._messages = int(last.group(3))
                buffer = buffer[last.end():]

    @property
    def sessions(self) -> int:
        with self._lock:
            return self._sessions - self._baseline[0]

    @property
    def messages(self) -> int:
        with self._lock:
            return self._messages - self._baseline[1]

    def wait_for_messages(self, count: int, timeout: float = 30) -> int:
        return wait_until(lambda: self.messages >= count and self.messages, timeout,
                          f"{count} message(s) at smtp-sink")

    def dumped_messages(self) -> List[email.message.EmailMessage]:
        """Messages kept with keep_messages=True, in no particular order (files written in the
        same second tie); smtp-sink's X-Client-Addr, X-Mail-Args... headers lead each one."""
        if not self.dump_dir:
            raise RuntimeError("SmtpSink(keep_messages=True) is needed to keep messages")
        files = sorted(glob.glob(os.path.join(self.dump_dir, "*")))
        result = []
        for path in files:
            with open(path, "rb") as f:
                result.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return result

    def stop(self):
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._reader is not None:
            self._reader.join(5)
            self._reader = None
        if self._process is not None:
            self._process.stdout.close()
            self._process.stderr.close()

    def cleanup(self):
        self.stop()
        if self.dump_dir:
            shutil.rmtree(self.dump_dir, ignore_errors=True)
            self.dump_dir = None

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
