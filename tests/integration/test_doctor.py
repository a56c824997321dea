"""`txmail doctor` against real servers: aiosmtpd with STARTTLS (support/smtpd.py) replaying Exchange
Online's exact replies (support/exchange_replies.py), the identity platform and Graph stand-ins.

What is shown: a healthy server passes every step; each reply of the knowledge base fails the step
where Exchange Online says it, with the server's own words, the diagnosis and its remediation,
and exit code 1; a certificate that does not verify, a server without STARTTLS, a closed port and
an unknown host stop the doctor before any credential is sent; the password, the client secret
and the tokens never appear in the output; --json is a JSON array of the same steps; `txmail send`
prints the same diagnosis on failure.
"""

import json
import os
import re
import shutil
import tempfile
import unittest

from support.certs import Certificates
from support.exchange_replies import REPLIES, replay
from support.graph_endpoint import GraphEndpoint
from support.ports import free_port
from support.processes import run_txmail, wait_until
from support.smtpd import SmtpServer
from support.token_endpoint import TokenEndpoint
from support.xoauth2_smtpd import ExchangeOnlineSmtpd

MAILBOX = "noreply@boritrade.net"
PASSWORD = "app-Pa55word-7f3c"
STEP_LINE = re.compile(r"^([✓✗-]) (\w+)\s", re.MULTILINE)


def steps_of(output: str):
    """{step name: mark} from the text output, in order."""
    return {name: mark for mark, name in STEP_LINE.findall(output)}


class DoctorTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="txmail-doctor-")
        cls.certs = Certificates(os.path.join(cls.tmp, "certs"))
        # Exchange Online offers AUTH LOGIN (and XOAUTH2) after STARTTLS, never PLAIN.
        cls.server = SmtpServer(certs=cls.certs, users={MAILBOX: PASSWORD},
                                mechanisms=["LOGIN"]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.server.reset()

    def settings(self, **overrides):
        values = {
            "EMAIL_BACKEND": "smtp",
            "EMAIL_HOST": "localhost",
            "EMAIL_PORT": str(self.server.port),
            "EMAIL_USE_TLS": "True",
            "EMAIL_SSL_CAFILE": self.certs.ca_file,
            "EMAIL_HOST_USER": MAILBOX,
            "EMAIL_HOST_PASSWORD": PASSWORD,
            "DEFAULT_FROM_EMAIL": f"Boritrader <{MAILBOX}>",
            "EMAIL_TIMEOUT": "10",
        }
        values.update(overrides)
        return values

    def doctor(self, *args, settings=None):
        result = run_txmail(["doctor", *args], settings or self.settings())
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)
        return result

    def assert_failed_at(self, result, step: str):
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        marks = steps_of(result.stdout)
        self.assertEqual(marks.get(step), "✗", result.stdout)
        names = list(marks)
        self.assertTrue(all(mark == "✓" or (mark == "-" and name in ("token", "send_test"))
                            for name, mark in list(marks.items())[:names.index(step)]),
                        result.stdout)
        self.assertTrue(all(marks[name] == "-" for name in names[names.index(step) + 1:]),
                        result.stdout)
        if names[-1] != step:
            self.assertIn("not run: an earlier step failed", result.stdout)


    def assert_session_ended_with_quit(self):
        """A failed session is still ended with QUIT (RFC 5321), after the failing command."""
        wait_until(lambda: self.server.verbs()[-1:] == ["QUIT"], 10,
                   "QUIT after the failure; the server saw " + repr(self.server.verbs()))


