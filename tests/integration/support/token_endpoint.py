"""A stand-in for the Microsoft identity platform's token endpoint (client credentials grant).

It speaks the endpoint's wire format (Microsoft Learn, "Microsoft identity platform and the OAuth
2.0 client credentials flow"): ``POST /{tenant}/oauth2/v2.0/token`` with a form-encoded body
(``grant_type=client_credentials``, ``client_id``, ``client_secret``, ``scope``), answered with
JSON: ``{"token_type": "Bearer", "expires_in": ..., "ext_expires_in": ..., "access_token": ...}``
or an error with the real shape and AADSTS texts::

    401 {"error": "invalid_client",
         "error_description": "AADSTS7000215: Invalid client secret provided. ...
                               \\r\\nTrace ID: ...",
         "error_codes": [7000215], "timestamp": ..., "trace_id": ..., "correlation_id": ...,
         "error_uri": "https://login.microsoftonline.com/error?code=7000215"}

``TokenEndpoint(tenant, client_id, client_secret, lifetime=3599)`` runs on a free loopback port
(``url`` is what ``EMAIL_OAUTH2_TOKEN_URL`` points at). It remembers every token it issued with
its scope and expiry, so the SMTP and Graph stand-ins ask ``check(token, scope)`` the way Exchange
Online checks a token's audience and lifetime; ``revoke_issued()`` makes them refuse every token
issued so far, as after a revocation. ``requests`` records each request's form (the
secret replaced by a flag saying whether it matched), for tests that count fetches.
"""

import datetime
import json
import secrets
import threading
import time
import urllib.parse
import uuid
from typing import Dict, List, Optional, Tuple

from .http_stand_in import HttpStandIn

SMTP_SCOPE = "https://outlook.office365.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def _now_stamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


