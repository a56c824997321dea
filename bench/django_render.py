"""Django's rendering of the same message as bench/render_message.cpp, the peer of txmail's render
benchmark: EmailMultiAlternatives(...).message().as_bytes() with Debian's python3-django.

The message object is built once, outside the timing, as txmail's Message is; each timed call
renders it (message() builds the MIME tree, makes Message-ID and Date, as_bytes() serialises).
Each repetition times --number calls by the wall clock and by the process's CPU time (the machine
may be shared, so CPU time is the steadier figure). Prints one JSON object:
{"wall_us": median, "cpu_us": median, "wall_runs": [...], "cpu_runs": [...], "message_bytes": n}.
Usage: /usr/bin/python3 bench/django_render.py [--repeat N] [--number N]
"""

import argparse
import json
import os
import statistics
import time

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

    wall_runs, cpu_runs = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.number):
            message.message().as_bytes()
        wall_runs.append((time.perf_counter() - wall) / args.number * 1e6)
        cpu_runs.append((time.process_time() - cpu) / args.number * 1e6)
    print(json.dumps({"wall_us": statistics.median(wall_runs),
                      "cpu_us": statistics.median(cpu_runs), "wall_runs": wall_runs,
                      "cpu_runs": cpu_runs, "message_bytes": size}))

if __name__ == "__main__":
    main()
