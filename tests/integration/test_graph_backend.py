"""The Microsoft Graph backend end to end: the real `txmail` binary against stand-ins for the
identity platform's token endpoint and Graph's sendMail that speak their wire formats
(support/token_endpoint.py, support/graph_endpoint.py).

Shows: a message sent through Graph arrives with its text and HTML alternatives, attachment and
Bcc recipient intact, after a 429 whose Retry-After is waited out; a long Retry-After is not
waited in process but reported; Graph's own error codes reach the user; a message over Graph's
4 MB request limit is refused before any request; a bad client secret shows the AADSTS error; a
token is reused across messages, refreshed after it expires, and refreshed once when Graph
rejects it. No secret or token ever appears in txmail's output.
"""

import os
import time
import unittest

from microsoft365_case import MAILBOX, Microsoft365TestCase
from support.graph_endpoint import GraphEndpoint
from support.processes import run_txmail, wait_until
from support.token_endpoint import GRAPH_SCOPE
TEXT = "Welcome to Boritrader.\nYour account is ready.\n"
HTML = "<p>Welcome to <b>Boritrader</b>.</p><p>Your account is ready.</p>"


class GraphTestCase(Microsoft365TestCase):
    def setUp(self):
        super().setUp()
        self.graph = GraphEndpoint(self.tokens, mailbox=MAILBOX).start()
        self.addCleanup(self.graph.stop)

    def settings(self, **overrides):
        values = {
            "EMAIL_BACKEND": "graph",
            "EMAIL_GRAPH_URL": self.graph.base_url,
            **self.oauth_settings(),
        }
        values.update(overrides)
        return values

    def send(self, *extra, settings=None, timeout=60):
        result = run_txmail(["send", "--to", "Jane Doe <jane@example.com>", "--subject", "Welcome",
                             "--text", TEXT, "--html", HTML, *extra],
                            settings or self.settings(), timeout=timeout)
        self.assert_no_secret_in(result.stdout + result.stderr)
        return result


