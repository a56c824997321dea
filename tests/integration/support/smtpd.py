"""A real SMTP server for tests: aiosmtpd (Debian python3-aiosmtpd) in a background thread.

    with tempfile.TemporaryDirectory() as tmp, \\
         SmtpServer(certs=Certificates(tmp), users={"app@example.com": "s3cret"}) as server:
        ... send with EMAIL_HOST=server.host, EMAIL_PORT=server.port, EMAIL_USE_TLS=True,
            EMAIL_SSL_CAFILE=server.certs.ca_file ...
        server.wait_for_messages(1)
        message = server.messages[0].parsed()     # email.message.EmailMessage

What it speaks (``tls=``): ``"starttls"`` (plain connect, STARTTLS offered and required before
anything else, AUTH offered only after it, as smtp.office365.com does), ``"implicit"`` (TLS from
the first byte, port-465 style) or ``"none"`` (plain text; AUTH is then offered in clear text
when ``users`` are set, to tempt a client that should refuse). ``users`` (login -> password)
turns on required AUTH with PLAIN and LOGIN; ``oauth_tokens`` (mailbox -> accepted bearer token,
or a function (mailbox, token) -> accepted, as ``xoauth2_smtpd`` checks issued tokens) adds
XOAUTH2 with Exchange Online's replies (``235 2.7.0 Authentication successful`` /
``535 5.7.3 Authentication unsuccessful``); ``mechanisms`` restricts what is advertised;
``pipelining=True`` announces PIPELINING (RFC 2920), as Exchange Online and Postfix do.

What it records (all thread-safe, read from the test thread):
``messages`` (ReceivedMessage: envelope, raw bytes, connection number, authenticated login),
``connections`` (TCP connections accepted; STARTTLS does not count again), ``commands``
((connection number, VERB) for every command verb, never arguments, so credentials are never
kept), ``auth_attempts`` ((mechanism, login, accepted)).

How it misbehaves on request (call before or while the client sends):
- ``reply(verb, text, times=None, when=None)``: answer ``verb`` (MAIL, RCPT, DATA = after the
  final dot, AUTH = before any credentials are read, EHLO, ...) with ``text`` instead of the
  normal reply; ``when(argument)`` narrows it (e.g. one recipient); ``times`` limits how often.
  ``text`` may hold several lines joined with ``\\r\\n`` for a multi-line reply;
  ``hang_up=True`` closes the connection after the reply (a 421 as servers send it).
- ``drop_during_data(after_bytes=1)``: answer DATA with 354, read some of the message, then close
  the connection without a reply.
- ``hang(stage)``: never answer at ``stage``: ``"greeting"``, a verb, or ``"end_of_data"``.
- ``disconnect_all()``: close every open connection now (as a server's idle timeout does).
- ``reset()``: forget recorded state and misbehaviour.

``txmail_settings(**overrides)`` gives the EMAIL_* settings that point txmail at the server.
"""

import asyncio
import base64
import email
import email.policy
import logging
import threading
import warnings
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple, Union

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

from .certs import Certificates
from .processes import wait_until

# aiosmtpd logs every session at INFO and deprecation notes at WARNING: noise in test output.
logging.getLogger("mail.log").setLevel(logging.ERROR)
# tls="none" with users offers AUTH in clear text on purpose (to tempt a client that must refuse).
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")

