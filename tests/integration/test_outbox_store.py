"""The SQLite outbox through real processes (issue 6, items 1-3 and 8):

- a producer enqueueing from several threads is killed with SIGKILL, three times, at different
  points: every id it printed (it prints an id only after enqueue returned) is in the database,
  which passes SQLite's integrity check and is read by Python's own sqlite3 module;
- ``txmail enqueue`` renders and queues a notification (priority from the event catalogue,
  idempotency keys, ``@file`` data), and queues nothing when the data is bad;
- ``txmail outbox list|show|stats|retry|cancel`` and ``txmail migrate`` (twice) print what the
  database holds, and refuse what does not apply with the id and the state;
- ``txmail outbox purge --older-than`` deletes old finished messages with their bodies and
  attempts, and keeps old waiting ones and recent finished ones.
"""

import email
import email.policy
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import unittest

from support.processes import BackgroundProcess, run_txmail, wait_until

USER = {"user": {"id": 42, "email": "jane@example.com", "name": "Jane Doe"}}


def producer_binary() -> str:
    path = os.environ.get("TXMAIL_OUTBOX_ENQUEUE_BENCH", "")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("TXMAIL_OUTBOX_ENQUEUE_BENCH is not set to bench/outbox_enqueue "
                           "(run through ctest)")
    return path


class OutboxStoreTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="txmail-outbox-")
        self.addCleanup(self._tmp.cleanup)
        self.db = os.path.join(self._tmp.name, "var", "outbox.db")
        # Four slashes: SQLAlchemy's absolute path.
        self.settings = {"TXMAIL_DATABASE_URL": "sqlite:///" + self.db,
                         "DEFAULT_FROM_EMAIL": "Boritrader <noreply@txmail.test>"}

    def txmail(self, *args, expect=0):
        done = run_txmail(list(args), self.settings)
        if expect is not None:
            self.assertEqual(done.returncode, expect,
                             f"txmail {' '.join(args)}\nstdout: {done.stdout}\n"
                             f"stderr: {done.stderr}")
        return done

    def enqueue(self, event="welcome", data=None, *args):
        done = self.txmail("enqueue", event, "--data", json.dumps(data or USER), *args)
        return int(done.stdout.strip()), done

    def rows(self, sql, *params):
        with sqlite3.connect(self.db) as db:
            return db.execute(sql, params).fetchall()

    # -- crash safety -----------------------------------------------------------------------

    def test_every_id_printed_before_a_kill_9_is_in_the_database(self):
        os.makedirs(os.path.dirname(self.db))
        printed = []
        for round_, at_least in enumerate((500, 1500, 2600)):
            producer = BackgroundProcess([producer_binary(), "--producers", "4", "--messages",
                                          "0", "--db", self.db, "--print-ids"]).start()
            self.addCleanup(producer.cleanup)
            wait_until(lambda: producer.stdout().count("\n") >= at_least - len(printed), 60,
                       f"round {round_}: {at_least} ids in all")
            producer.process.send_signal(signal.SIGKILL)
            producer.process.wait()
            self.assertEqual(producer.process.returncode, -signal.SIGKILL)
            out = producer.stdout()
            # Only whole lines: each was one write(2) after its enqueue returned.
            printed += [int(line) for line in out[:out.rfind("\n") + 1].split()]

        self.assertEqual(len(printed), len(set(printed)), "no id handed out twice")
        stored = {row[0] for row in self.rows("SELECT id FROM messages")}
        missing = set(printed) - stored
        self.assertFalse(missing, f"{len(missing)} printed ids are not in the database: "
                                  f"{sorted(missing)[:10]}")
        self.assertEqual(self.rows("PRAGMA integrity_check"), [("ok",)])
        # txmail itself opens the file after the crashes and counts the same rows.
        stats = json.loads(self.txmail("outbox", "stats", "--json").stdout)
        self.assertEqual(stats["by_status"]["queued"], len(stored))

    # -- txmail enqueue ---------------------------------------------------------------------

    def test_enqueue_stores_the_rendered_message_with_the_events_priority(self):
        welcome_id, _ = self.enqueue("welcome")
        changed = dict(USER, changed_at="2026-11-24T10:00:00Z", ip="203.0.113.9")
        changed_id, _ = self.enqueue("password_changed", changed)
        custom_id, _ = self.enqueue("welcome", USER, "--priority", "7")

        rows = {row[0]: row[1:] for row in self.rows(
            "SELECT id, event, status, priority, sender, recipients, bytes FROM messages "
            "JOIN message_bodies ON message_bodies.message_id = messages.id")}
        self.assertEqual(rows[welcome_id][:3], ("welcome", "queued", 50))
        self.assertEqual(rows[changed_id][:3], ("password_changed", "queued", 100))
        self.assertEqual(rows[custom_id][2], 7)
        self.assertEqual(rows[welcome_id][3], "noreply@txmail.test")
        self.assertEqual(json.loads(rows[welcome_id][4]), ["jane@example.com"])
        # The stored bytes are the whole message, as Python's parser reads it.
        message = email.message_from_bytes(rows[changed_id][5], policy=email.policy.default)
        self.assertEqual(message["To"].addresses[0].addr_spec, "jane@example.com")
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        self.assertIn("203.0.113.9", message.get_body(("plain",)).get_content())

    def test_the_same_idempotency_key_queues_one_message(self):
        first, done = self.enqueue("welcome", USER, "--idempotency-key", "signup-42")
        self.assertTrue(done.stdout.strip().isdigit(), done.stdout)
        again, done = self.enqueue("welcome", USER, "--idempotency-key", "signup-42")
        self.assertEqual(again, first)
        self.assertIn("created: false", done.stderr)
        out = self.txmail("enqueue", "welcome", "--data", json.dumps(USER), "--idempotency-key",
                          "signup-42", "--json").stdout
        self.assertEqual(json.loads(out), {"id": first, "created": False, "priority": 50})
        self.assertEqual(self.rows("SELECT count(*) FROM messages"), [(1,)])

        other, _ = self.enqueue("welcome", USER, "--idempotency-key", "signup-43")
        self.assertNotEqual(other, first)

    def test_enqueue_reads_data_from_a_file(self):
        path = os.path.join(self._tmp.name, "data.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(USER, f)
        done = self.txmail("enqueue", "welcome", "--data", "@" + path)
        self.assertEqual(self.rows("SELECT id FROM messages"), [(int(done.stdout),)])

    def test_bad_data_queues_nothing_and_names_the_field(self):
        done = self.txmail("enqueue", "welcome", "--data", '{"user": {"id": 1, "name": "X"}}',
                           expect=2)
        self.assertIn("user.email", done.stderr)
        done = self.txmail("enqueue", "welcome", "--data", json.dumps(USER), "--priority", "high",
                           expect=2)
        self.assertIn("--priority", done.stderr)
        self.assertFalse(os.path.exists(self.db) and self.rows("SELECT id FROM messages"))

    def test_a_bad_database_url_names_the_setting_and_hides_the_password(self):
        self.settings["TXMAIL_DATABASE_URL"] = "postgres-ish://admin:hunter2@db/txmail"
        done = self.txmail("enqueue", "welcome", "--data", json.dumps(USER), expect=2)
        self.assertIn("TXMAIL_DATABASE_URL", done.stderr)
        self.assertIn("admin:****@db", done.stderr)
        self.assertNotIn("hunter2", done.stderr)

    # -- txmail outbox ----------------------------------------------------------------------

    def test_list_show_and_stats_print_what_is_queued(self):
        first, _ = self.enqueue("welcome")
        second, _ = self.enqueue("password_changed",
                                 dict(USER, changed_at="2026-11-24T10:00:00Z"))

        table = self.txmail("outbox", "list").stdout.splitlines()
        self.assertEqual(table[0].split()[:5], ["ID", "STATUS", "EVENT", "TO", "SUBJECT"])
        self.assertEqual(len(table), 3, table)
        self.assertEqual(table[1].split()[:4], [str(first), "queued", "welcome",
                                                "jane@example.com"])
        self.assertEqual(table[2].split()[:3], [str(second), "queued", "password_changed"])

        listed = json.loads(self.txmail("outbox", "list", "--after", str(first), "--json").stdout)
        self.assertEqual([m["id"] for m in listed], [second])
        self.assertEqual(listed[0]["priority"], 100)
        self.assertEqual(listed[0]["recipients"], ["jane@example.com"])

        shown = self.txmail("outbox", "show", str(second)).stdout
        for expected in (f"id:", "password_changed", "jane@example.com", "noreply@txmail.test",
                         "priority:", "100"):
            self.assertIn(expected, shown)
        raw = self.txmail("outbox", "show", str(second), "--raw").stdout
        self.assertIn("Subject:", raw)
        details = json.loads(self.txmail("outbox", "show", str(second), "--json").stdout)
        self.assertEqual(details["attempts"], [])
        self.assertEqual(details["status"], "queued")

        stats = self.txmail("outbox", "stats").stdout
        self.assertRegex(stats, r"queued:\s+2")
        self.assertRegex(stats, r"sent:\s+0")
        self.assertIn("oldest waiting: 20", stats)

        done = self.txmail("outbox", "list", "--status", "lost", expect=2)
        self.assertIn('--status "lost"', done.stderr)
        done = self.txmail("outbox", "show", "999", expect=2)
        self.assertIn("999", done.stderr)

    def test_show_prints_every_attempt_with_the_reply_and_diagnosis(self):
        message_id, _ = self.enqueue("welcome")
        # A dead message with one refused attempt, written the way complete() writes it.
        with sqlite3.connect(self.db) as db:
            db.execute("UPDATE messages SET status = 'dead', attempt_count = 1, "
                       "last_error = 'recipient refused' WHERE id = ?", (message_id,))
            db.execute("INSERT INTO attempts (message_id, number, started_at, duration_ms, "
                       "backend, accepted, error_kind, error_message, error_field, code, "
                       "enhanced_status, reply, detail, diagnosis) VALUES "
                       "(?, 1, 1795000000000, 120, 'smtp', 0, 'permanent', 'refused', '', 550, "
                       "'5.1.1', '550 5.1.1 <jane@example.com>: Recipient address rejected', "
                       "'', 'The recipient does not exist.')", (message_id,))
        shown = self.txmail("outbox", "show", str(message_id)).stdout
        self.assertIn("attempt 1:", shown)
        self.assertIn("550 5.1.1 <jane@example.com>: Recipient address rejected", shown)
        self.assertIn("diagnosis: The recipient does not exist.", shown)
        details = json.loads(self.txmail("outbox", "show", str(message_id), "--json").stdout)
        self.assertEqual(details["attempts"][0]["error"]["code"], 550)
        self.assertEqual(details["last_attempt"]["diagnosis"], "The recipient does not exist.")
        listed = self.txmail("outbox", "list", "--status", "dead").stdout
        self.assertIn("recipient refused", listed)

    def test_retry_and_cancel_follow_the_state_rules(self):
        message_id, _ = self.enqueue("welcome")
        done = self.txmail("outbox", "retry", str(message_id), expect=1)
        self.assertIn(f"message {message_id} is queued", done.stderr)

        done = self.txmail("outbox", "cancel", str(message_id), "--reason", "user left")
        self.assertIn(f"message {message_id}: queued -> canceled", done.stdout)
        self.assertEqual(self.rows("SELECT status, last_error FROM messages"),
                         [("canceled", "user left")])
        done = self.txmail("outbox", "cancel", str(message_id), expect=1)
        self.assertIn(f"message {message_id} is canceled", done.stderr)

        out = self.txmail("outbox", "retry", str(message_id), "--json").stdout
        self.assertEqual(json.loads(out), {"id": message_id, "from": "canceled",
                                           "status": "queued"})
        done = self.txmail("outbox", "cancel", "12345", expect=2)
        self.assertIn("12345", done.stderr)

    def test_purge_deletes_old_finished_messages_and_keeps_the_rest(self):
        old_canceled, _ = self.enqueue("welcome")
        old_queued, _ = self.enqueue("welcome")
        recent_canceled, _ = self.enqueue("welcome")
        for message_id in (old_canceled, recent_canceled):
            self.txmail("outbox", "cancel", str(message_id))
        forty_days_ms = 40 * 86_400_000
        with sqlite3.connect(self.db) as db:
            db.execute("UPDATE messages SET created_at = created_at - ? WHERE id IN (?, ?)",
                       (forty_days_ms, old_canceled, old_queued))
            # Three webhook requests' audit rows, as txmail serve writes them: a refused one and
            # one whose event waits to be acted on, both 40 days old, and one from today.
            now_ms = int(db.execute("SELECT max(created_at) FROM messages").fetchone()[0])
            for received_at, outcome in ((now_ms - forty_days_ms, "invalid_signature"),
                                         (now_ms - forty_days_ms, "received"),
                                         (now_ms, "queued")):
                request_id = db.execute(
                    "INSERT INTO stripe_webhook_requests (received_at, source_ip, valid, reason, "
                    "event_id, event_type, outcome, message_ids) "
                    "VALUES (?, '127.0.0.1', 0, '', '', '', ?, '[]')",
                    (received_at, outcome)).lastrowid
                db.execute("INSERT INTO stripe_webhook_request_contents (request_id, headers, "
                           "body) VALUES (?, '{}', x'7b7d')", (request_id,))

        done = self.txmail("outbox", "purge", "--older-than", "30d")
        self.assertRegex(done.stdout, r"^purged 1 finished message and 1 Stripe webhook request "
                                      r"from before \d{4}-\d\d-\d\dT")
        self.assertEqual(self.rows("SELECT outcome FROM stripe_webhook_requests ORDER BY id"),
                         [("received",), ("queued",)])
        self.assertEqual(len(self.rows("SELECT request_id FROM stripe_webhook_request_contents")),
                         2, "the refused request's headers and body went with it")
        self.assertEqual(self.rows("SELECT id, status FROM messages ORDER BY id"),
                         [(old_queued, "queued"), (recent_canceled, "canceled")])
        self.assertEqual(self.rows("SELECT message_id FROM message_bodies ORDER BY message_id"),
                         [(old_queued,), (recent_canceled,)])
        out = json.loads(self.txmail("outbox", "purge", "--older-than", "30d", "--json").stdout)
        self.assertEqual((out["messages"], out["stripe_webhook_requests"]), (0, 0))

        done = self.txmail("outbox", "purge", "--older-than", "a month", expect=2)
        self.assertIn("--older-than", done.stderr)
        self.assertIn("a month", done.stderr)
        done = self.txmail("outbox", "purge", expect=2)
        self.assertIn("--older-than", done.stderr)
        # TXMAIL_RETENTION's floor: 0d, a digit short of 90d, would delete the whole history.
        done = self.txmail("outbox", "purge", "--older-than", "0d", expect=2)
        self.assertIn('--older-than must be at least 1h (got "0d")', done.stderr)
        self.assertEqual(len(self.rows("SELECT id FROM messages")), 2, "nothing more purged")

    # -- txmail migrate ---------------------------------------------------------------------

    def test_migrate_applies_once_then_reports_the_current_version(self):
        first = self.txmail("migrate").stdout
        self.assertIn("applied 1: outbox", first)
        self.assertRegex(first, r"is now at schema version \d+")
        second = self.txmail("migrate").stdout
        self.assertNotIn("applied", second)
        self.assertRegex(second, r"is already at schema version \d+")
        report = json.loads(self.txmail("migrate", "--json").stdout)
        self.assertEqual(report["applied"], [])
        versions = self.rows("SELECT version FROM schema_migrations ORDER BY version")
        self.assertEqual(versions[-1][0], report["version"])
        self.assertEqual(len(versions), report["version"])


if __name__ == "__main__":
    unittest.main()
