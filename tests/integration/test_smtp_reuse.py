"""One connection for a whole batch and across batches, counted at the server: 100 messages on one
TCP connection with one AUTH; a connection the server closed while idle (or answered 421 and hung
up) is replaced without the caller noticing, and without sending anything twice.
"""

import json
import unittest

from smtp_case import SmtpTestCase
from support.processes import wait_until


class ConnectionReuseTest(SmtpTestCase):
    def test_a_batch_of_100_goes_over_one_connection(self):
        server = self.server()
        results, summary, _ = self.tool(server.txmail_settings(), "--count", 100)
        self.assertEqual(len(results), 100)
        self.assertTrue(all(r["ok"] for r in results), [r for r in results if not r["ok"]][:3])
        messages = server.wait_for_messages(100)
        self.assertEqual(server.connections, 1)
        self.assertEqual({m.connection for m in messages}, {1})
        self.assertEqual(summary["connections_opened"], 1)
        self.assertEqual(server.verbs().count("AUTH"), 1)
        self.assertEqual(server.verbs().count("STARTTLS"), 1)
        subjects = [m.parsed()["Subject"] for m in messages]
        self.assertEqual(subjects, [f"Batch message {i}" for i in range(1, 101)])

    def paused_tool(self, server, count, pause_after):
        process = self.start_tool(server.txmail_settings(), "--count", count,
                                  "--pause-after", pause_after)
        process.wait_for_output(r'\{"paused":')
        return process

    def finish(self, process):
        process.write_line()
        self.assertEqual(process.wait(60), 0, process.stderr())
        lines = [json.loads(line) for line in process.stdout().splitlines()]
        return [line for line in lines if "index" in line], lines[-1]

    def test_the_next_batch_reuses_the_connection(self):
        server = self.server()
        process = self.paused_tool(server, 4, 2)
        server.wait_for_messages(2)
        self.assertEqual(server.open_connections, 1, "kept open between batches")
        results, summary = self.finish(process)
        self.assertTrue(all(r["ok"] for r in results), results)
        self.assertEqual(server.connections, 1)
        self.assertEqual(summary["connections_opened"], 1)

    def test_a_connection_closed_while_idle_is_reopened_transparently(self):
        server = self.server()
        process = self.paused_tool(server, 4, 2)
        server.wait_for_messages(2)
        server.disconnect_all()  # the server's idle timeout
        results, summary = self.finish(process)
        self.assertTrue(all(r["ok"] for r in results), results)
        self.assertEqual(len(server.wait_for_messages(4)), 4)
        self.assertEqual(server.connections, 2)
        self.assertEqual(summary["connections_opened"], 2)

    def test_421_and_hang_up_on_a_reused_connection_is_retried_once(self):
        server = self.server()
        process = self.paused_tool(server, 3, 1)
        server.wait_for_messages(1)
        server.reply("MAIL", "421 4.4.2 txmail-test-smtpd Error: timeout exceeded", times=1,
                     hang_up=True)
        results, summary = self.finish(process)
        self.assertTrue(all(r["ok"] for r in results), results)
        messages = server.wait_for_messages(3)
        self.assertEqual(len(messages), 3, "each message exactly once")
        self.assertEqual([m.connection for m in messages], [1, 2, 2])
        self.assertEqual(summary["connections_opened"], 2)

    def test_no_retry_once_the_server_took_the_data(self):
        server = self.server()
        process = self.paused_tool(server, 2, 1)
        server.wait_for_messages(1)
        server.drop_during_data(after_bytes=10)
        results, summary = self.finish(process)
        self.assertEqual([r["ok"] for r in results], [True, False])
        self.assertEqual(results[1]["kind"], "transient")
        wait_until(lambda: server.open_connections == 0, 5, "the dropped connection to close")
        self.assertEqual(server.connections, 1, "a failure after DATA is not retried")
        self.assertEqual(summary["connections_opened"], 1)


class PipelinedConnectionReuseTest(ConnectionReuseTest):
    """The same, with a server that offers PIPELINING: MAIL, RCPT and DATA go in one write."""

    def server(self, **kwargs):
        kwargs.setdefault("pipelining", True)
        return super().server(**kwargs)


if __name__ == "__main__":
    unittest.main()
