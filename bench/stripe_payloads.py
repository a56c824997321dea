"""Writes N distinct signed Stripe webhook requests for wrk (bench/http_post.lua), one per line:
"<Stripe-Signature value>\t<raw body>".

Each is the invoice.payment_failed fixture (tests/fixtures/stripe/, shaped as Stripe sends it)
for one known customer, with its own event id (txmail stores each event id once: a repeated id
would be a cheap duplicate, not a new event) and invoice id, created now, compact JSON. Signed with
Debian's python3-stripe's own code (WebhookSignature._compute_signature over "{t}.{body}"), with
t = now: the receivers accept 300 s of skew, so write them just before the run that uses them.

Usage: /usr/bin/python3 bench/stripe_payloads.py --fixture F --secret S --customer CUS
       --count N --tag T --out FILE
"""

import argparse
import json
import time

from stripe.webhook import WebhookSignature


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--customer", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--tag", required=True, help="makes event ids unique across files")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    with open(args.fixture, encoding="utf-8") as f:
        event = json.load(f)
    invoice = event["data"]["object"]
    invoice["customer"] = args.customer
    now = int(time.time())
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(args.count):
            event["id"] = f"evt_bench_{args.tag}_{i}"
            event["created"] = now
            invoice["id"] = f"in_bench_{args.tag}_{i}"
            body = json.dumps(event, separators=(",", ":"))
            signature = WebhookSignature._compute_signature(f"{now}.{body}", args.secret)
            out.write(f"t={now},v1={signature}\t{body}\n")


if __name__ == "__main__":
    main()
