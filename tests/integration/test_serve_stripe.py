"""`txmail serve`'s Stripe webhook receiver end to end (issue 7, items 4 and 7): the real binary
with a temporary SQLite database, aiosmtpd as the SMTP server, and events built from
tests/fixtures/stripe/ signed with python3-stripe's signing code (support/stripe_webhooks.py).

Each of the four handled events -> its email arrives; an older update after a newer one, or an
update after the deletion -> nothing; tampered body, expired timestamp, wrong secret, missing
header -> 400, audited as invalid with the reason, nothing else stored; the same event three
times at once -> one email; unknown customer -> pending, then PUT /v1/users/{id} with the
customer id -> the email arrives; a checkout for a user not saved yet -> pending, then PUT of that
user (without a customer id) -> the receipt arrives and the customer is linked; during a secret rotation the second secret is accepted; no
STRIPE_WEBHOOK_SECRET -> 503 naming it.

Every test uses its own users, customers and event ids, so they share one server. txmail answers
200 "received" once the event is stored and acts on it behind the answer: accepted() waits until
the audit row of the request that brought it says what it led to, and "nothing was sent" is read
from /v1/messages after that; deliveries are awaited with deadlines (wait_until), never with
sleeps."""

import concurrent.futures
import contextlib
import os
import sqlite3
import time
import unittest

from support.processes import wait_until
from support.serve import ServeProcess, serve_against_smtp
from support.stripe_webhooks import signature_header, stripe_event

TOKEN = "test-token-stripe-0123456789"
SECRET = "whsec_txmail_integration_current"
NEXT_SECRET = "whsec_txmail_integration_next"  # configured second, as during a rotation


def outcome_of(status, body):
    """(status, outcome) of a webhook answer: 200s carry "outcome", refusals an error code."""
    return status, body["outcome"] if status == 200 else body["error"]["code"]


class ServeStripeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        serve_against_smtp(cls, token=TOKEN, STRIPE_WEBHOOK_SECRET=f"{SECRET}, {NEXT_SECRET}",
                           STRIPE_PRICE_NAMES="price_TxmailBasic=Basic,price_TxmailPro=Pro")

    # -- helpers -------------------------------------------------------------------------------

    def deliver(self, payload, secret=SECRET, timestamp=None, header=None, headers=None):
        """POSTs the raw payload as Stripe does (no bearer token); (status, JSON body)."""
        sent = dict(headers or {})
        if header is None:
            header = signature_header(payload, secret, timestamp)
        if header is not False:
            sent["Stripe-Signature"] = header
        return self.serve.call("POST", "/webhooks/stripe", token=None, headers=sent,
                               raw=payload.encode())

    def accepted(self, payload, outcome, **kwargs):
        """Delivers the payload: 200, then ``outcome`` -- the answer's for a duplicate, else what
        acting on the event led to (the answer says "received")."""
        status, body = self.deliver(payload, **kwargs)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["received"], True)
        if outcome == "duplicate":
            self.assertEqual(body["outcome"], "duplicate", body)
            return body
        self.assertEqual(body["outcome"], "received", body)
        self.assertEqual(self.acted_on(body["event_id"]), outcome)
        return body

    def acted_on(self, event_id):
        """What acting on the event led to, once the audit row of the request that stored it (the
        oldest for that event) no longer says "received"."""
        def outcome():
            rows = self.audit(f"?event_id={event_id}")
            return rows[-1]["outcome"] if rows and rows[-1]["outcome"] != "received" else None
        wait_until(lambda: outcome() is not None, 30, f"event {event_id} acted on")
        return outcome()

    def add_user(self, user_id, email, customer=None):
        body = {"email": email, "name": f"User {user_id}"}
        if customer:
            body["stripe_customer_id"] = customer
        status, answer = self.serve.call("PUT", f"/v1/users/{user_id}", body)
        self.assertIn(status, (200, 201), answer)

    def stored_to(self, address):
        status, body = self.serve.call("GET", f"/v1/messages?to={address}&limit=500")
        self.assertEqual(status, 200, body)
        return body["messages"]

    def received_by(self, address, count=1):
        """The messages aiosmtpd received for address, parsed, once there are ``count``."""
        wait_until(lambda: len([m for m in self.smtp.messages if address in m.rcpt_tos]) >= count,
                   30, f"{count} email(s) to {address}")
        return [m.parsed() for m in self.smtp.messages if address in m.rcpt_tos]

    def audit(self, query=""):
        status, body = self.serve.call("GET", "/v1/webhooks/stripe/events" + query)
        self.assertEqual(status, 200, body)
        return body["requests"]

    def assert_one_email(self, address, subject_part, *body_parts):
        message = self.received_by(address)[0]
        self.assertIn(subject_part, message["Subject"])
        text = message.get_body(("plain",)).get_content()
        for part in body_parts:
            self.assertIn(part, text)
        self.assertEqual(len(self.stored_to(address)), 1)
        return message

    # -- the four events -----------------------------------------------------------------------

    def test_checkout_confirms_the_payment_and_links_the_customer(self):
        self.add_user("co-1", "checkout@example.com")
        payload = stripe_event("checkout.session.completed", "evt_co_1", "cus_co_1",
                               user_id="co-1", email="checkout@example.com")
        body = self.accepted(payload, "queued")
        self.assertEqual(body["event_id"], "evt_co_1")
        self.assert_one_email("checkout@example.com", "Payment received", "$29.00",
                              "User co-1")
        status, user = self.serve.call("GET", "/v1/users/co-1")
        self.assertEqual(user["stripe_customer_id"], "cus_co_1")
        row = self.audit("?event_id=evt_co_1")[0]
        self.assertTrue(row["valid"])
        self.assertEqual(row["event_type"], "checkout.session.completed")
        self.assertEqual(row["outcome"], "queued")
        self.assertEqual(row["body"], payload)
        stored = self.stored_to("checkout@example.com")
        self.assertEqual(row["message_ids"], [m["id"] for m in stored])

    def test_plan_change_is_announced_with_both_plan_names(self):
        self.add_user("up-1", "upgrade@example.com", customer="cus_up_1")
        self.accepted(stripe_event("customer.subscription.updated", "evt_up_1", "cus_up_1",
                                   subscription="sub_up_1"), "queued")
        self.assert_one_email("upgrade@example.com", "plan changed to Pro", "Basic → Pro")

    def test_cancellation_is_announced(self):
        self.add_user("del-1", "cancel@example.com", customer="cus_del_1")
        self.accepted(stripe_event("customer.subscription.deleted", "evt_del_1", "cus_del_1",
                                   subscription="sub_del_1"), "queued")
        self.assert_one_email("cancel@example.com", "subscription has been canceled")

    def test_failed_payment_links_to_the_hosted_invoice(self):
        self.add_user("pf-1", "failed@example.com", customer="cus_pf_1")
        self.accepted(stripe_event("invoice.payment_failed", "evt_pf_1", "cus_pf_1",
                                   email="failed@example.com"), "queued")
        self.assert_one_email("failed@example.com", "payment of $29.00 failed",
                              "https://invoice.stripe.com/i/")

    # -- order ---------------------------------------------------------------------------------

    def test_an_older_update_after_a_newer_one_sends_nothing(self):
        self.add_user("ord-1", "order@example.com", customer="cus_ord_1")
        created = int(time.time()) - 100
        self.accepted(stripe_event("customer.subscription.updated", "evt_ord_new", "cus_ord_1",
                                   subscription="sub_ord_1", created=created), "queued")
        self.accepted(stripe_event("customer.subscription.updated", "evt_ord_old", "cus_ord_1",
                                   subscription="sub_ord_1", created=created - 60),
                      "out_of_order")
        self.assert_one_email("order@example.com", "plan changed to Pro")
        self.assertEqual(self.audit("?event_id=evt_ord_old")[0]["message_ids"], [])

    def test_an_update_after_the_deletion_sends_nothing(self):
        self.add_user("ord-2", "gone@example.com", customer="cus_ord_2")
        created = int(time.time()) - 100
        self.accepted(stripe_event("customer.subscription.deleted", "evt_gone_del", "cus_ord_2",
                                   subscription="sub_ord_2", created=created), "queued")
        self.accepted(stripe_event("customer.subscription.updated", "evt_gone_up", "cus_ord_2",
                                   subscription="sub_ord_2", created=created + 10),
                      "out_of_order")
        self.assert_one_email("gone@example.com", "subscription has been canceled")

    # -- refused requests ----------------------------------------------------------------------

    def test_bad_signatures_are_400_and_only_audited(self):
        self.add_user("bad-1", "refused@example.com")
        payload = stripe_event("checkout.session.completed", "evt_bad_1", "cus_bad_1",
                               user_id="bad-1", email="refused@example.com")
        good = signature_header(payload, SECRET)
        attempts = {
            "tampered body": dict(header=good, payload=payload.replace("2900", "1")),
            "expired timestamp": dict(timestamp=time.time() - 301),
            "wrong secret": dict(secret="whsec_not_ours"),
            "missing header": dict(header=False),
        }
        for name, attempt in attempts.items():
            with self.subTest(name):
                sent = attempt.pop("payload", payload)
                status, body = self.deliver(sent, headers={"Cookie": "session=cookie-secret"},
                                            **attempt)
                self.assertEqual(status, 400, body)
                self.assertEqual(body["error"]["code"], "invalid_signature")
                self.assertEqual(body["error"]["field"], "Stripe-Signature")
                self.assertTrue(body["error"]["message"])
        self.assertEqual(self.stored_to("refused@example.com"), [])
        self.assertIsNone(self.serve.call("GET", "/v1/users/bad-1")[1]["stripe_customer_id"])
        self.assertEqual(self.audit("?event_id=evt_bad_1"), [])  # never parsed
        rows = self.audit("?limit=4")
        self.assertEqual([r["outcome"] for r in rows], ["invalid_signature"] * 4)
        for row in rows:
            self.assertFalse(row["valid"])
            self.assertTrue(row["reason"])
            self.assertEqual(row["message_ids"], [])
            self.assertEqual(row["headers"]["Cookie"], "[redacted]")
            self.assertTrue(row["source_ip"].startswith("127."))
        self.assertNotIn("cookie-secret", str(rows))
        self.assertEqual(rows[-1]["body"], payload.replace("2900", "1"))  # the raw bytes

    # -- duplicates, pending customers, rotation, other types ----------------------------------

    def test_the_same_event_three_times_at_once_sends_one_email(self):
        self.add_user("dup-1", "dup@example.com", customer="cus_dup_1")
        payload = stripe_event("invoice.payment_failed", "evt_dup_1", "cus_dup_1",
                               email="dup@example.com")
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(lambda _: self.deliver(payload), range(3)))
        # One delivery stores the event; the others are duplicates of it.
        outcomes = [outcome_of(status, body) for status, body in answers]
        self.assertEqual(outcomes.count((200, "received")), 1, answers)
        self.assertEqual(outcomes.count((200, "duplicate")), 2, answers)
        self.assertEqual(self.acted_on("evt_dup_1"), "queued")
        self.assert_one_email("dup@example.com", "failed")
        self.assertEqual(len(self.audit("?event_id=evt_dup_1")), 3)

    def test_an_unknown_customer_waits_until_the_user_is_linked(self):
        self.add_user("late-1", "late@example.com")
        self.accepted(stripe_event("invoice.payment_failed", "evt_late_1", "cus_late_1",
                                   email="late@example.com"), "pending_customer")
        self.assertEqual(self.stored_to("late@example.com"), [])
        self.add_user("late-1", "late@example.com", customer="cus_late_1")
        self.assert_one_email("late@example.com", "payment of $29.00 failed")
        self.accepted(stripe_event("invoice.payment_failed", "evt_late_1", "cus_late_1",
                                   email="late@example.com"), "duplicate")

    def test_a_checkout_before_its_user_is_saved_is_delivered_once_it_is(self):
        payload = stripe_event("checkout.session.completed", "evt_first_1", "cus_first_1",
                               user_id="first-1", email="first@example.com")
        self.accepted(payload, "pending_customer")
        self.assertIn('user "first-1"', self.audit("?event_id=evt_first_1")[0]["reason"])
        self.assertEqual(self.stored_to("first@example.com"), [])
        self.add_user("first-1", "first@example.com")  # no customer id: the checkout names it
        self.assert_one_email("first@example.com", "Payment received", "$29.00")
        status, user = self.serve.call("GET", "/v1/users/first-1")
        self.assertEqual(user["stripe_customer_id"], "cus_first_1")
        self.assertEqual(self.audit("?event_id=evt_first_1")[0]["outcome"], "queued")

    def test_during_a_rotation_the_second_secret_is_accepted(self):
        self.add_user("rot-1", "rotation@example.com", customer="cus_rot_1")
        self.accepted(stripe_event("invoice.payment_failed", "evt_rot_1", "cus_rot_1",
                                   email="rotation@example.com"), "queued", secret=NEXT_SECRET)
        self.assert_one_email("rotation@example.com", "failed")

    def test_other_event_types_are_recorded_and_ignored(self):
        payload = stripe_event("invoice.payment_failed", "evt_other_1", "cus_other_1")
        payload = payload.replace('"type": "invoice.payment_failed"', '"type": "invoice.paid"')
        self.accepted(payload, "ignored")
        row = self.audit("?event_id=evt_other_1")[0]
        self.assertEqual(row["event_type"], "invoice.paid")
        self.assertIn("invoice.paid", row["reason"])