class HealthyServer(DoctorTestCase):
    def test_every_step_passes(self):
        result = self.doctor()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(list(steps_of(result.stdout)),
                         ["settings", "dns", "connect", "greeting", "ehlo", "starttls", "ehlo_tls",
                          "auth_mechanisms", "token", "auth", "mail_from", "send_test", "quit"])
        for name, mark in steps_of(result.stdout).items():
            self.assertEqual(mark, "-" if name in ("token", "send_test") else "✓", name)
        # The server's own words and what the handshake produced.
        self.assertIn("220 txmail-test-smtpd", result.stdout)
        self.assertIn("(no AUTH before TLS)", result.stdout)
        self.assertRegex(result.stdout, r"starttls +TLSv1\.[23] .*certificate CN=localhost, "
                                        r"issued by CN=txmail test CA, valid until .* verified")
        self.assertIn("the server offers LOGIN; txmail will use LOGIN", result.stdout)
        self.assertIn("235 2.7.0 Authentication successful", result.stdout)
        self.assertIn("All checks passed.", result.stdout)
        # MAIL FROM was tried and taken back: nothing was sent.
        self.assertIn("MAIL", self.server.verbs())
        self.assertIn("RSET", self.server.verbs())
        self.assertEqual(self.server.messages, [])
        self.assertEqual(self.server.auth_attempts, [("LOGIN", MAILBOX, True)])

    def test_json_has_one_object_per_step(self):
        result = self.doctor("--json")
        self.assertEqual(result.returncode, 0, result.stderr)
        steps = json.loads(result.stdout)
        self.assertEqual([s["name"] for s in steps][:3], ["settings", "dns", "connect"])
        for step in steps:
            self.assertEqual(set(step), {"name", "status", "ok", "detail", "server_reply",
                                         "diagnosis"})
            self.assertIn(step["status"], ("passed", "skipped"))
            self.assertEqual(step["ok"], step["status"] == "passed")
            self.assertIsNone(step["diagnosis"])
        auth = next(s for s in steps if s["name"] == "auth")
        self.assertEqual(auth["server_reply"], "235 2.7.0 Authentication successful")

    def test_send_test_delivers_a_message_through_the_backend(self):
        result = self.doctor("--send-test", "ops@example.com")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(steps_of(result.stdout)["send_test"], "✓")
        self.assertIn("accepted for ops@example.com: 250 2.0.0 Ok: queued as", result.stdout)
        [message] = self.server.wait_for_messages(1)
        self.assertEqual(message.rcpt_tos, ["ops@example.com"])
        self.assertEqual(message.mail_from, MAILBOX)
        self.assertEqual(message.parsed()["Subject"], "txmail doctor: test message")

    def test_from_other_than_the_mailbox_is_pointed_out(self):
        result = self.doctor(settings=self.settings(DEFAULT_FROM_EMAIL="billing@boritrade.net"))
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn(f"From billing@boritrade.net is not the mailbox {MAILBOX}", result.stdout)
        self.assertIn("Send As", result.stdout)

    def test_a_bad_send_test_address_is_a_usage_error(self):
        result = self.doctor("--send-test", "not an address")
        self.assertEqual(result.returncode, 2, result.stdout)
        self.assertIn("--send-test", result.stderr)