class TokenEndpoint(HttpStandIn):
    def __init__(self, tenant: str = "contoso.onmicrosoft.com",
                 client_id: str = "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e",
                 client_secret: str = "test-secret~with+special&chars=",
                 lifetime: int = 3599,
                 scopes: Tuple[str, ...] = (SMTP_SCOPE, GRAPH_SCOPE)):
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        super().__init__()
        self.lifetime = lifetime
        self.scopes = scopes
        self.requests: List[Dict[str, object]] = []
        self._issued: Dict[str, Tuple[str, float]] = {}  # token -> (scope, monotonic expiry)
        self._revoked = set()
        self._lock = threading.Lock()

    # -- what tests and the other stand-ins use ----------------------------------------------

    @property
    def url(self) -> str:
        return f"{self.base_url}/{self.tenant}/oauth2/v2.0/token"

    def txmail_settings(self, mailbox: str, timeout: int) -> Dict[str, str]:
        """The settings that make txmail get its tokens here, as ``mailbox``."""
        return {
            "EMAIL_HOST_USER": mailbox,
            "EMAIL_OAUTH2_TENANT_ID": self.tenant,
            "EMAIL_OAUTH2_CLIENT_ID": self.client_id,
            "EMAIL_OAUTH2_CLIENT_SECRET": self.client_secret,
            "EMAIL_OAUTH2_TOKEN_URL": self.url,
            "DEFAULT_FROM_EMAIL": f"Boritrader <{mailbox}>",
            "EMAIL_TIMEOUT": str(timeout),
        }

    def issued(self) -> List[str]:
        with self._lock:
            return list(self._issued)

    def fetches(self, scope: Optional[str] = None) -> int:
        """Requests that got a token (for ``scope`` when given)."""
        with self._lock:
            return sum(1 for r in self.requests
                       if r.get("issued") and (scope is None or r.get("scope") == scope))

    def revoke_issued(self):
        """Every token issued so far is refused from now on (consent revoked, token invalidated)."""
        with self._lock:
            self._revoked.update(self._issued)

    def check(self, token: str, scope: str) -> Optional[str]:
        """None when ``token`` was issued here for ``scope`` and is still good, else why not."""
        with self._lock:
            entry = self._issued.get(token)
            revoked = token in self._revoked
        if entry is None:
            return "unknown token"
        if revoked:
            return "token revoked"
        issued_scope, expires = entry
        if issued_scope != scope:
            return f"token issued for {issued_scope}, not {scope}"
        if time.monotonic() >= expires:
            return "token expired"
        return None

    # -- the endpoint ---------------------------------------------------------------------------

    def _error(self, status: int, error: str, aadsts: int, text: str) -> Tuple[int, dict]:
        trace, correlation, stamp = str(uuid.uuid4()), str(uuid.uuid4()), _now_stamp()
        return status, {
            "error": error,
            "error_description": f"AADSTS{aadsts}: {text}\r\nTrace ID: {trace}\r\n"
                                 f"Correlation ID: {correlation}\r\nTimestamp: {stamp}",
            "error_codes": [aadsts],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://login.microsoftonline.com/error?code={aadsts}",
        }

    def _token_answer(self, path: str, content_type: str, body: bytes) -> Tuple[int, dict]:
        parts = path.split("/")
        if len(parts) != 5 or parts[0] != "" or parts[2:] != ["oauth2", "v2.0", "token"]:
            return 404, {"error": "not_found"}
        tenant = urllib.parse.unquote(parts[1])
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            return self._error(400, "invalid_request", 900144,
                               "The request body must contain the following parameter: "
                               "'grant_type'.")
        try:
            form = urllib.parse.parse_qs(body.decode("ascii"), strict_parsing=True,
                                         keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            return self._error(400, "invalid_request", 900144,
                               "The request body must contain the following parameter: "
                               "'grant_type'.")
        if any(len(values) != 1 for values in form.values()):
            return self._error(400, "invalid_request", 90015,
                               "Requested query string is too long or a parameter is repeated.")
        field = {name: values[0] for name, values in form.items()}
        record = {"tenant": tenant, "client_id": field.get("client_id"),
                  "scope": field.get("scope"), "grant_type": field.get("grant_type"),
                  "secret_matched": field.get("client_secret") == self.client_secret,
                  "issued": False}
        with self._lock:
            self.requests.append(record)

        if "grant_type" not in field:
            return self._error(400, "invalid_request", 900144,
                               "The request body must contain the following parameter: "
                               "'grant_type'.")
        if field["grant_type"] != "client_credentials":
            return self._error(400, "unsupported_grant_type", 70003,
                               "The app requested an unsupported grant type "
                               f"'{field['grant_type']}'.")
        if tenant != self.tenant:
            return self._error(400, "invalid_request", 90002,
                               f"Tenant '{tenant}' not found. Check to make sure you have the "
                               "correct tenant ID and are signing into the correct cloud.")
        if field.get("client_id") != self.client_id:
            return self._error(400, "unauthorized_client", 700016,
                               f"Application with identifier '{field.get('client_id')}' was not "
                               f"found in the directory '{self.tenant}'. This can happen if the "
                               "application has not been installed by the administrator of the "
                               "tenant or consented to by any user in the tenant. You may have "
                               "sent your authentication request to the wrong tenant.")
        if "client_secret" not in field:
            return self._error(400, "invalid_request", 7000218,
                               "The request body must contain the following parameter: "
                               "'client_assertion' or 'client_secret'.")
        if field["client_secret"] != self.client_secret:
            return self._error(401, "invalid_client", 7000215,
                               "Invalid client secret provided. Ensure the secret being sent in "
                               "the request is the client secret value, not the client secret "
                               f"ID, for a secret added to app '{self.client_id}'.")
        scope = field.get("scope", "")
        if scope not in self.scopes:
            return self._error(400, "invalid_scope", 1002012,
                               f"The provided value for scope {scope} is not valid. Client "
                               "credential flows must have a scope value with /.default "
                               "suffixed to the resource identifier (application ID URI).")

        token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(48) + "." + \
            secrets.token_urlsafe(32)
        with self._lock:
            self._issued[token] = (scope, time.monotonic() + self.lifetime)
            record["issued"] = True
        return 200, {"token_type": "Bearer", "expires_in": self.lifetime,
                     "ext_expires_in": self.lifetime, "access_token": token}

    def answer(self, method: str, path: str, headers, body: bytes):
        status, answer = self._token_answer(urllib.parse.urlsplit(path).path,
                                      headers.get("Content-Type", ""), body)
        return status, {"Content-Type": "application/json; charset=utf-8",
                        "Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}, \
            json.dumps(answer).encode()