class ServeActsAfterARestartTest(unittest.TestCase):
    """What a crash between a 200 and the work behind it leaves: the event stored as received,
    with its request's audit row, and not acted on. The next `txmail serve` on the file acts on
    it when it starts."""

    @classmethod
    def setUpClass(cls):
        serve_against_smtp(cls, token=TOKEN, STRIPE_WEBHOOK_SECRET=SECRET)

    def test_an_event_received_before_a_stop_is_acted_on_at_the_next_start(self):
        status, body = self.serve.call("PUT", "/v1/users/crash-1",
                                       {"email": "crash@example.com", "name": "User crash-1",
                                        "stripe_customer_id": "cus_crash_1"})
        self.assertEqual(status, 201, body)
        self.assertEqual(self.serve.stop(), 0)
        payload = stripe_event("invoice.payment_failed", "evt_crash_1", "cus_crash_1",
                               email="crash@example.com")
        database = self.serve.settings["TXMAIL_DATABASE_URL"].removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(database)) as db, db:
            request = db.execute(
                "INSERT INTO stripe_webhook_requests (received_at, source_ip, valid, reason, "
                "event_id, event_type, outcome, message_ids) VALUES (?, '127.0.0.1', 1, '', "
                "'evt_crash_1', 'invoice.payment_failed', 'received', '[]')",
                (int(time.time() * 1000),)).lastrowid
            db.execute("INSERT INTO stripe_webhook_request_contents (request_id, headers, body) "
                       "VALUES (?, '{}', ?)", (request, payload.encode()))
            db.execute("INSERT INTO stripe_events (id, type, created, customer_id, status, "
                       "result, message_ids, payload, claimed_at) VALUES ('evt_crash_1', "
                       "'invoice.payment_failed', ?, '', 'received', '', '[]', x'', 0)",
                       (int(time.time()),))

        restarted = ServeProcess(self.serve.settings, cwd=os.path.dirname(database), token=TOKEN)
        self.addCleanup(restarted.cleanup)
        restarted.start()
        wait_until(lambda: [m for m in self.smtp.messages if "crash@example.com" in m.rcpt_tos],
                   30, "the payment_failed email after the restart")
        status, body = restarted.call("GET", "/v1/webhooks/stripe/events?event_id=evt_crash_1")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["requests"][0]["outcome"], "queued")
        self.assertEqual(len(body["requests"][0]["message_ids"]), 1)


class ServeWithoutStripeSecretTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        serve_against_smtp(cls, token=TOKEN)

    def test_webhooks_are_refused_with_503_naming_the_setting(self):
        self.assertIn("STRIPE_WEBHOOK_SECRET", self.serve.stderr())
        payload = stripe_event("invoice.payment_failed", "evt_nc_1", "cus_nc_1")
        status, body = self.serve.call("POST", "/webhooks/stripe", token=None, raw=payload.encode(),
                                       headers={"Stripe-Signature":
                                                signature_header(payload, SECRET)})
        self.assertEqual(status, 503, body)
        self.assertEqual(body["error"]["code"], "not_configured")
        self.assertEqual(body["error"]["field"], "STRIPE_WEBHOOK_SECRET")
        rows = self.serve.call("GET", "/v1/webhooks/stripe/events")[1]["requests"]
        self.assertEqual(rows[0]["outcome"], "not_configured")
        self.assertEqual(self.serve.call("GET", "/v1/messages")[1]["messages"], [])


if __name__ == "__main__":
    unittest.main()
