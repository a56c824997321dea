"""`txmail serve` end to end (issue 7): the real binary on a free port (TXMAIL_LISTEN=127.0.0.1:0,
the port read from its "listening on" line), a temporary SQLite outbox, and aiosmtpd as the SMTP
server. Register -> welcome arrives; password change -> the IP is in the body; a ticker change
fans out to 1,000 watchers -> 1,000 messages arrive; missing or wrong token -> 401 and nothing
stored; an Idempotency-Key reused for another request -> 422 and nothing queued; oversize body -> 413; SIGTERM -> exit 0; TXMAIL_RETENTION purges old finished messages at
start, and a retention under an hour is refused naming the setting."""

import email
import email.policy
import os
import re
import sqlite3
import tempfile
import time
import unittest

from support.processes import (BackgroundProcess, run_txmail, txmail_binary, txmail_env,
                               wait_until)
from support.serve import ServeProcess, serve_against_smtp

TOKEN = "test-token-0123456789"


class ServeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        serve_against_smtp(cls, token=TOKEN, EMAIL_TIMEOUT="5",
                           DEFAULT_FROM_EMAIL="noreply@example.com")

    def call(self, *args, **kwargs):
        return self.serve.call(*args, **kwargs)

    def messages_to(self, address):
        return [m for m in self.smtp.messages if address in m.rcpt_tos]

    def stored_count(self):
        status, body = self.call("GET", "/v1/messages?limit=500")
        self.assertEqual(status, 200)
        return len(body["messages"])

    def test_1_health(self):
        self.assertEqual(self.call("GET", "/healthz", token=None)[0], 200)
        self.assertEqual(self.call("GET", "/readyz", token=None)[0], 200)

    def test_2_auth_failures_store_nothing(self):
        before = self.stored_count()
        for token in (None, "wrong-token"):
            status, body = self.call("POST", "/v1/notifications",
                                     {"event": "welcome", "to": "nobody@example.com"}, token=token)
            self.assertEqual(status, 401)
            self.assertEqual(body["error"]["code"], "unauthorized")
        self.assertEqual(self.stored_count(), before)

    def test_3_register_sends_welcome(self):
        status, body = self.call("POST", "/v1/events/user-registered",
                                 {"user": {"id": "u1", "email": "ada@example.com", "name": "Ada"}},
                                 headers={"Idempotency-Key": "register-u1"})
        self.assertEqual(status, 202, body)
        self.assertEqual(body["status"], "queued")
        again = self.call("POST", "/v1/events/user-registered",
                          {"user": {"id": "u1", "email": "ada@example.com", "name": "Ada"}},
                          headers={"Idempotency-Key": "register-u1"})[1]
        self.assertEqual(again["id"], body["id"])
        wait_until(lambda: self.messages_to("ada@example.com"), 20, "the welcome email")
        message = self.messages_to("ada@example.com")[0].parsed()
        self.assertIn("Ada", message.get_body(("plain",)).get_content())
        wait_until(lambda: self.call("GET", f"/v1/messages/{body['id']}")[1]["status"] == "sent",
                   10, "the message to be marked sent")
        self.assertEqual(len(self.messages_to("ada@example.com")), 1)

    def test_4_password_change_carries_the_ip(self):
        self.call("PUT", "/v1/users/u2", {"email": "bob@example.com", "name": "Bob"})
        status, body = self.call("POST", "/v1/events/password-changed",
                                 {"user_id": "u2", "ip": "203.0.113.77",
                                  "user_agent": "Firefox/140"})
        self.assertEqual(status, 202, body)
        wait_until(lambda: self.messages_to("bob@example.com"), 20, "the password email")
        text = self.messages_to("bob@example.com")[0].parsed().get_body(("plain",)).get_content()
        self.assertIn("203.0.113.77", text)

    def test_4b_a_key_reused_for_another_request_is_422_and_sends_nothing(self):
        self.call("PUT", "/v1/users/u3", {"email": "cy@example.com", "name": "Cy"})
        self.call("PUT", "/v1/users/u4", {"email": "di@example.com", "name": "Di"})
        status, body = self.call("POST", "/v1/events/password-changed", {"user_id": "u3"},
                                 headers={"Idempotency-Key": "pw-reused"})
        self.assertEqual(status, 202, body)
        status, other = self.call("POST", "/v1/events/password-changed", {"user_id": "u4"},
                                  headers={"Idempotency-Key": "pw-reused"})
        self.assertEqual(status, 422, other)
        self.assertEqual(other["error"]["code"], "idempotency_key_reused")
        self.assertEqual(other["error"]["field"], "Idempotency-Key")
        wait_until(lambda: self.messages_to("cy@example.com"), 20, "the first request's email")
        self.assertEqual(self.call("GET", "/v1/messages?to=di@example.com")[1]["messages"], [])

    def test_5_fan_out_to_1000_watchers(self):
        for n in range(1000):
            status, _ = self.call("PUT", f"/v1/users/w{n}",
                                  {"email": f"watcher{n}@example.com", "name": f"W {n}"})
            self.assertIn(status, (200, 201))
            self.call("PUT", f"/v1/users/w{n}/watchlist", {"tickers": ["nvda"]})
        start = time.monotonic()
        status, body = self.call("POST", "/v1/tickers/NVDA/view-status",
                                 {"old_status": "HOLD", "new_status": "BUY"},
                                 headers={"Idempotency-Key": "nvda-1"})
        queued_in = time.monotonic() - start
        self.assertEqual(status, 202, body)
        self.assertEqual(body["queued"], 1000)
        print(f"\nfan-out: 1,000 messages queued in {queued_in * 1000:.0f} ms (one request)")
        wait_until(lambda: len([m for m in self.smtp.messages
                                if m.rcpt_tos[0].startswith("watcher")]) >= 1000,
                   120, "1,000 view-status emails")
        recipients = {m.rcpt_tos[0] for m in self.smtp.messages if m.rcpt_tos[0].startswith("w")}
        self.assertEqual(len(recipients), 1000)

    def test_6_oversize_body_is_413(self):
        status, _ = self.call("POST", "/v1/notifications", raw=b"x" * (1024 * 1024 + 1))
        self.assertEqual(status, 413)

    def test_7_bad_input_names_the_field(self):
        status, body = self.call("PUT", "/v1/users/u9", {"email": "not-an-address"})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["field"], "email")
        # A path that does not decode to UTF-8 text is a 400, not a contact stored as bytes that
        # no JSON answer can hold (it answered 500 at every read).
        status, body = self.call("PUT", "/v1/users/%FF", {"email": "ff@example.com"})
        self.assertEqual((status, body["error"]["code"]), (400, "bad_request"), body)
        status, body = self.call("PUT", "/v1/users/a%20b", {"email": "ab@example.com"})
        self.assertEqual((status, body["error"]["field"]), (400, "id"), body)
        self.assertEqual(self.call("GET", "/v1/messages?to=ff@example.com")[0], 200)


