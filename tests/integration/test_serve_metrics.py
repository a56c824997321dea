"""`/metrics` of a running `txmail serve` (issue 7 item 5), read with the Prometheus project's own
parser (Debian's python3-prometheus-client): the service sends to aiosmtpd, which accepts some
recipients, refuses one for good (550 5.1.1 -> dead) and one once for now (451 -> failed, then
sent); the test asserts how far each counter moved, HTTP requests by route pattern and status
(a 401 and a 404 included), the send-latency histogram, the queue depth by state, and the Stripe
webhook counters (an ignored event, two forged signatures)."""

import json
import time
import unittest

from prometheus_client.parser import text_string_to_metric_families

from support.processes import wait_until
from support.serve import serve_against_smtp
from support.stripe_webhooks import signature_header

TOKEN = "metrics-token-0123456789"
STRIPE_SECRET = "whsec_metrics_0123456789"


def parse(text):
    """{(sample name, frozenset of labels): value} and {family name: type}."""
    samples, types = {}, {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples, types


class ServeMetricsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        serve_against_smtp(cls, token=TOKEN, TXMAIL_RETRY_MIN="100ms", TXMAIL_RETRY_MAX="200ms",
                           STRIPE_WEBHOOK_SECRET=STRIPE_SECRET)
        cls.smtp.reply("RCPT", "550 5.1.1 <bounce@example.com>: Recipient address rejected",
                       when=lambda argument: "bounce@" in argument)
        cls.smtp.reply("RCPT", "451 4.3.0 Temporary lookup failure", times=1,
                       when=lambda argument: "later@" in argument)

    def scrape(self):
        status, headers, text = self.serve.get("/metrics")
        self.assertEqual(status, 200, text)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        return parse(text)

    def value(self, samples, name, **labels):
        return samples.get((name, frozenset(labels.items())), 0.0)

    def test_counters_move_by_what_the_service_did(self):
        before, types = self.scrape()
        self.assertEqual(types["txmail_notifications_accepted"], "counter")
        self.assertEqual(types["txmail_send_duration_seconds"], "histogram")
        self.assertEqual(types["txmail_http_request_duration_seconds"], "histogram")
        self.assertEqual(types["txmail_store_sync_duration_seconds"], "histogram")
        self.assertEqual(types["txmail_queue_depth"], "gauge")
        self.assertEqual(types["txmail_stripe_events_received"], "gauge")
        for state in ("queued", "sending", "retry", "dead", "canceled"):
            self.assertEqual(self.value(before, "txmail_queue_depth", state=state), 0, state)
        self.assertEqual(self.value(before, "txmail_stripe_webhook_signature_failures_total"), 0)

        register = "/v1/events/user-registered"
        for n, address in enumerate(("ada@example.com", "grace@example.com")):
            user = {"id": f"u{n}", "email": address, "name": f"User {n}"}
            self.assertEqual(self.serve.call("POST", register, {"user": user},
                                             headers={"Idempotency-Key": f"reg-{n}"})[0], 202)
        # A replay queues nothing: answered 202, not counted as accepted.
        self.assertEqual(self.serve.call("POST", register, {"user": user},
                                         headers={"Idempotency-Key": "reg-1"})[0], 202)
        self.assertEqual(self.serve.call("POST", "/v1/events/password-changed",
                                         {"user_id": "u0", "ip": "203.0.113.7"})[0], 202)
        for address in ("bounce@example.com", "later@example.com"):
            self.assertEqual(self.serve.call("POST", "/v1/notifications",
                                             {"event": "payment_failed", "to": address,
                                              "data": {"amount_due": 2900,
                                                       "currency": "usd"}})[0], 202)
        self.assertEqual(self.serve.call("POST", "/v1/notifications",
                                         {"event": "welcome", "to": "x@example.com"},
                                         token="wrong")[0], 401)
        self.assertEqual(self.serve.call("GET", "/v1/users/nobody")[0], 404)
        # Stripe: an event txmail does not map (recorded, ignored) and two forged signatures.
        event = json.dumps({"id": "evt_metrics_1", "object": "event", "type": "customer.created",
                            "created": int(time.time()), "data": {"object": {}}})
        for signature in (signature_header(event, STRIPE_SECRET),
                          signature_header(event, "whsec_wrong"), "t=1,v1=00"):
            self.serve.call("POST", "/webhooks/stripe", raw=event.encode(), token=None,
                            headers={"Stripe-Signature": signature})
        self.assertEqual(self.serve.call("GET", "/v1/users/u0")[0], 200)
        self.assertEqual(self.serve.call("GET", "/v1/users/u1")[0], 200)

        def settled():
            samples, _ = self.scrape()
            done = (self.value(samples, "txmail_messages_sent_total", event="payment_failed",
                               backend="smtp") == 1
                    and self.value(samples, "txmail_messages_dead_total", event="payment_failed",
                                   backend="smtp") == 1
                    and self.value(samples, "txmail_messages_sent_total", event="welcome",
                                   backend="smtp") == 2
                    and self.value(samples, "txmail_messages_sent_total",
                                   event="password_changed", backend="smtp") == 1
                    and self.value(samples, "txmail_stripe_events_received") == 0)
            return samples if done else None

        after = wait_until(settled, 30, "every message sent or dead, as /metrics counts them")
        moved = lambda name, **labels: (self.value(after, name, **labels)
                                        - self.value(before, name, **labels))

        accepted = "txmail_notifications_accepted_total"
        self.assertEqual(moved(accepted, event="welcome"), 2)
        self.assertEqual(moved(accepted, event="password_changed"), 1)
        self.assertEqual(moved(accepted, event="payment_failed"), 2)
        self.assertEqual(moved("txmail_messages_failed_total", event="payment_failed",
                               backend="smtp"), 1)
        self.assertEqual(moved("txmail_messages_failed_total", event="welcome", backend="smtp"), 0)
        self.assertEqual(moved("txmail_messages_dead_total", event="welcome", backend="smtp"), 0)
        # Six attempts in all (welcome x2, password x1, bounce x1, later x2), each timed once.
        self.assertEqual(moved("txmail_send_duration_seconds_count", backend="smtp"), 6)
        self.assertEqual(moved("txmail_send_duration_seconds_bucket", backend="smtp", le="+Inf"),
                         6)
        self.assertGreaterEqual(
            moved("txmail_send_duration_seconds_bucket", backend="smtp", le="30"), 6)

        requests = "txmail_http_requests_total"
        self.assertEqual(moved(requests, route=register, method="POST", status="202"), 3)
        self.assertEqual(moved(requests, route="/v1/notifications", method="POST",
                               status="202"), 2)
        self.assertEqual(moved(requests, route="/v1/notifications", method="POST",
                               status="401"), 1)
        # Route patterns, never raw paths: three GETs on /v1/users/... share one label.
        self.assertEqual(moved(requests, route="/v1/users/{id}", method="GET", status="404"), 1)
        self.assertEqual(moved(requests, route="/v1/users/{id}", method="GET", status="200"), 2)
        self.assertFalse([key for key in after if ("route", "/v1/users/u0") in key[1]])
        self.assertEqual(moved("txmail_http_request_duration_seconds_count",
                               route="/v1/users/{id}"), 3)
        webhooks = "txmail_stripe_webhook_requests_total"
        # Answered "received"; acted on (and ignored) behind the answer.
        self.assertEqual(moved(webhooks, outcome="received"), 1)
        self.assertEqual(moved(webhooks, outcome="invalid_signature"), 2)
        self.assertEqual(moved("txmail_stripe_webhook_signature_failures_total"), 2)
        self.assertEqual(moved(requests, route="/webhooks/stripe", method="POST", status="400"), 2)
        self.assertEqual(moved(requests, route="/webhooks/stripe", method="POST", status="200"), 1)
        # Every durable answer above waited for a sync of the WAL, each timed once; batches
        # share syncs, so there are at least one and at most one a durable write.
        syncs = moved("txmail_store_sync_duration_seconds_count")
        self.assertGreaterEqual(syncs, 1)
        self.assertEqual(moved("txmail_store_sync_duration_seconds_bucket", le="+Inf"), syncs)
        # The scrapes count themselves too.
        self.assertGreaterEqual(moved(requests, route="/metrics", method="GET", status="200"), 1)

        # Delivered messages are counted by txmail_messages_sent_total, not read from the store.
        self.assertNotIn(("txmail_queue_depth", frozenset({("state", "sent")})), after)
        self.assertEqual(self.value(after, "txmail_queue_depth", state="dead"), 1)
        self.assertEqual(self.value(after, "txmail_queue_depth", state="queued"), 0)
        self.assertEqual(self.value(after, "txmail_queue_depth", state="retry"), 0)

    def test_metrics_need_no_token(self):
        status, _, text = self.serve.get("/metrics")
        self.assertEqual(status, 200)
        self.assertIn("# TYPE txmail_messages_sent_total counter", text)


if __name__ == "__main__":
    unittest.main()
