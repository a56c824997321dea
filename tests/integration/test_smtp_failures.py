"""Failures classified the way the outbox needs them, against a real server told to misbehave:
450 vs 550 (on RCPT and after DATA) are transient vs permanent with code, enhanced status and the
server's words; a connection closed in the middle of DATA is transient; a server that never
answers fails within EMAIL_TIMEOUT + 1 s; a message with a refused recipient goes to nobody.
"""

import unittest

from smtp_case import SmtpTestCase, security_lines, timed

TIMEOUT = 2  # EMAIL_TIMEOUT for the tests that wait for one


class ReplyClassificationTest(SmtpTestCase):
    def send_one(self, server):
        results, _, stderr = self.tool(server.txmail_settings(), "--count", 1)
        return results[0], stderr

    def test_450_on_rcpt_is_transient(self):
        server = self.server()
        server.reply("RCPT", "450 4.2.1 <user@example.com>: Recipient address rejected: "
                             "Mailbox busy, try again later")
        result, stderr = self.send_one(server)
        self.assertFalse(result["ok"])
        self.assertEqual(result["kind"], "transient")
        self.assertEqual(result["code"], 450)
        self.assertEqual(result["enhanced_status"], "4.2.1")
        self.assertIn("Mailbox busy, try again later", result["reply"])
        self.assertIn("refused a recipient", result["message"])
        [line] = security_lines(stderr)
        self.assertIn("[warning] [security] send", line)
        self.assertIn("outcome=transient", line)

    def test_550_on_rcpt_is_permanent(self):
        server = self.server()
        server.reply("RCPT", "550 5.1.1 <user@example.com>: Recipient address rejected: User "
                             "unknown in virtual mailbox table")
        result, stderr = self.send_one(server)
        self.assertEqual(result["kind"], "permanent")
        self.assertEqual(result["code"], 550)
        self.assertEqual(result["enhanced_status"], "5.1.1")
        self.assertIn("User unknown in virtual mailbox table", result["reply"])
        self.assertIn("outcome=permanent", security_lines(stderr)[0])

    def test_451_and_554_after_data(self):
        server = self.server()
        server.reply("DATA", "451 4.3.0 Error: queue file write error", times=1)
        server.reply("DATA", "554 5.6.0 Message rejected: content policy")
        results, _, _ = self.tool(server.txmail_settings(), "--count", 2)
        self.assertEqual([(r["kind"], r["code"], r["enhanced_status"]) for r in results],
                         [("transient", 451, "4.3.0"), ("permanent", 554, "5.6.0")])
        self.assertIn("refused the message", results[1]["message"])
        self.assertEqual(server.messages, [])

    def test_the_cli_exits_1_with_the_servers_words(self):
        server = self.server()
        server.reply("MAIL", "550 5.7.60 SMTP; Client does not have permissions to send as this "
                             "sender")
        result = self.txmail_send(server.txmail_settings())
        self.assert_failed(result, "refused the sender",
                           "550 5.7.60 SMTP; Client does not have permissions to send as this "
                           "sender")

    def test_a_refused_recipient_stops_the_whole_message(self):
        server = self.server()
        server.reply("RCPT", "550 5.1.1 <gone@example.com>: Recipient address rejected",
                     when=lambda argument: "gone@" in argument)
        result = self.txmail_send(server.txmail_settings(), "--to", "gone@example.com")
        self.assert_failed(result, "<gone@example.com>: Recipient address rejected")
        self.assertEqual(server.messages, [], "all recipients or none")


class PipelinedReplyClassificationTest(ReplyClassificationTest):
    """The same against a server that offers PIPELINING; and there, a recipient refused after
    DATA was already accepted in the same group: the connection is dropped before the final dot,
    so nobody gets the message, and the next message goes on a new connection."""

    def server(self, **kwargs):
        kwargs.setdefault("pipelining", True)
        return super().server(**kwargs)

    def test_a_refused_recipient_after_pipelined_data_drops_the_transaction(self):
        server = self.server()
        server.reply("RCPT", "550 5.1.1 <gone@example.com>: Recipient address rejected",
                     when=lambda argument: "gone@" in argument, times=1)
        results, summary, _ = self.tool(server.txmail_settings(), "--count", 2,
                                        "--to", "user@example.com, gone@example.com")
        self.assertFalse(results[0]["ok"])
        self.assertEqual(results[0]["code"], 550)
        self.assertTrue(results[1]["ok"], results[1])
        [received] = server.wait_for_messages(1)
        self.assertEqual(received.parsed()["Subject"], "Batch message 2")
        self.assertEqual(received.connection, 2)
        self.assertEqual(summary["connections_opened"], 2)
        verbs = server.commands
        self.assertIn((1, "DATA"), verbs, "DATA was pipelined with the refused RCPT")


class ConnectionTroubleTest(SmtpTestCase):
    def test_connection_closed_in_the_middle_of_data_is_transient(self):
        server = self.server()
        server.drop_during_data(after_bytes=20)
        results, summary, _ = self.tool(server.txmail_settings(), "--count", 1)
        self.assertFalse(results[0]["ok"])
        self.assertEqual(results[0]["kind"], "transient")
        self.assertIn("lost during or after the message data", results[0]["message"])
        self.assertEqual(summary["connections_opened"], 1, "after DATA there is no retry")
        self.assertEqual(server.messages, [])

        cli = self.txmail_send(server.txmail_settings())
        self.assert_failed(cli, "lost during or after the message data")

    def test_server_that_never_greets_fails_within_the_timeout(self):
        server = self.server()
        server.hang("greeting")
        result, seconds = timed(lambda: self.txmail_send(
            server.txmail_settings(EMAIL_TIMEOUT=TIMEOUT)))
        self.assert_failed(result, f"no answer from 127.0.0.1:{server.port} within 2 s "
                                   "(EMAIL_TIMEOUT)")
        self.assertLess(seconds, TIMEOUT + 1)
        self.assertGreaterEqual(seconds, TIMEOUT - 0.5, "the timeout itself should be honoured")

    def test_server_that_never_confirms_the_data_fails_within_the_timeout(self):
        server = self.server()
        server.hang("end_of_data")
        (results, _, _), seconds = timed(lambda: self.tool(
            server.txmail_settings(EMAIL_TIMEOUT=TIMEOUT), "--count", 3))
        self.assertEqual(results[0]["kind"], "transient")
        self.assertIn("may or may not have been delivered", results[0]["message"])
        self.assertTrue(results[2]["message"].startswith("not attempted"))
        self.assertLess(seconds, TIMEOUT + 1)

    def test_server_that_stops_answering_after_ehlo(self):
        server = self.server()
        server.hang("STARTTLS")
        result, seconds = timed(lambda: self.txmail_send(
            server.txmail_settings(EMAIL_TIMEOUT=TIMEOUT)))
        self.assert_failed(result, "no answer")
        self.assertLess(seconds, TIMEOUT + 1)


if __name__ == "__main__":
    unittest.main()
