"""SMTP AUTH XOAUTH2 with OAuth 2.0 client credentials, end to end: the real `txmail` binary
against a stand-in for the identity platform's token endpoint (support/token_endpoint.py) and an
Exchange Online-like aiosmtpd (support/xoauth2_smtpd.py: STARTTLS, then AUTH LOGIN XOAUTH2,
Exchange's 235/535 replies, tokens checked against those the endpoint issued).

Shows: a message sent with XOAUTH2 as EMAIL_HOST_USER with a token for the Exchange Online scope;
one token shared by successive connections, refreshed after it expires, and refreshed once when
the server rejects it; a bad client secret reported with the identity platform's AADSTS error;
partial OAuth settings named; the app-password retirement warning. Secrets and tokens never
appear in txmail's output.
"""

import os
import unittest

from microsoft365_case import MAILBOX, Microsoft365TestCase
from support.certs import Certificates
from support.processes import run_txmail, wait_until
from support.token_endpoint import SMTP_SCOPE
from support.xoauth2_smtpd import ExchangeOnlineSmtpd

RETIREMENT = "end of December 2026"


class OAuthTestCase(Microsoft365TestCase):
    def setUp(self):
        super().setUp()
        self.certs = Certificates(os.path.join(self.tmp, "certs"))
        self.server = ExchangeOnlineSmtpd(self.tokens, self.certs, MAILBOX).start()
        self.addCleanup(self.server.stop)

    def settings(self, **overrides):
        values = {
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.server.port),
            "EMAIL_USE_TLS": "True",
            "EMAIL_SSL_CAFILE": self.certs.ca_file,
            **self.oauth_settings(),
        }
        values.update(overrides)
        return values

    def send(self, settings=None):
        result = run_txmail(["send", "--to", "jane@example.com", "--subject", "Welcome",
                             "--text", "Welcome to Boritrader."], settings or self.settings())
        self.assert_no_secret_in(result.stdout + result.stderr)
        return result


class XOAuth2SendTest(OAuthTestCase):
    def test_sends_with_xoauth2_as_the_mailbox_after_starttls(self):
        result = self.send()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("accepted: 250 2.0.0 Ok: queued as", result.stdout)
        self.assertEqual(self.server.auth_attempts, [("XOAUTH2", MAILBOX, True)])
        verbs = self.server.verbs()
        self.assertLess(verbs.index("STARTTLS"), verbs.index("AUTH"))
        (message,) = self.server.messages
        self.assertEqual(message.login, MAILBOX)
        self.assertEqual(message.mail_from, MAILBOX)
        self.assertEqual(message.rcpt_tos, ["jane@example.com"])
        (request,) = self.tokens.requests
        self.assertEqual(request["scope"], SMTP_SCOPE)
        self.assertEqual(request["grant_type"], "client_credentials")
        self.assertTrue(request["secret_matched"])  # "+&=~" in the secret survived the encoding
        self.assertNotIn(RETIREMENT, result.stderr)  # OAuth: no app-password warning

    def test_bad_client_secret_shows_the_aadsts_error_and_never_signs_in(self):
        wrong = "not-the-secret-42"
        result = self.send(self.settings(EMAIL_OAUTH2_CLIENT_SECRET=wrong))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("invalid_client", result.stderr)
        self.assertIn("AADSTS7000215: Invalid client secret provided.", result.stderr)
        self.assertNotIn(wrong, result.stdout + result.stderr)
        self.assertEqual(self.server.auth_attempts, [])
        self.assertEqual(self.server.messages, [])

    def test_partial_oauth_settings_name_what_is_missing(self):
        settings = self.settings()
        del settings["EMAIL_OAUTH2_TENANT_ID"], settings["EMAIL_OAUTH2_CLIENT_SECRET"]
        result = self.send(settings)
        self.assertEqual(result.returncode, 2)
        self.assertIn("EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_SECRET", result.stderr)
        self.assertEqual(self.tokens.requests, [])
        self.assertEqual(self.server.connections, 0)

    def test_an_app_password_on_exchange_online_warns_of_the_retirement(self):
        password = "app-password-0123"
        # EMAIL_TIMEOUT of 1 ms: the backend is built (and warns), then gives up long before a
        # connection to Microsoft could be made, so nothing leaves this machine.
        result = run_txmail(["send", "--to", "jane@example.com", "--subject", "s", "--text", "t"],
                            {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "smtp.office365.com",
                             "EMAIL_PORT": "587", "EMAIL_USE_TLS": "True",
                             "EMAIL_HOST_USER": MAILBOX, "EMAIL_HOST_PASSWORD": password,
                             "DEFAULT_FROM_EMAIL": MAILBOX, "EMAIL_TIMEOUT": "0.001"})
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(RETIREMENT, result.stderr)
        self.assertIn("550 5.7.30 Basic authentication is not supported for Client Submission.",
                      result.stderr)
        self.assertIn("EMAIL_OAUTH2_CLIENT_SECRET", result.stderr)
        self.assertIn("EMAIL_BACKEND=graph", result.stderr)
        self.assertNotIn(password, result.stdout + result.stderr)


class DispatchTestCase(OAuthTestCase):
    """One long-running process (`txmail dispatch`) sending through the outbox, so that one token
    source serves several connections."""

    def setUp(self):
        super().setUp()
        self.start_dispatch(self.settings())

    def send_next(self, n):
        self.enqueue_welcome(n, lambda: len(self.server.messages), "the server")
        self.server.disconnect_all()  # the next message needs a new connection, so a new AUTH

    def accepted(self):
        return [accepted for _, _, accepted in self.server.auth_attempts]


class TokenLifetimeTest(DispatchTestCase):
    lifetime = 3

    def test_one_token_for_several_connections_then_a_new_one_after_expiry(self):
        self.send_next(1)
        self.send_next(2)
        self.assertEqual(self.accepted(), [True, True])
        self.assertEqual(self.tokens.fetches(SMTP_SCOPE), 1)
        (first,) = self.tokens.issued()

        # The token's own lifetime (3 s) is what is being tested; the stand-in says when it is over.
        wait_until(lambda: self.tokens.check(first, SMTP_SCOPE) == "token expired", 10,
                   "the first token to expire")
        self.send_next(3)
        self.assertEqual(self.accepted(), [True, True, True])  # never presented the expired one
        self.assertEqual(self.tokens.fetches(SMTP_SCOPE), 2)
        self.assert_dispatcher_kept_secrets()


class RejectedTokenTest(DispatchTestCase):
    def test_a_rejected_token_is_refreshed_once_and_auth_retried(self):
        self.send_next(1)
        self.tokens.revoke_issued()
        self.send_next(2)
        self.assertEqual(self.accepted(), [True, False, True])
        self.assertEqual(self.tokens.fetches(SMTP_SCOPE), 2)
        self.assert_dispatcher_kept_secrets()


if __name__ == "__main__":
    unittest.main()
