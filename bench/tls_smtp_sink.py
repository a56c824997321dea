"""An SMTP server that speaks to clients as smtp.office365.com:587 does and throws the mail away:
the mail server of django-send-tls in bench/run-http.sh.

What it requires, in this order, as Exchange Online does (DESIGN.md, "Microsoft 365 facts"):
STARTTLS (TLS 1.2 or newer; before it EHLO offers no AUTH and MAIL is refused), then AUTH LOGIN
(the only mechanism offered: Exchange offers LOGIN and XOAUTH2, no PLAIN, and Django's SMTP
backend only does password logins) with the one login given and the password in $SMTP_PASSWORD,
then MAIL/RCPT/DATA. The certificate is self-signed, made at start-up with the openssl command
(tests/integration/support/certs.py) in a temporary directory removed once loaded. Messages are
accepted (250) and discarded at once, never kept: a benchmark sends hundreds of thousands.
Only loopback, no network round trips: against the real server each email would also wait for
about nine round trips to Microsoft, so what this measures is a lower bound of the original's cost.

It prints "listening on HOST:PORT" when ready (port 0 by default: the kernel picks a free one).
On SIGTERM or SIGINT it stops and prints one line of counters, then exits 0:
connections=N starttls=N auth_ok=N auth_failed=N messages=N cpu_ms=N
(connections: TCP connections; starttls: TLS handshakes completed; messages: messages accepted,
each on a session that had done STARTTLS and AUTH; cpu_ms: this process's user + system time).

Usage: SMTP_PASSWORD=... /usr/bin/python3 bench/tls_smtp_sink.py --login LOGIN
       [--host 127.0.0.1] [--port 0]
"""

import argparse
import asyncio
import hmac
import logging
import os
import signal
import sys
import tempfile
from dataclasses import dataclass, fields

from aiosmtpd.smtp import SMTP, AuthResult

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from support.certs import Certificates  # noqa: E402  (after the path it lives in)

# aiosmtpd logs every session at INFO: thousands of lines a second under load.
logging.getLogger("mail.log").setLevel(logging.ERROR)


@dataclass
class Counters:
    connections: int = 0
    starttls: int = 0
    auth_ok: int = 0
    auth_failed: int = 0
    messages: int = 0

    def line(self, cpu_ms: int) -> str:
        counts = " ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))
        return f"{counts} cpu_ms={cpu_ms}"


class CountingSMTP(SMTP):
    """aiosmtpd's SMTP session, counting TCP connections (connection_made runs again, with the
    TLS transport, after STARTTLS: that one is counted by the handler's STARTTLS hook)."""

    def __init__(self, counters: Counters, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._counters = counters

    def connection_made(self, transport):
        if self._original_transport is None:
            self._counters.connections += 1
        super().connection_made(transport)


class DiscardingHandler:
    def __init__(self, counters: Counters, login: str, password: str):
        self._counters = counters
        self._login = login.encode()
        self._password = password.encode()

    def handle_STARTTLS(self, server, session, envelope):
        self._counters.starttls += 1
        return True

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        accepted = (hmac.compare_digest(auth_data.login, self._login) and
                    hmac.compare_digest(auth_data.password, self._password))
        if accepted:
            self._counters.auth_ok += 1
        else:
            self._counters.auth_failed += 1
        return AuthResult(success=accepted, handled=False)

    async def handle_DATA(self, server, session, envelope):
        # aiosmtpd already refuses MAIL without STARTTLS and AUTH; checked again so that the
        # count can be trusted to mean "sent as the original sent".
        if session.ssl is None or not session.authenticated:
            return "530 5.7.57 Client not authenticated to send mail"
        self._counters.messages += 1
        return "250 2.0.0 OK"


async def serve(args, password: str):
    counters = Counters()
    with tempfile.TemporaryDirectory(prefix="txmail-tls-sink-") as directory:
        context = Certificates(directory).server_context()  # TLS 1.2 minimum, as Exchange
    handler = DiscardingHandler(counters, args.login, password)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: CountingSMTP(counters, handler, hostname="tls-smtp-sink",
                             ident="Microsoft ESMTP MAIL Service stand-in", tls_context=context,
                             require_starttls=True, auth_required=True, auth_require_tls=True,
                             auth_exclude_mechanism=["PLAIN"],
                             authenticator=handler.authenticate, loop=loop),
        args.host, args.port)
    print(f"listening on {args.host}:{server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    server.close()
    times = os.times()
    print(counters.line(int((times.user + times.system) * 1000)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--login", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    password = os.environ.get("SMTP_PASSWORD", "")
    if not password:
        sys.exit("tls_smtp_sink: SMTP_PASSWORD is not set (the password AUTH LOGIN must match)")
    asyncio.run(serve(args, password))


if __name__ == "__main__":
    main()
