"""The password, OAuth client secret and bearer tokens never appear in anything txmail prints:
stdout, stderr (the `security` log in text and JSON, error messages), whether the send works or
fails at any step. Checked for the secrets as written and in the base64 forms AUTH PLAIN, AUTH
LOGIN and XOAUTH2 put them on the wire.
"""

import base64
import unittest

from smtp_case import PASSWORD, USER, SmtpTestCase
from test_smtp_auth import OAUTH_SETTINGS

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.bearer-token-7f3a"


def forms(secret: str, user: str = USER):
    """The secret and how it looks on the wire in each SASL mechanism."""
    b64 = lambda raw: base64.b64encode(raw.encode()).decode()  # noqa: E731
    return [secret, b64(secret), b64(f"\0{user}\0{secret}"),
            b64(f"user={user}\x01auth=Bearer {secret}\x01\x01")]


class SecretsTest(SmtpTestCase):
    def assert_never_printed(self, secret: str, *outputs: str):
        everything = "\n".join(outputs)
        for form in forms(secret):
            self.assertNotIn(form, everything)

    def test_password_is_never_printed(self):
        outputs = []
        for log_format in ("text", "json"):
            good = self.server()
            ok = self.txmail_send(good.txmail_settings(TXMAIL_LOG_FORMAT=log_format))
            self.assertEqual(ok.returncode, 0, ok.stderr)
            outputs += [ok.stdout, ok.stderr]

            wrong = self.server(users={USER: "something-else"})
            refused = self.txmail_send(wrong.txmail_settings(EMAIL_HOST_PASSWORD=PASSWORD,
                                                             TXMAIL_LOG_FORMAT=log_format))
            self.assertEqual(refused.returncode, 1)
            outputs += [refused.stdout, refused.stderr]

            plain = self.server(tls="none", certs=None)
            no_tls = self.txmail_send(plain.txmail_settings(EMAIL_USE_TLS="True",
                                                            TXMAIL_LOG_FORMAT=log_format))
            self.assertEqual(no_tls.returncode, 1)
            outputs += [no_tls.stdout, no_tls.stderr]

            remote = self.txmail_send(plain.txmail_settings(EMAIL_HOST="smtp.example.invalid",
                                                            TXMAIL_LOG_FORMAT=log_format))
            self.assertEqual(remote.returncode, 2)
            outputs += [remote.stdout, remote.stderr]

            batch, summary, stderr = self.tool(good.txmail_settings(TXMAIL_LOG_FORMAT=log_format),
                                               "--count", 3)
            outputs += [str(batch), str(summary), stderr]
        self.assertTrue(any("[security] send" in text for text in outputs))
        self.assert_never_printed(PASSWORD, *outputs)

    def test_oauth_secret_and_tokens_are_never_printed(self):
        server = self.server(users=None, oauth_tokens={USER: TOKEN})
        outputs = []
        for log_format in ("text", "json"):
            settings = server.txmail_settings(TXMAIL_LOG_FORMAT=log_format, **OAUTH_SETTINGS)
            results, summary, stderr = self.tool(settings, "--count", 2,
                                                 "--oauth-tokens", f"stale-{TOKEN},{TOKEN}")
            self.assertTrue(all(r["ok"] for r in results), results)
            outputs += [str(results), str(summary), stderr]
            refused, _, stderr = self.tool(settings, "--count", 1, "--oauth-tokens",
                                           f"bad1-{TOKEN},bad2-{TOKEN}")
            self.assertFalse(refused[0]["ok"])
            outputs += [str(refused), stderr]
        for secret in (TOKEN, OAUTH_SETTINGS["EMAIL_OAUTH2_CLIENT_SECRET"]):
            self.assert_never_printed(secret, *outputs)


if __name__ == "__main__":
    unittest.main()
