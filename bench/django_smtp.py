"""Django's SMTP backend (Debian's python3-django) sending the same messages as
bench/smtp_throughput.cpp to the same server, the peer of txmail's SMTP benchmark. Two patterns:

- original: what the replaced app did, one EmailMultiAlternatives(...).send() per message; each
  send() opens its own connection (connect, EHLO, MAIL, RCPT, DATA, QUIT);
- batched: one connection, connection.send_messages(list of all messages).

The clock runs from before the first message object is built until the last send returns, as in
smtp_throughput (rendering is part of the cost). Prints one line:
messages=N pattern=P seconds=S messages_per_second=R
Usage: /usr/bin/python3 bench/django_smtp.py --host H --port P --messages N --size BYTES
       --pattern original|batched
"""

import argparse
import time

import django
from django.conf import settings


def body_of(size: int) -> str:
    """The same body as smtp_throughput: `size` bytes in 76-character lines of X."""
    lines, total = [], 0
    while total < size:
        line = min(76, size - total)
        lines.append("X" * (line - 1 if line > 1 else line) + ("\n" if line > 1 else ""))
        total += line
    return "".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--pattern", choices=("original", "batched"), default="original")
    args = parser.parse_args()

    settings.configure(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                       EMAIL_HOST=args.host, EMAIL_PORT=args.port, EMAIL_TIMEOUT=30,
                       DEFAULT_CHARSET="utf-8")
    django.setup()
    from django.core.mail import EmailMultiAlternatives, get_connection

    body = body_of(args.size)

    def message(i, connection=None):
        return EmailMultiAlternatives(f"Throughput 0-{i}", body, "bench@example.com",
                                      ["sink@example.com"], connection=connection)

    start = time.monotonic()
    if args.pattern == "original":
        sent = sum(message(i).send() for i in range(args.messages))
    else:
        connection = get_connection()
        sent = connection.send_messages([message(i, connection) for i in range(args.messages)])
    seconds = time.monotonic() - start
    if sent != args.messages:
        raise SystemExit(f"django_smtp: only {sent} of {args.messages} sent")
    print(f"messages={args.messages} pattern={args.pattern} seconds={seconds:.3f} "
          f"messages_per_second={args.messages / seconds:.1f}")


if __name__ == "__main__":
    main()
