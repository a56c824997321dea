"""SMTP AUTH against a real server: a wrong password ends in the server's 535 and its words on
stderr (exit code 1); Exchange Online's multi-line 535 5.7.139 reaches the security log whole,
with its diagnosis; a user without a password stops txmail at start-up; XOAUTH2 fetches a fresh
token once when the server refuses one, and does not hammer the server when it keeps refusing.
"""

import unittest

from smtp_case import PASSWORD, USER, SmtpTestCase, json_lines, security_lines

EXCHANGE_535 = ("535-5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                "for the Tenant.\r\n535 5.7.139 Visit https://aka.ms/smtp_auth_disabled for more "
                "information. [PR3P191CA0001.EURP191.PROD.OUTLOOK.COM]")

OAUTH_SETTINGS = {
    "EMAIL_OAUTH2_TENANT_ID": "contoso.onmicrosoft.com",
    "EMAIL_OAUTH2_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
    "EMAIL_OAUTH2_CLIENT_SECRET": "client-secret-not-used-by-the-tool",
    "EMAIL_OAUTH2_TOKEN_URL": "http://127.0.0.1:9/unused",
}


class AuthTest(SmtpTestCase):
    def test_wrong_password_prints_the_servers_535(self):
        server = self.server(users={USER: "the-right-one"})
        result = self.txmail_send(server.txmail_settings(EMAIL_HOST_PASSWORD=PASSWORD))
        self.assert_failed(result, "refused the credentials of noreply@example.com",
                           "535 5.7.8 Authentication credentials invalid")
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)
        self.assertEqual(server.messages, [])
        self.assertFalse(server.auth_attempts[0][2])
        self.assertNotIn("MAIL", server.verbs())

    def test_exchange_online_refusal_is_logged_whole_with_its_diagnosis(self):
        server = self.server()
        server.reply("AUTH", EXCHANGE_535)
        result = self.txmail_send(server.txmail_settings(TXMAIL_LOG_FORMAT="json"))
        self.assert_failed(result, "SmtpClientAuthentication is disabled for the Tenant",
                           "PR3P191CA0001.EURP191.PROD.OUTLOOK.COM")
        [line] = security_lines(result.stderr, json_format=True)
        self.assertEqual(line["event"], "send")
        self.assertEqual(line["backend"], "smtp")
        self.assertEqual(line["outcome"], "permanent")
        self.assertEqual(line["code"], 535)
        self.assertEqual(line["enhanced_status"], "5.7.139")
        self.assertEqual(line["reply"], EXCHANGE_535.replace("\r\n", "\n"))
        self.assertEqual(line["to"], ["user@example.com"])
        self.assertIn("diagnosis", line)
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)

    def test_user_without_password_fails_at_start_up(self):
        server = self.server()
        result = self.txmail_send(server.txmail_settings(EMAIL_HOST_PASSWORD=None))
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("EMAIL_HOST_USER \"noreply@example.com\" has no password", result.stderr)
        self.assertEqual(server.connections, 0)

    def test_xoauth2_refreshes_a_refused_token_once(self):
        server = self.server(users=None, oauth_tokens={USER: "fresh-token-6d1a"})
        settings = server.txmail_settings(**OAUTH_SETTINGS)
        results, summary, stderr = self.tool(settings, "--count", 3,
                                             "--oauth-tokens", "stale-token-0c4f,fresh-token-6d1a")
        self.assertTrue(all(r["ok"] for r in results), results)
        self.assertEqual(summary["invalidations"], 1)
        self.assertEqual([(m, ok) for m, _, ok in server.auth_attempts],
                         [("XOAUTH2", False), ("XOAUTH2", True)])
        self.assertEqual(len(server.wait_for_messages(3)), 3)
        self.assertEqual({m.login for m in server.messages}, {USER})
        for token in ("stale-token-0c4f", "fresh-token-6d1a"):
            self.assertNotIn(token, stderr)

    def test_xoauth2_refused_twice_ends_the_batch(self):
        server = self.server(users=None, oauth_tokens={USER: "the-only-good-token"})
        settings = server.txmail_settings(**OAUTH_SETTINGS)
        results, summary, _ = self.tool(settings, "--count", 5,
                                        "--oauth-tokens", "bad-1,bad-2,bad-3")
        self.assertEqual([r["ok"] for r in results], [False] * 5)
        self.assertEqual(results[0]["code"], 535)
        self.assertEqual(results[0]["enhanced_status"], "5.7.3")
        self.assertEqual(results[0]["reply"], "535 5.7.3 Authentication unsuccessful")
        self.assertTrue(results[1]["message"].startswith("not attempted"), results[1])
        self.assertEqual(len(server.auth_attempts), 2, "one refresh, then stop")
        self.assertEqual(summary["invalidations"], 1)

    def test_security_log_text_line_names_the_send(self):
        server = self.server()
        result = self.txmail_send(server.txmail_settings(), subject="Receipt 42")
        self.assertEqual(result.returncode, 0, result.stderr)
        [line] = security_lines(result.stderr)
        for part in ("[info] [security] send", "backend=smtp", "from=noreply@example.com",
                     "to=user@example.com", "subject=\"Receipt 42\"", "outcome=sent",
                     "detail=\"250 2.0.0 Ok: queued as T00001\""):
            self.assertIn(part, line)
        self.assertEqual(json_lines(result.stderr), [])


if __name__ == "__main__":
    unittest.main()