class ExchangeOnlineReplies(DoctorTestCase):
    def test_each_reply_fails_its_step_with_the_servers_words_and_the_fix(self):
        for reply in REPLIES:
            with self.subTest(rule=reply.rule):
                self.server.reset()
                replay(self.server, reply)
                result = self.doctor()
                self.assert_failed_at(result, reply.step)
                self.assert_session_ended_with_quit()
                self.assertIn("server said: " + reply.text, result.stdout)
                self.assertIn("diagnosis: ", result.stdout)
                self.assertIn(reply.remedy, result.stdout)

                self.server.reset()
                replay(self.server, reply)
                steps = json.loads(self.doctor("--json").stdout)
                [failed] = [s for s in steps if s["status"] == "failed"]
                self.assertEqual(failed["name"], reply.step)
                self.assertEqual(failed["server_reply"], reply.text)
                self.assertEqual(failed["diagnosis"]["id"], reply.rule)
                reference = failed["diagnosis"]["reference"]
                self.assertTrue(reference == "" or
                                reference.startswith("https://learn.microsoft.com/"), reference)

    def test_smtp_auth_disabled_gives_mailbox_and_tenant_fixes_and_recommends_oauth(self):
        replay(self.server, REPLIES[0])
        result = self.doctor()
        self.assert_failed_at(result, "auth")
        for text in (
                "Users → Active users → select noreply@boritrade.net → Mail → Manage email apps "
                "→ tick Authenticated SMTP",
                "Set-CASMailbox -Identity noreply@boritrade.net -SmtpClientAuthenticationDisabled "
                "$false",
                "Set-TransportConfig -SmtpClientAuthenticationDisabled $false",
                "Azure Cloud Shell", "Connect-ExchangeOnline -Device",
                "EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_ID and EMAIL_OAUTH2_CLIENT_SECRET",
                "end of December 2026"):
            self.assertIn(text, result.stdout)

    def test_the_doc_table_and_these_replies_cover_the_same_smtp_rules(self):
        with open(os.path.join(os.environ["TXMAIL_SOURCE_DIR"], "docs", "microsoft365.md")) as f:
            rows = re.findall(r"^\| `(\w+)` \| SMTP \|", f.read(), re.MULTILINE)
        self.assertEqual(sorted(rows), sorted(r.rule for r in REPLIES))

    def test_a_refusal_after_data_shows_in_the_send_test(self):
        self.server.reply("DATA", "554 5.2.252 SendAsDenied; noreply@boritrade.net not allowed to "
                                  "send as billing@boritrade.net; STOREDRV.Submission.Exception:"
                                  "SendAsDeniedException.MapiExceptionSendAsDenied")
        result = self.doctor("--send-test", "ops@example.com")
        self.assert_failed_at(result, "send_test")
        self.assertIn("554 5.2.252 SendAsDenied", result.stdout)
        self.assertIn("Add-RecipientPermission -Identity <from address> -Trustee "
                      "noreply@boritrade.net -AccessRights SendAs", result.stdout)

    def test_txmail_send_prints_the_diagnosis_too(self):
        replay(self.server, REPLIES[0])
        result = run_txmail(["send", "--to", "ops@example.com", "--subject", "hi", "--text", "x"],
                            self.settings())
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("535 5.7.139 Authentication unsuccessful", result.stderr)
        self.assertIn("diagnosis: SMTP AUTH (Authenticated SMTP) is turned off", result.stderr)
        self.assertIn("Set-CASMailbox -Identity noreply@boritrade.net", result.stderr)
        self.assertNotIn(PASSWORD, result.stdout + result.stderr)


class UnsafeOrUnreachableServers(DoctorTestCase):
    def test_an_untrusted_certificate_stops_before_credentials_are_sent(self):
        other_ca = Certificates(os.path.join(self.tmp, "other"))
        result = self.doctor(settings=self.settings(EMAIL_SSL_CAFILE=other_ca.ca_file))
        self.assert_failed_at(result, "starttls")
        self.assertIn("the server's certificate does not verify", result.stdout)
        self.assertIn("NOT verified", result.stdout)
        self.assertNotIn("AUTH", self.server.verbs())
        self.assertEqual(self.server.auth_attempts, [])

    def test_a_server_without_starttls_gets_no_credentials(self):
        with SmtpServer(tls="none") as plain:
            result = self.doctor(settings=self.settings(EMAIL_PORT=str(plain.port)))
            self.assert_failed_at(result, "starttls")
            self.assertIn("does not offer STARTTLS", result.stdout)
            self.assertNotIn("AUTH", plain.verbs())

    def test_nothing_listening(self):
        result = self.doctor(settings=self.settings(EMAIL_PORT=str(free_port())))
        self.assert_failed_at(result, "connect")
        self.assertIn("Connection refused", result.stdout)

    def test_unknown_host(self):
        result = self.doctor(settings=self.settings(EMAIL_HOST="no-such-host.invalid"))
        self.assert_failed_at(result, "dns")
        self.assertIn("cannot resolve no-such-host.invalid", result.stdout)

    def test_settings_exchange_online_refuses_port_465(self):
        result = self.doctor(settings=self.settings(EMAIL_HOST="smtp.office365.com",
                                                    EMAIL_PORT="465", EMAIL_USE_TLS="False",
                                                    EMAIL_USE_SSL="True"))
        self.assert_failed_at(result, "settings")
        self.assertIn("EMAIL_PORT=587 with EMAIL_USE_TLS=True", result.stdout)


