"""Django's rendering of the same message as bench/render_message.cpp, the peer of txmail's render
benchmark: EmailMultiAlternatives(...).message().as_bytes() with Debian's python3-django.

The message object is built once, outside the timing, as txmail's Message is; each timed call
renders it (message() builds the MIME tree, makes Message-ID and Date, as_bytes() serialises).
Prints one JSON object: {"median_us": ..., "runs": [...], "message_bytes": ...}.
Usage: /usr/bin/python3 bench/django_render.py [--repeat N] [--number N]
"""

import argparse
import json
import os
import statistics
import timeit

import django
from django.conf import settings

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_message.json")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--number", type=int, default=300)
    args = parser.parse_args()

    settings.configure(DEFAULT_CHARSET="utf-8",
                       EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    django.setup()
    from django.core.mail import EmailMultiAlternatives

    with open(SPEC, encoding="utf-8") as f:
        spec = json.load(f)
    message = EmailMultiAlternatives(subject=spec["subject"], body=spec["text"],
                                     from_email=spec["from"], to=spec["to"],
                                     reply_to=spec["reply_to"])
    message.attach_alternative(spec["html"], "text/html")
    size = len(message.message().as_bytes())  # warms the cached DNS_NAME used in Message-ID

    runs = timeit.repeat(lambda: message.message().as_bytes(), repeat=args.repeat,
                         number=args.number)
    per_op_us = [run / args.number * 1e6 for run in runs]
    print(json.dumps({"median_us": statistics.median(per_op_us), "runs": per_op_us,
                      "message_bytes": size}))


if __name__ == "__main__":
    main()
