"""EMAIL_USE_TLS means STARTTLS is required: against a server that does not offer it (but offers
AUTH in plain text, to tempt the client), or refuses it, nothing is sent and the server never
sees AUTH. EMAIL_USE_TLS together with EMAIL_USE_SSL stops txmail at start-up, as in Django.
"""

import unittest

from smtp_case import PASSWORD, SmtpTestCase


class StartTlsRequiredTest(SmtpTestCase):
    def test_server_without_starttls_gets_nothing_not_even_auth(self):
        server = self.server(tls="none", certs=None)  # offers AUTH PLAIN LOGIN in clear text
        settings = server.txmail_settings(EMAIL_USE_TLS="True")
        result = self.txmail_send(settings)
        self.assert_failed(result, "does not offer STARTTLS", "EMAIL_USE_TLS=True")
        self.assertEqual(server.verbs(), ["EHLO"])
        self.assertEqual(server.auth_attempts, [])
        self.assertEqual(server.messages, [])
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)

    def test_server_refusing_starttls_gets_nothing(self):
        server = self.server()
        server.reply("STARTTLS", "454 4.7.0 TLS not available due to temporary reason")
        result = self.txmail_send(server.txmail_settings())
        self.assert_failed(result, "454 4.7.0 TLS not available due to temporary reason")
        self.assertNotIn("AUTH", server.verbs())
        self.assertNotIn("MAIL", server.verbs())

    def test_use_tls_and_use_ssl_together_fail_at_start_up(self):
        server = self.server()
        settings = server.txmail_settings(EMAIL_USE_SSL="True")
        result = self.txmail_send(settings)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("EMAIL_USE_TLS=True and EMAIL_USE_SSL=True are mutually exclusive",
                      result.stderr)
        self.assertEqual(server.connections, 0)

    def test_implicit_tls_against_a_starttls_port_fails_with_a_hint(self):
        server = self.server()
        settings = server.txmail_settings(EMAIL_USE_TLS=None, EMAIL_USE_SSL="True",
                                          EMAIL_TIMEOUT="5")
        result = self.txmail_send(settings)
        self.assert_failed(result, "TLS handshake", "EMAIL_USE_TLS=True")
        self.assertEqual(server.auth_attempts, [])


if __name__ == "__main__":
    unittest.main()