class OAuth(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="txmail-doctor-oauth-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.tokens = TokenEndpoint().start()
        self.addCleanup(self.tokens.stop)

    def oauth_settings(self, **overrides):
        values = self.tokens.txmail_settings(MAILBOX, timeout=10)
        values.update(overrides)
        return values

    def assert_no_secret(self, output: str):
        self.assertNotIn(self.tokens.client_secret, output)
        for token in self.tokens.issued():
            self.assertNotIn(token[-20:], output)

    def smtp_settings(self, server, certs, **overrides):
        return self.oauth_settings(EMAIL_BACKEND="smtp", EMAIL_HOST="localhost",
                                   EMAIL_PORT=str(server.port), EMAIL_USE_TLS="True",
                                   EMAIL_SSL_CAFILE=certs.ca_file, **overrides)

    def test_xoauth2_with_a_token_from_the_identity_platform(self):
        certs = Certificates(self.tmp)
        with ExchangeOnlineSmtpd(self.tokens, certs) as server:
            result = run_txmail(["doctor"], self.smtp_settings(server, certs))
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn(f"token issued by {self.tokens.url} for "
                          "https://outlook.office365.com/.default", result.stdout)
            self.assertIn("the server offers LOGIN XOAUTH2; txmail will use XOAUTH2",
                          result.stdout)
            self.assertIn(f"235 2.7.0 Authentication successful (XOAUTH2 as {MAILBOX})",
                          result.stdout)
            self.assertEqual(server.auth_attempts, [("XOAUTH2", MAILBOX, True)])
            self.assert_no_secret(result.stdout + result.stderr)

    def test_a_bad_client_secret_shows_the_aadsts_error_and_its_fix(self):
        certs = Certificates(self.tmp)
        with ExchangeOnlineSmtpd(self.tokens, certs) as server:
            wrong = "not-the-secret-0123456789"
            result = run_txmail(["doctor"], self.smtp_settings(
                server, certs, EMAIL_OAUTH2_CLIENT_SECRET=wrong))
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertEqual(steps_of(result.stdout)["token"], "✗", result.stdout)
            self.assertIn("AADSTS7000215", result.stdout)
            self.assertIn("Value, not its Secret ID", result.stdout)
            self.assertNotIn(wrong, result.stdout + result.stderr)
            self.assertEqual(server.auth_attempts, [])

    def test_a_rejected_token_is_5_7_3_with_the_exchange_online_set_up(self):
        certs = Certificates(self.tmp)
        with ExchangeOnlineSmtpd(self.tokens, certs, mailbox="other@boritrade.net") as server:
            result = run_txmail(["doctor"], self.smtp_settings(server, certs))
            self.assertEqual(steps_of(result.stdout)["auth"], "✗", result.stdout)
            self.assertIn("server said: 535 5.7.3 Authentication unsuccessful", result.stdout)
            self.assertIn("SMTP.SendAsApp", result.stdout)
            self.assertIn("New-ServicePrincipal -AppId <appId> -ObjectId <object id of the "
                          "Enterprise Application, not of the App Registration>", result.stdout)
            self.assertIn(f"Add-MailboxPermission -Identity {MAILBOX} -User <service principal "
                          "id> -AccessRights FullAccess", result.stdout)
            self.assert_no_secret(result.stdout + result.stderr)

    def test_graph_backend(self):
        with GraphEndpoint(self.tokens) as graph:
            settings = self.oauth_settings(EMAIL_BACKEND="graph", EMAIL_GRAPH_URL=graph.base_url)
            result = run_txmail(["doctor", "--send-test", "ops@example.com"], settings)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(list(steps_of(result.stdout)),
                             ["settings", "dns", "connect", "tls", "token", "send_test"])
            self.assertIn("https://graph.microsoft.com/.default", result.stdout)
            self.assertEqual(len(graph.messages), 1)
            self.assert_no_secret(result.stdout + result.stderr)

            # Graph's own refusal, diagnosed: the mailbox is not the one Graph knows.
            result = run_txmail(["doctor", "--json", "--send-test", "ops@example.com"],
                                dict(settings, EMAIL_HOST_USER="nobody@boritrade.net"))
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            failed = [s for s in json.loads(result.stdout) if s["status"] == "failed"]
            self.assertEqual([s["name"] for s in failed], ["send_test"])
            self.assertEqual(failed[0]["diagnosis"]["id"], "graph_user_not_found")


if __name__ == "__main__":
    unittest.main()
