"""Running the txmail binary and other processes from tests, and waiting on conditions.

- ``wait_until(predicate, timeout, what)`` polls a condition until it holds or the deadline
  passes (then fails the test saying what it waited for). Tests use it instead of sleeping.
- ``txmail_env(settings)`` builds a clean environment: PATH/HOME/LANG plus the given settings, so
  that nothing from the developer's shell (EMAIL_*, TXMAIL_*) leaks into a test.
- ``run_txmail(args, settings=...)`` runs ``$TXMAIL_BIN`` to completion in an empty working
  directory (so no stray .env is read) and returns the CompletedProcess (text mode).
- ``BackgroundProcess`` starts a long-running program (``txmail serve``, smtp-sink...), captures
  its output to files, can wait for a line to appear, can write lines to its stdin
  (``stdin_pipe=True``), and stops it (SIGTERM, then SIGKILL).
- ``timed(function)`` returns (result, seconds), for bounds such as "fails within timeout + 1 s".
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from typing import Callable, Iterable, Mapping, Optional


def wait_until(predicate: Callable[[], object], timeout: float, what: str,
               interval: float = 0.02):
    """Returns the predicate's first truthy value; raises AssertionError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.1f} s waiting for {what}")
        time.sleep(interval)


def timed(function: Callable[[], object]):
    """(function's result, seconds it took): for bounds such as "fails within the timeout + 1 s",
    never as a benchmark."""
    start = time.monotonic()
    result = function()
    return result, time.monotonic() - start


def txmail_binary() -> str:
    path = os.environ.get("TXMAIL_BIN")
    if not path:
        build = os.environ.get("TXMAIL_BUILD_DIR", "")
        path = os.path.join(build, "txmail") if build else ""
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("TXMAIL_BIN is not set to an executable txmail (run through ctest)")
    return path


def txmail_env(settings: Optional[Mapping[str, str]] = None) -> dict:
    """A minimal environment plus ``settings``; values are converted with str()."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TZ") if name in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            env[name] = os.environ[name]
    for name, value in (settings or {}).items():
        env[name] = str(value)
    return env


def run_txmail(args: Iterable[str], settings: Optional[Mapping[str, str]] = None, *,
               input: Optional[str] = None, timeout: float = 60, cwd: Optional[str] = None
               ) -> subprocess.CompletedProcess:
    """Runs ``txmail args...`` to completion; ``cwd`` defaults to a fresh empty directory."""
    own_dir = cwd is None
    workdir = tempfile.mkdtemp(prefix="txmail-run-") if own_dir else cwd
    try:
        return subprocess.run([txmail_binary(), *args], env=txmail_env(settings), cwd=workdir,
                              input=input, capture_output=True, text=True, timeout=timeout)
    finally:
        if own_dir:
            shutil.rmtree(workdir, ignore_errors=True)


class BackgroundProcess:
    """A child process whose stdout and stderr go to files in a temporary directory."""

    def __init__(self, argv: Iterable[str], env: Optional[Mapping[str, str]] = None,
                 cwd: Optional[str] = None, stdin_pipe: bool = False):
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.stdin_pipe = stdin_pipe
        self.process: Optional[subprocess.Popen] = None
        self._dir = tempfile.mkdtemp(prefix="txmail-proc-")
        self.stdout_path = os.path.join(self._dir, "stdout")
        self.stderr_path = os.path.join(self._dir, "stderr")

    def start(self) -> "BackgroundProcess":
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=err,
                stdin=subprocess.PIPE if self.stdin_pipe else subprocess.DEVNULL)
        return self

    def write_line(self, text: str = ""):
        """Writes a line to the child's stdin (needs stdin_pipe=True)."""
        self.process.stdin.write((text + "\n").encode())
        self.process.stdin.flush()

    def wait(self, timeout: float = 60) -> int:
        """Waits for the child to exit by itself; returns its exit code."""
        return self.process.wait(timeout)

    def stdout(self) -> str:
        with open(self.stdout_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stderr(self) -> str:
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_for_output(self, pattern: str, timeout: float = 10, stream: str = "stdout"):
        """Waits for a regex to match the stream's text; returns the match."""
        read = self.stdout if stream == "stdout" else self.stderr

        def matched():
            found = re.search(pattern, read())
            if not found and not self.running():
                raise AssertionError(f"{self.argv[0]} exited ({self.process.returncode}) before "
                                     f"printing {pattern!r}; stderr: {self.stderr()}")
            return found

        return wait_until(matched, timeout, f"{pattern!r} on {stream} of {self.argv[0]}")

    def stop(self, timeout: float = 10) -> Optional[int]:
        """SIGTERM, then SIGKILL after ``timeout`` s; returns the exit code."""
        if self.process is None:
            return None
        if self.process.stdin is not None:
            self.process.stdin.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def cleanup(self):
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> "BackgroundProcess":
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
