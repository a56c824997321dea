"""A stand-in for Microsoft Graph's sendMail in MIME form (Microsoft Learn, "user: sendMail" and
"Send Outlook messages in MIME format"; throttling as in "Microsoft Graph throttling guidance").

``POST /v1.0/users/{id or UPN}/sendMail`` with ``Authorization: Bearer <token>`` and
``Content-Type: text/plain``; the body is the base64 of a whole RFC 5322 message. Answers:

- 401 ``InvalidAuthenticationToken`` when the token is missing, was not issued by the
  ``TokenEndpoint`` for ``https://graph.microsoft.com/.default``, has expired or was revoked;
- 404 ``ErrorInvalidUser`` for a mailbox other than the configured one;
- 400 ``ErrorMimeContentInvalidBase64String`` when the body is not base64;
- 429 ``ApplicationThrottled`` with ``Retry-After`` for the next N requests after
  ``throttle(n, retry_after)``;
- 202 Accepted (empty body, ``request-id`` header) otherwise, after parsing the message with
  Python's email package and taking its recipients from To, Cc and Bcc as Graph does.

``messages`` holds what was accepted (``SentMail``: mailbox, parsed message, raw bytes,
recipients, the bearer token used); ``attempts`` every request's (monotonic time, status), so
tests can check that a client waited out a Retry-After.
"""

import base64
import binascii
import email
import email.policy
import email.utils
import json
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import List, Optional, Tuple

from .http_stand_in import HttpStandIn
from .token_endpoint import GRAPH_SCOPE, TokenEndpoint


@dataclass
class SentMail:
    mailbox: str
    message: email.message.EmailMessage
    raw: bytes
    recipients: List[str]
    token: str


class GraphEndpoint(HttpStandIn):
    def __init__(self, tokens: TokenEndpoint, mailbox: str = "noreply@boritrade.net"):
        super().__init__()
        self.tokens = tokens
        self.mailbox = mailbox
        self.messages: List[SentMail] = []
        self.attempts: List[Tuple[float, int]] = []
        self._throttle_left = 0
        self._retry_after = 1
        self._lock = threading.Lock()

    def throttle(self, requests: int = 1, retry_after: int = 1):
        """The next ``requests`` requests get 429 with ``Retry-After: retry_after``."""
        with self._lock:
            self._throttle_left = requests
            self._retry_after = retry_after

    def _error(self, status: int, code: str, message: str, request_id: str,
               extra_headers: Optional[dict] = None):
        body = {"error": {"code": code, "message": message,
                          "innerError": {"date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
                                         "request-id": request_id,
                                         "client-request-id": request_id}}}
        headers = {"Content-Type": "application/json", "request-id": request_id}
        headers.update(extra_headers or {})
        return status, headers, json.dumps(body).encode()

    def _send_mail(self, path: str, headers, body: bytes):
        request_id = str(uuid.uuid4())
        parts = path.split("/")
        if len(parts) != 5 or parts[:3] != ["", "v1.0", "users"] or parts[4] != "sendMail":
            return self._error(404, "UnknownError", "", request_id)

        authorization = headers.get("Authorization", "")
        if not authorization.startswith("Bearer ") or not authorization[7:]:
            return self._error(401, "InvalidAuthenticationToken", "Access token is empty.",
                               request_id, {"WWW-Authenticate": 'Bearer realm=""'})
        why = self.tokens.check(authorization[7:], GRAPH_SCOPE)
        if why == "token expired":
            return self._error(401, "InvalidAuthenticationToken",
                               "Lifetime validation failed, the token is expired.", request_id,
                               {"WWW-Authenticate": 'Bearer realm="", error="invalid_token"'})
        if why is not None:
            text = {"token revoked": "Access token validation failure.",
                    "unknown token": "CompactToken parsing failed with error code: 80049217"}
            return self._error(401, "InvalidAuthenticationToken",
                               text.get(why, "Access token validation failure. Invalid audience."),
                               request_id, {"WWW-Authenticate": 'Bearer realm=""'})

        mailbox = urllib.parse.unquote(parts[3])
        if mailbox.lower() != self.mailbox.lower():
            return self._error(404, "ErrorInvalidUser",
                               f"The requested user '{mailbox}' is invalid.", request_id)

        with self._lock:
            throttled = self._throttle_left > 0
            if throttled:
                self._throttle_left -= 1
        if throttled:
            return self._error(429, "ApplicationThrottled",
                               "Application is over its MailboxConcurrency limit.", request_id,
                               {"Retry-After": str(self._retry_after)})

        if headers.get("Content-Type", "").split(";")[0].strip().lower() != "text/plain":
            return self._error(400, "ErrorInvalidRequest",
                               "MIME content must be sent as text/plain.", request_id)
        try:
            raw = base64.b64decode(body, validate=True)
        except binascii.Error:
            return self._error(400, "ErrorMimeContentInvalidBase64String",
                               "Invalid base64 string for MIME content.", request_id)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        recipients = [address for _, address in email.utils.getaddresses(
            [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])])
            if address]
        if not recipients:
            return self._error(400, "ErrorInvalidRecipients",
                               "At least one recipient is not valid.", request_id)
        with self._lock:
            self.messages.append(SentMail(mailbox, message, raw, recipients, authorization[7:]))
        return 202, {"request-id": request_id, "client-request-id": request_id}, b""

    def answer(self, method: str, path: str, headers, body: bytes):
        status, response_headers, data = self._send_mail(urllib.parse.urlsplit(path).path,
                                                         headers, body)
        with self._lock:
            self.attempts.append((time.monotonic(), status))
        return status, response_headers, data
