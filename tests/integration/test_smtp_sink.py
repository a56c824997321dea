"""Delivery to postfix's smtp-sink (the C reference test server, plain SMTP on loopback): one
`txmail send` arrives whole, and a batch of 50 goes over one session."""

import unittest

from smtp_case import SmtpTestCase
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


if __name__ == "__main__":
    unittest.main()