LOOPBACK = "127.0.0.1"
SERVER_NAME = "txmail-test-smtpd"


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: List[str]
    data: bytes
    connection: int
    login: Optional[str]

    def parsed(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class _Rule:
    text: str
    times: Optional[int]
    when: Optional[Callable[[str], bool]]
    hang_up: bool = False


@dataclass
class _Behaviour:
    rules: Dict[str, List[_Rule]] = field(default_factory=dict)
    hang: set = field(default_factory=set)
    drop_during_data: Optional[int] = None


class _Recorder:
    """State shared between the server thread and the test thread, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.live: Dict[int, "_RecordingSMTP"] = {}  # open connections, kept across reset()
        self.reset()

    def reset(self):
        with self.lock:
            self.messages: List[ReceivedMessage] = []
            self.connections = 0
            self.commands: List[Tuple[int, str]] = []
            self.auth_attempts: List[Tuple[str, str, bool]] = []
            self.behaviour = _Behaviour()

    def scripted_reply(self, verb: str, argument: str) -> Optional[_Rule]:
        with self.lock:
            for rule in self.behaviour.rules.get(verb, []):
                if rule.times == 0 or (rule.when is not None and not rule.when(argument)):
                    continue
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def hangs_at(self, stage: str) -> bool:
        with self.lock:
            return stage in self.behaviour.hang


async def _forever():
    await asyncio.Event().wait()  # cancelled when the server stops


class _RecordingSMTP(SMTP):
    def __init__(self, recorder: _Recorder, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._recorder = recorder
        self.connection_number = 0
        for verb, method in list(self._smtp_methods.items()):
            self._smtp_methods[verb] = self._recording(verb, method)

    def _recording(self, verb, method):
        async def run(arg):
            with self._recorder.lock:
                self._recorder.commands.append((self.connection_number, verb))
            if self._recorder.hangs_at(verb):
                return await _forever()
            if verb not in ("DATA", "AUTH"):  # DATA after the dot, AUTH in the handler hook
                rule = self._recorder.scripted_reply(verb, arg or "")
                if rule is not None:
                    return await self.answer(rule)
            return await method(arg)

        return run

    async def answer(self, rule: _Rule):
        await self.push(rule.text)
        if rule.hang_up:
            self.transport.close()

    def connection_made(self, transport):
        first = self.transport is None
        super().connection_made(transport)
        if first:  # not the TLS layer replacing the transport after STARTTLS
            with self._recorder.lock:
                self._recorder.connections += 1
                self.connection_number = self._recorder.connections
                self._recorder.live[self.connection_number] = self

    def connection_lost(self, error):
        with self._recorder.lock:
            self._recorder.live.pop(self.connection_number, None)
        super().connection_lost(error)

    async def _handle_client(self):
        if self._recorder.hangs_at("greeting"):
            return await _forever()
        return await super()._handle_client()

    async def smtp_DATA(self, arg):
        with self._recorder.lock:
            drop_after = self._recorder.behaviour.drop_during_data
        if drop_after is None or not self.envelope.rcpt_tos:
            return await super().smtp_DATA(arg)
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        await self._reader.readexactly(drop_after)
        self.transport.close()


class _Handler:
    def __init__(self, recorder: _Recorder, users: Dict[str, str], oauth: Dict[str, str],
                 pipelining: bool):
        self._recorder = recorder
        self.pipelining = pipelining
        self._users = users
        self._oauth = oauth

    # A hook's return value is pushed by aiosmtpd; a rule that hangs up closes the connection
    # right after that (call_soon runs once the reply is written to the transport).
    def _scripted(self, server, verb: str, argument: str):
        rule = self._recorder.scripted_reply(verb, argument)
        if rule is None:
            return MISSING
        if rule.hang_up:
            server.loop.call_soon(server.transport.close)
        return rule.text

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd announces "AUTH" with no mechanism when all are excluded: not a real server's.
        session.host_name = hostname
        lines = [line for line in responses if line.rstrip() != "250-AUTH"]
        if self.pipelining:  # aiosmtpd reads commands line by line, so pipelining just works
            lines.insert(1, "250-PIPELINING")
        return lines

    async def handle_AUTH(self, server, session, envelope, args):
        return self._scripted(server, "AUTH", " ".join(args))

    async def handle_DATA(self, server, session, envelope):
        if self._recorder.hangs_at("end_of_data"):
            return await _forever()
        text = self._scripted(server, "DATA", "")
        if text is not MISSING:
            return text
        login = session.auth_data.login.decode() if isinstance(session.auth_data,
                                                               LoginPassword) else session.auth_data
        with self._recorder.lock:
            self._recorder.messages.append(ReceivedMessage(
                envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content),
                server.connection_number, login))
            queue_id = f"T{len(self._recorder.messages):05d}"
        return f"250 2.0.0 Ok: queued as {queue_id}"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode(errors="replace")
        accepted = self._users.get(login) == auth_data.password.decode(errors="replace")
        with self._recorder.lock:
            self._recorder.auth_attempts.append((mechanism, login, accepted))
        return AuthResult(success=accepted, handled=False, auth_data=auth_data)

    # RFC-less but widely used: https://developers.google.com/gmail/imap/xoauth2-protocol, and
    # Exchange Online's "Authenticate an IMAP, POP or SMTP connection using OAuth".
    async def auth_XOAUTH2(self, server, args):
        if len(args) == 2:
            blob = args[1]
        else:
            response = await server.challenge_auth("")
            if response is MISSING:
                return AuthResult(success=False, handled=True)
            blob = base64.b64encode(response).decode()
        try:
            fields = base64.b64decode(blob, validate=True).decode().split("\x01")
            values = dict(f.split("=", 1) for f in fields if "=" in f)
            login = values.get("user", "")
            token = values.get("auth", "").removeprefix("Bearer ")
        except Exception:
            return AuthResult(success=False, handled=False,
                              message="501 5.5.2 Cannot decode XOAUTH2 response")
        accepted = bool(token) and (self._oauth(login, token) if callable(self._oauth)
                                    else self._oauth.get(login) == token)
        with self._recorder.lock:
            self._recorder.auth_attempts.append(("XOAUTH2", login, accepted))
        if accepted:
            return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False,
                          message="535 5.7.3 Authentication unsuccessful")


class SmtpServer:
    def __init__(self, *, tls: str = "starttls", certs: Optional[Certificates] = None,
                 users: Optional[Dict[str, str]] = None,
                 oauth_tokens: Optional[Union[Dict[str, str], Callable[[str, str], bool]]] = None,
                 mechanisms: Optional[List[str]] = None, require_client_cert: bool = False,
                 pipelining: bool = False, host: str = LOOPBACK, idle_timeout: float = 300):
        if tls not in ("starttls", "implicit", "none"):
            raise ValueError(f"tls must be starttls, implicit or none, not {tls!r}")
        if tls != "none" and certs is None:
            raise ValueError("tls needs certs=Certificates(directory)")
        self.tls = tls
        self.certs = certs
        self.host = host
        self.port: Optional[int] = None
        self._recorder = _Recorder()
        self._users = dict(users or {})
        self._oauth = oauth_tokens if callable(oauth_tokens) else dict(oauth_tokens or {})
        self._auth = bool(self._users or self._oauth)
        self._handler = _Handler(self._recorder, self._users, self._oauth, pipelining)
        offered = set(mechanisms or (["PLAIN", "LOGIN"] if self._users else []) +
                      (["XOAUTH2"] if self._oauth else []))
        self._excluded = [m for m in ("PLAIN", "LOGIN", "XOAUTH2") if m not in offered]
        self._context = certs.server_context(require_client_cert) if certs else None
        self._idle_timeout = idle_timeout
        self._controller: Optional[Controller] = None

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> "SmtpServer":
        recorder, handler = self._recorder, self._handler
        smtp_kwargs = dict(
            hostname=SERVER_NAME, ident="txmail test ESMTP", timeout=self._idle_timeout,
            decode_data=False, auth_required=self._auth,
            # aiosmtpd only knows STARTTLS; under implicit TLS the session is encrypted anyway.
            auth_require_tls=self.tls == "starttls",
            authenticator=handler.authenticate if self._users else None,
            auth_exclude_mechanism=self._excluded,
            tls_context=self._context if self.tls == "starttls" else None,
            require_starttls=self.tls == "starttls")

        class _Controller(Controller):
            def factory(self):
                return _RecordingSMTP(recorder, self.handler, **smtp_kwargs)

            def _trigger_server(self):
                # We bind port 0 (no race for a free port); the probe needs the real port.
                self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        self._controller = _Controller(
            handler, hostname=self.host, port=0,
            ssl_context=self._context if self.tls == "implicit" else None)
        self._controller.start()
        self.port = self._controller.port
        # start() made one connection of its own to check the server answers; forget it.
        wait_until(lambda: not self._recorder.live, 5, "aiosmtpd's start-up probe to close")
        self._recorder.reset()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpServer":
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- what happened ---------------------------------------------------------------------

    @property
    def messages(self) -> List[ReceivedMessage]:
        with self._recorder.lock:
            return list(self._recorder.messages)

    @property
    def connections(self) -> int:
        with self._recorder.lock:
            return self._recorder.connections

    @property
    def open_connections(self) -> int:
        with self._recorder.lock:
            return len(self._recorder.live)

    @property
    def commands(self) -> List[Tuple[int, str]]:
        with self._recorder.lock:
            return list(self._recorder.commands)

    def verbs(self) -> List[str]:
        return [verb for _, verb in self.commands]

    @property
    def auth_attempts(self) -> List[Tuple[str, str, bool]]:
        with self._recorder.lock:
            return list(self._recorder.auth_attempts)

    def wait_for_messages(self, count: int, timeout: float = 10) -> List[ReceivedMessage]:
        wait_until(lambda: len(self.messages) >= count, timeout, f"{count} message(s) at the server")
        return self.messages

    def txmail_settings(self, **overrides) -> Dict[str, str]:
        """The settings that point txmail's SMTP backend at this server: TLS mode, the test CA,
        and the first user's credentials (or the first OAuth mailbox as EMAIL_HOST_USER).
        ``overrides`` replace or add settings; a value of None removes one."""
        settings = {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": self.host, "EMAIL_PORT": str(self.port),
                    "EMAIL_TIMEOUT": "10", "DEFAULT_FROM_EMAIL": "Boritrader <noreply@example.com>"}
        if self.tls == "starttls":
            settings["EMAIL_USE_TLS"] = "True"
        elif self.tls == "implicit":
            settings["EMAIL_USE_SSL"] = "True"
        if self.certs is not None:
            settings["EMAIL_SSL_CAFILE"] = self.certs.ca_file
        if self._users:
            user, password = next(iter(self._users.items()))
            settings.update(EMAIL_HOST_USER=user, EMAIL_HOST_PASSWORD=password)
        elif isinstance(self._oauth, dict) and self._oauth:
            settings["EMAIL_HOST_USER"] = next(iter(self._oauth))
        for name, value in overrides.items():
            if value is None:
                settings.pop(name, None)
            else:
                settings[name] = str(value)
        return settings

    # --- misbehaviour ----------------------------------------------------------------------

    def reply(self, verb: str, text: str, *, times: Optional[int] = None,
              when: Optional[Callable[[str], bool]] = None, hang_up: bool = False):
        with self._recorder.lock:
            self._recorder.behaviour.rules.setdefault(verb.upper(), []).append(
                _Rule(text, times, when, hang_up))

    def drop_during_data(self, after_bytes: int = 1):
        with self._recorder.lock:
            self._recorder.behaviour.drop_during_data = after_bytes

    def hang(self, stage: str):
        with self._recorder.lock:
            self._recorder.behaviour.hang.add(stage if stage in ("greeting", "end_of_data")
                                              else stage.upper())

    def disconnect_all(self, timeout: float = 5):
        """Closes every open connection from the server side and waits until they are gone."""
        with self._recorder.lock:
            servers = list(self._recorder.live.values())
        for server in servers:
            # The TCP transport under TLS, so no close_notify exchange can delay the close.
            transport = server._original_transport or server.transport
            if transport is not None:
                self._controller.loop.call_soon_threadsafe(transport.close)
        wait_until(lambda: self.open_connections == 0, timeout, "connections to close")

    def reset(self):
        self._recorder.reset()

