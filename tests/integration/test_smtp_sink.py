"""Delivery to postfix's smtp-sink (the C reference test server, plain SMTP on loopback): one
`txmail send` arrives whole, and a batch of 50 goes over one session; and the test helper's own
counting when a client is already retrying against the port the sink is started on."""

import smtplib
import threading
import unittest

from smtp_case import SmtpTestCase
from support.outbox import SmtpSinkAt
from support.ports import LOOPBACK, free_port
from support.smtp_sink import SmtpSink


def sink_settings(sink):
    return {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": sink.host, "EMAIL_PORT": str(sink.port),
            "EMAIL_TIMEOUT": "10", "DEFAULT_FROM_EMAIL": "noreply@example.com"}


class SmtpSinkTest(SmtpTestCase):
    def test_txmail_send_arrives_at_smtp_sink(self):
        with SmtpSink(keep_messages=True) as sink:
            result = self.txmail_send(sink_settings(sink), "--html", "<p>Hi <b>there</b></p>",
                                      subject="To the sink")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("accepted: 250", result.stdout)
            sink.wait_for_messages(1)
            [message] = sink.dumped_messages()
            self.assertEqual(message["Subject"], "To the sink")
            self.assertEqual(message["X-Mail-Args"].split()[0], "<noreply@example.com>")
            html = message.get_body(preferencelist=("html",))
            self.assertIn("<p>Hi <b>there</b></p>", html.get_content())

    def test_a_batch_of_50_is_one_session(self):
        with SmtpSink() as sink:
            results, summary, _ = self.tool(sink_settings(sink), "--count", 50)
            self.assertTrue(all(r["ok"] for r in results))
            sink.wait_for_messages(50)
            self.assertEqual(summary["connections_opened"], 1)
            # smtp-sink counts a session when it ends: after the tool's QUIT.
            self.assertEqual(sink.sessions, 1)
            self.assertEqual(sink.messages, 50)

    def test_a_sink_started_under_a_retrying_client_counts_its_messages(self):
        # As in dispatch_failures' "server down, then back": the client connects the moment the
        # port opens, and its messages may be counted before the helper's readiness probe is.
        port = free_port()
        sent = []
        stop = threading.Event()

        def client():
            while not stop.is_set():
                try:
                    session = smtplib.SMTP(LOOPBACK, port, timeout=10)
                except OSError:
                    continue  # refused: the sink is not listening yet
                with session:
                    for n in range(5):
                        session.sendmail("a@example.com", ["b@example.com"], f"Subject: {n}\r\n\r\n.")
                        sent.append(n)
                return

        retrying = threading.Thread(target=client)
        retrying.start()
        self.addCleanup(retrying.join)
        self.addCleanup(stop.set)
        sink = SmtpSinkAt(port).start()
        self.addCleanup(sink.stop)
        retrying.join(timeout=30)
        self.assertEqual(len(sent), 5)
        sink.wait_for_messages(5)
        self.assertEqual(sink.messages, 5)


if __name__ == "__main__":
    unittest.main()