class ServeLifecycleTest(unittest.TestCase):
    def test_sigterm_exits_0_and_non_loopback_without_token_is_refused(self):
        with tempfile.TemporaryDirectory(prefix="txmail-serve-") as tmp:
            settings = {"TXMAIL_LISTEN": "0.0.0.0:0", "EMAIL_BACKEND": "dummy",
                        "TXMAIL_DATABASE_URL": "sqlite:///" + os.path.join(tmp, "t.db")}
            refused = BackgroundProcess([txmail_binary(), "serve"], env=txmail_env(settings),
                                        cwd=tmp).start()
            self.addCleanup(refused.cleanup)
            self.assertEqual(refused.wait(20), 2)
            self.assertIn("TXMAIL_API_TOKEN", refused.stderr())

            settings["TXMAIL_LISTEN"] = "127.0.0.1:0"
            serve = BackgroundProcess([txmail_binary(), "serve"], env=txmail_env(settings),
                                      cwd=tmp).start()
            self.addCleanup(serve.cleanup)
            serve.wait_for_output(r"listening on http://127\.0\.0\.1:\d+", timeout=20)
            self.assertIn("loopback only", serve.stderr())
            self.assertEqual(serve.stop(), 0, serve.stderr())

    def test_an_admin_token_set_is_told_that_no_admin_page_is_served(self):
        with tempfile.TemporaryDirectory(prefix="txmail-serve-") as tmp:
            secret = "admin-token-never-printed"
            settings = {"TXMAIL_LISTEN": "127.0.0.1:0", "EMAIL_BACKEND": "dummy",
                        "TXMAIL_DATABASE_URL": "sqlite:///" + os.path.join(tmp, "t.db"),
                        "TXMAIL_ADMIN_TOKEN": secret}
            serve = ServeProcess(settings, cwd=tmp).start()
            self.addCleanup(serve.cleanup)
            status, _, _ = serve.get("/admin")
            self.assertEqual(status, 404)
            self.assertEqual(serve.stop(), 0, serve.stderr())
            self.assertIn("TXMAIL_ADMIN_TOKEN is set, but this version serves no /admin page",
                          serve.stderr())
            self.assertNotIn(secret, serve.stderr() + serve.process.stdout())

    def test_retention_purges_old_finished_messages_at_start(self):
        with tempfile.TemporaryDirectory(prefix="txmail-serve-") as tmp:
            db = os.path.join(tmp, "t.db")
            settings = {"TXMAIL_LISTEN": "127.0.0.1:0", "EMAIL_BACKEND": "dummy",
                        "TXMAIL_DATABASE_URL": "sqlite:///" + db,
                        "DEFAULT_FROM_EMAIL": "noreply@example.com"}
            data = '{"user":{"id":1,"email":"zoe@example.com","name":"Zoe"}}'
            ids = []
            for _ in range(3):
                done = run_txmail(["enqueue", "welcome", "--data", data], settings)
                self.assertEqual(done.returncode, 0, done.stderr)
                ids.append(int(done.stdout))
            old_finished, old_waiting, recent_finished = ids
            for message_id in (old_finished, recent_finished):
                self.assertEqual(run_txmail(["outbox", "cancel", str(message_id)],
                                            settings).returncode, 0)
            with sqlite3.connect(db) as connection:
                connection.execute("UPDATE messages SET created_at = created_at - ? "
                                   "WHERE id IN (?, ?)",
                                   (40 * 86_400_000, old_finished, old_waiting))
                # Due tomorrow: the dispatcher leaves it waiting, whatever it does first.
                connection.execute("UPDATE messages SET next_attempt_at = next_attempt_at + ? "
                                   "WHERE id = ?", (86_400_000, old_waiting))

            refused = BackgroundProcess([txmail_binary(), "serve"],
                                        env=txmail_env({**settings, "TXMAIL_RETENTION": "10min"}),
                                        cwd=tmp).start()
            self.addCleanup(refused.cleanup)
            self.assertEqual(refused.wait(20), 2)
            self.assertIn('TXMAIL_RETENTION must be at least 1h (got "10min")', refused.stderr())

            serve = BackgroundProcess([txmail_binary(), "serve"],
                                      env=txmail_env({**settings, "TXMAIL_RETENTION": "30d"}),
                                      cwd=tmp).start()
            self.addCleanup(serve.cleanup)
            serve.wait_for_output(r"retention: purged 1 finished message and 0 Stripe webhook "
                                  r"requests older than 720h", timeout=20, stream="stderr")
            self.assertEqual(serve.stop(), 0, serve.stderr())
            with sqlite3.connect(db) as connection:
                left = [row[0] for row in connection.execute("SELECT id FROM messages ORDER BY id")]
            self.assertEqual(left, [old_waiting, recent_finished])


if __name__ == "__main__":
    unittest.main()
