"""Stripe webhook deliveries for tests: the payloads in tests/fixtures/stripe/ (shaped as Stripe
sends them) rewritten into other events, and signed with the official library's code (Debian's
python3-stripe), the header built exactly as stripe-python's own tests build it.

    payload = stripe_event("invoice.payment_failed", event_id="evt_1", customer="cus_1")
    header = signature_header(payload, "whsec_...")                    # now
    header = signature_header(payload, "whsec_...", time.time() - 600)  # expired
"""

import json
import os
import time
from typing import Optional

import stripe

FIXTURES = os.path.join(
    os.environ.get("TXMAIL_SOURCE_DIR",
                   os.path.join(os.path.dirname(__file__), "..", "..", "..")),
    "tests", "fixtures", "stripe")


def stripe_event(event_type: str, event_id: str, customer: str, *, created: Optional[int] = None,
                 user_id: Optional[str] = None, email: Optional[str] = None,
                 subscription: Optional[str] = None) -> str:
    """The fixture of ``event_type`` as a new event (id, customer, and for checkout the
    client_reference_id and email, for subscription events the subscription id), as the raw JSON
    text to sign and send."""
    with open(os.path.join(FIXTURES, event_type + ".json"), encoding="utf-8") as f:
        event = json.load(f)
    event["id"] = event_id
    if created is not None:
        event["created"] = created
    obj = event["data"]["object"]
    obj["customer"] = customer
    if event_type.startswith("checkout.session."):
        obj["client_reference_id"] = user_id
        obj["customer_details"]["email"] = email
    elif event_type == "invoice.payment_failed":
        obj["customer_email"] = email
    if subscription is not None and event_type.startswith("customer.subscription."):
        obj["id"] = subscription
    return json.dumps(event, indent=2)


def signature_header(payload: str, secret: str, timestamp: Optional[float] = None) -> str:
    """``Stripe-Signature`` for ``payload``, as stripe-python's tests/test_webhook.py
    generate_header() makes it: t=<unix time>,v1=<HMAC-SHA256 of "<t>.<payload>">."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    signature = stripe.WebhookSignature._compute_signature("%d.%s" % (timestamp, payload), secret)
    return "t=%d,%s=%s" % (timestamp, stripe.WebhookSignature.EXPECTED_SCHEME, signature)
