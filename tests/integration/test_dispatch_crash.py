"""`txmail dispatch` as a real process against postfix's smtp-sink: killed with SIGKILL in the
middle of 2,000 messages and started again, every message arrives (duplicates only for the
messages in hand at the kill: at most one per worker) and nothing is left queued; on SIGTERM it
exits 0 with no message left leased (issue 6, items 5 and 9)."""

import collections
import os
import signal
import tempfile
import unittest

from support.outbox import OutboxRun
from support.processes import wait_until
from support.smtp_sink import SmtpSink

WORKERS = 4


class DispatchCrashTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="txmail-dispatch-")
        self.addCleanup(self._tmp.cleanup)

    def start_sink(self, **kwargs) -> SmtpSink:
        sink = SmtpSink(**kwargs).start()
        self.addCleanup(sink.cleanup)
        return sink

    def start_dispatch(self, run: OutboxRun, *args: str):
        process = run.dispatch("--workers", str(WORKERS), *args).start()
        self.addCleanup(process.cleanup)
        return process

    def test_kill_9_mid_way_then_restart_delivers_everything(self):
        sink = self.start_sink(keep_messages=True)
        run = OutboxRun(self._tmp.name, sink.port)
        ids = run.fill(2000, subject="crash test")
        self.assertEqual(len(ids), 2000)

        first = self.start_dispatch(run)
        wait_until(lambda: sink.messages >= 300, 60, "300 messages before the kill")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        at_kill = sink.messages
        self.assertLess(at_kill, 2000, "the kill must land mid-way for the test to mean anything")

        second = self.start_dispatch(run)
        # Leases of the killed process expire (TXMAIL_LEASE=3s) and those messages go again.
        run.wait_for_status("sent", 2000, timeout=60)
        self.assertEqual(second.stop(), 0, second.stderr())
        self.assertEqual(run.counts(), {"sent": 2000})

        wait_until(lambda: sink.messages >= 2000, 10, "the sink to count 2,000 messages")
        ids_at_sink = collections.Counter(m["Message-ID"] for m in sink.dumped_messages())
        subjects = {m["Subject"] for m in sink.dumped_messages()}
        self.assertEqual(len(ids_at_sink), 2000, "every message arrived")
        self.assertEqual(subjects, {f"crash test {i}" for i in range(2000)})
        duplicates = sum(count - 1 for count in ids_at_sink.values())
        self.assertLessEqual(duplicates, WORKERS,
                             f"only messages in hand at the kill may arrive twice: {duplicates}")

    def test_sigterm_exits_0_and_leaves_nothing_leased(self):
        sink = self.start_sink()
        run = OutboxRun(self._tmp.name, sink.port)
        run.fill(1500)
        dispatch = self.start_dispatch(run)
        wait_until(lambda: sink.messages >= 100, 60, "100 messages before SIGTERM")
        dispatch.process.send_signal(signal.SIGTERM)
        self.assertEqual(dispatch.process.wait(timeout=10), 0, dispatch.stderr())
        self.assertIn("SIGTERM", dispatch.stderr())

        counts = run.counts()
        self.assertNotIn("sending", counts, counts)
        self.assertEqual(sum(counts.values()), 1500)
        self.assertGreater(counts.get("queued", 0), 0, "SIGTERM must land mid-way: " + str(counts))
        # What was accepted is recorded as sent: nothing in hand was lost or left ambiguous.
        wait_until(lambda: sink.messages >= counts["sent"], 10, "the sink to count the sent ones")
        self.assertEqual(sink.messages, counts["sent"])

    def test_once_drains_what_is_due_and_exits(self):
        sink = self.start_sink()
        run = OutboxRun(self._tmp.name, sink.port)
        run.fill(50)
        once = self.start_dispatch(run, "--once")
        self.assertEqual(once.process.wait(timeout=60), 0, once.stderr())
        self.assertIn("dispatched: sent 50, retried 0, dead 0", once.stdout())
        self.assertEqual(run.counts(), {"sent": 50})
        wait_until(lambda: sink.messages >= 50, 10, "50 messages at the sink")


if __name__ == "__main__":
    unittest.main()
