"""An Exchange Online-like SMTP submission server: ``smtpd.SmtpServer`` (aiosmtpd) set up as
smtp.office365.com:587 behaves (DESIGN.md "Microsoft 365 facts"), with XOAUTH2 checked against the
tokens a ``TokenEndpoint`` issued.

- STARTTLS offered and required; before it EHLO offers no AUTH, after it ``AUTH LOGIN XOAUTH2``
  (no PLAIN).
- ``AUTH XOAUTH2`` with the initial response (or after ``334``):
  ``base64("user=<mailbox>\\x01auth=Bearer <token>\\x01\\x01")`` is accepted when the user is the
  mailbox and the token endpoint issued the token for ``https://outlook.office365.com/.default``,
  and it has neither expired nor been revoked: ``235 2.7.0 Authentication successful``; otherwise
  ``535 5.7.3 Authentication unsuccessful``, as Exchange Online answers.
- ``AUTH LOGIN`` with ``app_password`` when given (basic authentication, while Microsoft allows it).

    with TokenEndpoint() as tokens, ExchangeOnlineSmtpd(tokens, Certificates(tmp)) as server: ...
"""

from typing import Optional

from .certs import Certificates
from .smtpd import SmtpServer
from .token_endpoint import SMTP_SCOPE, TokenEndpoint

MAILBOX = "noreply@boritrade.net"


class ExchangeOnlineSmtpd(SmtpServer):
    def __init__(self, tokens: TokenEndpoint, certs: Certificates, mailbox: str = MAILBOX,
                 app_password: Optional[str] = None):
        def accepted(login: str, token: str) -> bool:
            return login.lower() == mailbox.lower() and tokens.check(token, SMTP_SCOPE) is None

        super().__init__(tls="starttls", certs=certs,
                         users={mailbox: app_password} if app_password else None,
                         oauth_tokens=accepted, mechanisms=["LOGIN", "XOAUTH2"])
        self.mailbox = mailbox