class GraphSendTest(GraphTestCase):
    def test_text_html_attachment_and_bcc_arrive_intact_after_a_429(self):
        attachment = os.path.join(self.tmp, "invoice.pdf")
        pdf = b"%PDF-1.4\n" + bytes(range(256)) * 64
        with open(attachment, "wb") as f:
            f.write(pdf)
        self.graph.throttle(requests=1, retry_after=1)

        result = self.send("--bcc", "audit@boritrade.net", "--attach", attachment)

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"accepted: 202 Accepted \(request-id [0-9a-f-]{36}\)")
        statuses = [status for _, status in self.graph.attempts]
        self.assertEqual(statuses, [429, 202])
        (first, _), (second, _) = self.graph.attempts
        self.assertGreaterEqual(second - first, 1.0, "the retry came before Retry-After: 1")
        self.assertEqual(self.tokens.fetches(GRAPH_SCOPE), 1)

        self.assertEqual(len(self.graph.messages), 1)
        sent = self.graph.messages[0]
        self.assertEqual(sent.mailbox, MAILBOX)
        self.assertEqual(sorted(sent.recipients), ["audit@boritrade.net", "jane@example.com"])
        message = sent.message
        self.assertEqual(message["Subject"], "Welcome")
        self.assertEqual(message.get_content_type(), "multipart/mixed")
        alternative = next(message.iter_parts())
        self.assertEqual(alternative.get_content_type(), "multipart/alternative")
        self.assertEqual([p.get_content_type() for p in alternative.iter_parts()],
                         ["text/plain", "text/html"])
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        self.assertEqual(plain.get_content().replace("\r\n", "\n"), TEXT)
        self.assertEqual(html.get_content().rstrip("\r\n"), HTML)
        attachments = list(message.iter_attachments())
        self.assertEqual([a.get_filename() for a in attachments], ["invoice.pdf"])
        self.assertEqual(attachments[0].get_content(), pdf)

    def test_a_long_retry_after_is_reported_not_waited(self):
        self.graph.throttle(requests=1, retry_after=120)
        started = time.monotonic()
        result = self.send()
        self.assertLess(time.monotonic() - started, 60)
        self.assertEqual(result.returncode, 1, result.stdout)
        self.assertIn("ApplicationThrottled", result.stderr)
        self.assertIn("retry after 120 s", result.stderr)
        self.assertEqual([status for _, status in self.graph.attempts], [429])
        self.assertEqual(self.graph.messages, [])

    def test_graph_error_code_and_message_reach_the_user(self):
        result = self.send(settings=self.settings(EMAIL_HOST_USER="nobody@boritrade.net"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("HTTP 404 ErrorInvalidUser: The requested user 'nobody@boritrade.net' is "
                      "invalid.", result.stderr)
        self.assertEqual([status for _, status in self.graph.attempts], [404])

    def test_message_over_the_request_limit_is_refused_before_sending(self):
        attachment = os.path.join(self.tmp, "big.bin")
        with open(attachment, "wb") as f:
            f.write(os.urandom(3 * 1024 * 1024 + 200 * 1024))
        result = self.send("--attach", attachment)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"as base64; Microsoft Graph accepts at most 4194304 bytes")
        self.assertEqual(self.graph.attempts, [])

    def test_bad_client_secret_shows_the_identity_platforms_error(self):
        wrong = "wrong-secret-value-123"
        result = self.send(settings=self.settings(EMAIL_OAUTH2_CLIENT_SECRET=wrong))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("AADSTS7000215: Invalid client secret provided.", result.stderr)
        self.assertIn("invalid_client", result.stderr)
        self.assertNotIn(wrong, result.stdout + result.stderr)
        self.assertEqual(self.graph.attempts, [])
        self.assertEqual(len(self.tokens.requests), 1)
        self.assertFalse(self.tokens.requests[0]["secret_matched"])

    def test_the_token_request_is_the_client_credentials_grant_for_graph(self):
        result = self.send()
        self.assertEqual(result.returncode, 0, result.stderr)
        (request,) = self.tokens.requests
        self.assertEqual(request["grant_type"], "client_credentials")
        self.assertEqual(request["client_id"], self.tokens.client_id)
        self.assertEqual(request["scope"], GRAPH_SCOPE)
        self.assertEqual(request["tenant"], self.tokens.tenant)
        self.assertTrue(request["secret_matched"])  # "+&=~" in the secret survived the encoding


class GraphDispatchTestCase(GraphTestCase):
    """One long-running process (`txmail dispatch`) sending several messages through the outbox."""

    def setUp(self):
        super().setUp()
        self.start_dispatch(self.settings())

    def send_next(self, n):
        self.enqueue_welcome(n, lambda: len(self.graph.messages), "Graph")
        return self.graph.messages[n - 1]


class GraphTokenLifetimeTest(GraphDispatchTestCase):
    lifetime = 3

    def test_token_reused_then_refreshed_after_expiry(self):
        first = self.send_next(1)
        second = self.send_next(2)
        self.assertEqual(second.token, first.token)
        self.assertEqual(self.tokens.fetches(GRAPH_SCOPE), 1)

        # The token's own lifetime (3 s) is what is being tested; the stand-in says when it is over.
        wait_until(lambda: self.tokens.check(first.token, GRAPH_SCOPE) == "token expired", 10,
                   "the first token to expire")
        third = self.send_next(3)
        self.assertNotEqual(third.token, first.token)
        self.assertEqual(self.tokens.fetches(GRAPH_SCOPE), 2)
        self.assertNotIn(401, [status for _, status in self.graph.attempts])
        self.assert_dispatcher_kept_secrets()


class GraphRejectedTokenTest(GraphDispatchTestCase):
    def test_a_rejected_token_is_refreshed_once_and_the_message_retried(self):
        first = self.send_next(1)
        self.tokens.revoke_issued()
        second = self.send_next(2)
        self.assertNotEqual(second.token, first.token)
        self.assertEqual([status for _, status in self.graph.attempts], [202, 401, 202])
        self.assertEqual(self.tokens.fetches(GRAPH_SCOPE), 2)
        self.assert_dispatcher_kept_secrets()


if __name__ == "__main__":
    unittest.main()
