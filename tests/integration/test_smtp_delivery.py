"""SMTP delivery through the real `txmail send` to a real server (aiosmtpd) the test starts:
STARTTLS with required AUTH and a private CA, implicit TLS, client certificates, a plain local
relay; the message is parsed at the server (text and HTML parts intact, Bcc only in the envelope).
"""

import tempfile
import unittest

from smtp_case import PASSWORD, USER, SmtpTestCase
from support.certs import Certificates

SUBJECT = "Bienvenue à Boritrader ✓"
HTML = "<html><body><p>Hello <b>Jane</b>,</p><p>Ready: <a href=\"https://x.example\">start</a>" \
       "</p></body></html>"


class DeliveryTest(SmtpTestCase):
    def send_rich(self, settings):
        return self.txmail_send(settings, "--html", HTML, "--bcc", "audit@example.com",
                                subject=SUBJECT)

    def assert_rich_message(self, server):
        [received] = server.wait_for_messages(1)
        self.assertEqual(received.mail_from, "noreply@example.com")
        self.assertEqual(received.rcpt_tos, ["user@example.com", "audit@example.com"])
        message = received.parsed()
        self.assertEqual(message["Subject"], SUBJECT)
        self.assertEqual(message["To"], "user@example.com")
        self.assertIsNone(message["Bcc"], "Bcc belongs to the envelope only")
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        self.assertEqual(text.get_content().replace("\r\n", "\n").rstrip("\n"),
                         "Plain body.")
        self.assertEqual(html.get_content().replace("\r\n", "\n").rstrip("\n"), HTML)
        defects = [d for part in message.walk() for d in part.defects]
        self.assertEqual(defects, [])
        return received

    def test_starttls_and_auth_deliver_text_and_html_intact(self):
        server = self.server()
        result = self.send_rich(server.txmail_settings())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "accepted: 250 2.0.0 Ok: queued as T00001")
        received = self.assert_rich_message(server)
        self.assertEqual(received.login, USER)
        verbs = server.verbs()
        self.assertLess(verbs.index("STARTTLS"), verbs.index("AUTH"),
                        "AUTH must come only after STARTTLS")
        self.assertEqual(server.auth_attempts[0][1:], (USER, True))

    def test_lines_starting_with_dots_survive_dot_stuffing(self):
        server = self.server()
        body = ".leading dot\n..two dots\n.\n" + "x" * 300 + "\nend\n"
        result = self.txmail_send(server.txmail_settings(), text=body, subject="dots")
        self.assertEqual(result.returncode, 0, result.stderr)
        message = server.wait_for_messages(1)[0].parsed()
        self.assertEqual(message.get_content().replace("\r\n", "\n"), body)

    def test_implicit_tls_delivers(self):
        server = self.server(tls="implicit")
        result = self.send_rich(server.txmail_settings())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_rich_message(server)
        self.assertNotIn("STARTTLS", server.verbs())

    def test_djangos_dotted_backend_name_selects_smtp(self):
        server = self.server()
        settings = server.txmail_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
        result = self.send_rich(settings)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_rich_message(server)

    def test_client_certificate_is_presented(self):
        server = self.server(require_client_cert=True)
        with_cert = server.txmail_settings(EMAIL_SSL_CERTFILE=self.certs.client_cert,
                                           EMAIL_SSL_KEYFILE=self.certs.client_key)
        result = self.send_rich(with_cert)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assert_rich_message(server)

        without = self.txmail_send(server.txmail_settings())
        self.assert_failed(without)
        self.assertEqual(len(server.messages), 1)
        self.assertEqual(len(server.auth_attempts), 1,
                         "no AUTH on the connection without a client certificate")

    def test_certificate_from_an_unknown_ca_is_refused_before_auth(self):
        server = self.server()
        with tempfile.TemporaryDirectory() as other:
            other_ca = Certificates(other).ca_file
            result = self.txmail_send(server.txmail_settings(EMAIL_SSL_CAFILE=other_ca))
        self.assert_failed(result, "does not verify")
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)
        self.assertEqual(server.verbs(), ["EHLO", "STARTTLS"])
        self.assertEqual(server.messages, [])

    def test_plain_local_relay_without_auth(self):
        server = self.server(tls="none", certs=None, users=None)
        result = self.txmail_send(server.txmail_settings())
        self.assertEqual(result.returncode, 0, result.stderr)
        [received] = server.wait_for_messages(1)
        self.assertIsNone(received.login)

    def test_auth_in_plain_text_is_allowed_on_loopback_only(self):
        server = self.server(tls="none", certs=None)
        result = self.txmail_send(server.txmail_settings())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(server.wait_for_messages(1)[0].login, USER)

        remote = server.txmail_settings(EMAIL_HOST="smtp.example.invalid")
        refused = self.txmail_send(remote)
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertIn("EMAIL_HOST \"smtp.example.invalid\" is not loopback", refused.stderr)
        self.assertIn("EMAIL_USE_TLS=True", refused.stderr)
        self.assertNotIn(PASSWORD, refused.stderr + refused.stdout)


if __name__ == "__main__":
    unittest.main()
