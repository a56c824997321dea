"""Shared helpers for txmail's integration tests: real peers the tests start and stop.

Modules (import what you need, e.g. ``from support.smtpd import SmtpServer``):

- ``ports``      -- a free TCP port on loopback (bind port 0), never a fixed port.
- ``certs``      -- a private CA and server/client certificates made with the ``openssl`` CLI in a
                    temporary directory (``EMAIL_SSL_CAFILE`` points at ``certs.ca_file``).
- ``smtpd``      -- an aiosmtpd server in a thread: STARTTLS or implicit TLS, required AUTH
                    (PLAIN, LOGIN, optionally XOAUTH2), records envelopes, messages, commands and
                    connections, and can be told to misbehave (reply 450/550/535..., drop the
                    connection mid-DATA, never answer, close idle connections).
- ``smtp_sink``  -- postfix's ``smtp-sink`` on a free port, counting messages and sessions.
- ``processes``  -- running the txmail binary (clean environment, empty working directory),
                    background processes, and ``wait_until`` (poll a condition with a deadline;
                    tests never sleep to synchronise).

Every server here is a context manager and cleans up after itself. The scripts run under Debian's
``/usr/bin/python3`` (where python3-aiosmtpd lives); ctest sets ``TXMAIL_BIN``,
``TXMAIL_BUILD_DIR`` and ``TXMAIL_SOURCE_DIR``.
"""
