"""Exchange Online's SMTP replies, word for word, for a test server to replay.

Each ``Reply`` is one reply of the knowledge base behind ``txmail doctor`` and the send failures'
diagnosis (``src/txmail/microsoft365/reply_knowledge_base.cpp``; the reply table of
``docs/microsoft365.md`` lists the same rule ids). The texts are Exchange Online's own, as
Microsoft Learn documents them or as servers sent them (host names in brackets vary); they are
kept here apart from the C++ so that a change to the matcher's table is tested against the
provider's words and not against itself.

``verb`` is where the reply is replayed: ``AUTH`` (answered before any credentials are read),
``MAIL`` (the sender), or ``EHLO_TLS`` (the EHLO after STARTTLS, where Exchange Online refuses a
TLS 1.0/1.1 session). ``step`` is the doctor step that must show it; ``remedy`` a phrase its
remediation must contain.

    with SmtpServer(certs=..., users={MAILBOX: PASSWORD}, mechanisms=["LOGIN"]) as server:
        replay(server, reply)          # from now on the server answers with reply.text
"""

from dataclasses import dataclass
from typing import List

from .smtpd import SmtpServer


@dataclass(frozen=True)
class Reply:
    rule: str
    verb: str
    text: str
    step: str
    remedy: str


_STEP = {"AUTH": "auth", "MAIL": "mail_from", "EHLO_TLS": "ehlo_tls"}


def _reply(rule: str, verb: str, text: str, remedy: str) -> Reply:
    return Reply(rule, verb, text, _STEP[verb], remedy)


REPLIES: List[Reply] = [
    # --- 535 5.7.139: SMTP AUTH refused for the tenant, the mailbox or by policy ---
    _reply("smtp_auth_disabled_tenant", "AUTH",
           "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
           "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. "
           "[SN4PR0201CA0048.namprd02.prod.outlook.com]",
           "Set-TransportConfig -SmtpClientAuthenticationDisabled $false"),
    _reply("smtp_auth_disabled_mailbox", "AUTH",
           "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
           "Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. "
           "[AM0PR02CA0001.eurprd02.prod.outlook.com]",
           "Set-CASMailbox -Identity"),
    _reply("basic_auth_disabled", "AUTH",
           "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
           "[DB8PR06CA0012.eurprd06.prod.outlook.com]",
           "New-ServicePrincipal -AppId"),
    _reply("security_defaults", "AUTH",
           "535 5.7.139 Authentication unsuccessful, user is locked by your organization's "
           "security defaults policy. Contact your administrator. "
           "[BN9PR03CA0123.namprd03.prod.outlook.com]",
           "Manage security defaults"),
    _reply("conditional_access", "AUTH",
           "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be "
           "authenticated successfully. Contact your administrator. "
           "[LO4P123CA0456.GBRP123.PROD.OUTLOOK.COM]",
           "Conditional Access"),
    _reply("credentials_incorrect", "AUTH",
           "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
           "[PA7P264CA0089.FRAP264.PROD.OUTLOOK.COM]",
           "EMAIL_HOST_PASSWORD"),
    _reply("federated_sts_unreachable", "AUTH",
           "535 5.7.139 Authentication unsuccessful, federated STS service was unreachable.",
           "federation server"),
    _reply("auth_refused_5_7_139", "AUTH",
           "535 5.7.139 Authentication unsuccessful [CH2PR11CA0002.namprd11.prod.outlook.com]",
           "sign-in logs"),
    # --- other authentication failures ---
    _reply("auth_unsuccessful", "AUTH",
           "535 5.7.3 Authentication unsuccessful [SN2PR00CA0018.namprd00.prod.outlook.com]",
           "SMTP.SendAsApp"),
    _reply("basic_auth_retired", "AUTH",
           "550 5.7.30 Basic authentication is not supported for Client Submission.",
           "EMAIL_OAUTH2_CLIENT_SECRET"),
    _reply("auth_mechanism_unsupported", "AUTH",
           "504 5.7.4 Unrecognized authentication type [DM6PR02CA0095.namprd02.prod.outlook.com]",
           "EMAIL_USE_TLS=True"),
    _reply("temporary_server_error", "AUTH",
           "451 4.7.0 Temporary server error. Please try again later. PRX4 "
           "[AM0PR04MB5678.eurprd04.prod.outlook.com]",
           "retries with backoff"),
    _reply("tls_version_unsupported", "EHLO_TLS",
           "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to "
           "support TLS 1.2. Visit https://aka.ms/smtp_auth_tls",
           "TLS 1.2"),
    # --- the sender: authorization, quotas, blocks ---
    _reply("not_authenticated", "MAIL",
           "530 5.7.57 Client not authenticated to send mail. "
           "[BY5PR04CA0011.namprd04.prod.outlook.com]",
           "EMAIL_USE_TLS=True"),
    _reply("send_as_denied", "MAIL",
           "550 5.7.60 SMTP; Client does not have permissions to send as this sender",
           "Add-RecipientPermission"),
    _reply("concurrent_connections", "MAIL",
           "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded "
           "[Hostname=AM0PR02MB1234.eurprd02.prod.outlook.com]",
           "3 or fewer"),
    _reply("daily_recipient_quota", "MAIL",
           "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to "
           "process message due to a permanent exception with message "
           "[BeginDiagnosticData]Cannot submit message.",
           "24-hour window"),
    _reply("external_recipient_quota", "MAIL",
           "550 5.7.233 Your message can't be sent because your tenant exceeded its daily limit "
           "for sending email to external recipients (tenant external recipient rate limit)",
           "pauses this sender"),
    _reply("throttled_mailbox_full", "MAIL",
           "550 5.2.251 Sender throttled due to continuous mailbox full errors.",
           "support cannot lift it"),
    _reply("throttled_send_as_denied", "MAIL",
           "550 5.2.252 Sender throttled due to continuous send as denied errors.",
           "support cannot lift it"),
    _reply("throttled_invalid_license", "MAIL",
           "550 5.2.253 Sender throttled due to continuous invalid license errors.",
           "Licenses and apps"),
    _reply("throttled_too_many_recipients", "MAIL",
           "550 5.2.254 Sender throttled due to continuous too many recipients errors.",
           "1,000 recipients"),
    _reply("throttled_invalid_recipients", "MAIL",
           "550 5.2.255 Sender throttled due to continuous invalid recipients errors.",
           "invalid addresses"),
    _reply("ip_throttling", "MAIL",
           "451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (AS761) "
           "[DM6NAM11FT012.eop-nam11.prod.protection.outlook.com]",
           "sending history"),
    _reply("tenant_threshold", "MAIL",
           "550 5.7.705 Access denied, tenant has exceeded threshold. For more information please "
           "go to https://go.microsoft.com/fwlink/?linkid=2150800",
           "Microsoft support"),
    _reply("ip_not_accepted", "MAIL",
           "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For "
           "more information please go to https://go.microsoft.com/fwlink/?linkid=2150800",
           "reputation"),
    _reply("unregistered_domain", "MAIL",
           "550 5.7.750 Service unavailable. Client blocked from sending from unregistered "
           "domains. For more information please go to "
           "https://go.microsoft.com/fwlink/?linkid=2150800",
           "Settings → Domains"),
    _reply("spam_abuse", "MAIL",
           "550 5.7.501 Access denied, spam abuse detected. For more information please go to "
           "https://go.microsoft.com/fwlink/?linkid=2150800",
           "reset its credentials"),
    _reply("bad_outbound_sender", "MAIL",
           "550 5.1.8 Access denied, bad outbound sender. "
           "[AM0PR02MB1234.eurprd02.prod.outlook.com]",
           "Restricted entities"),
    _reply("tenant_attribution_relay_denied", "MAIL",
           "550 5.7.64 TenantAttribution; Relay Access Denied "
           "[DM3NAM03FT035.eop-NAM03.prod.protection.outlook.com]",
           "inbound connector"),
    _reply("sender_mailbox_full", "MAIL",
           "554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException."
           "MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent "
           "exception with message [BeginDiagnosticData]Cannot submit message.",
           "Sent Items"),
    # --- one message, not the sender ---
    _reply("recipient_not_found", "MAIL",
           "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@boritrade.net not found "
           "by SMTP address lookup",
           "other messages are not affected"),
    _reply("message_too_large", "MAIL",
           "552 5.3.4 Message size exceeds fixed maximum message size",
           "smaller"),
]


def replay(server: SmtpServer, reply: Reply):
    """From now on ``server`` answers ``reply.verb`` with ``reply.text``."""
    if reply.verb == "EHLO_TLS":
        seen = []

        def after_starttls(_argument: str) -> bool:  # the second EHLO of the session
            seen.append(True)
            return len(seen) >= 2

        server.reply("EHLO", reply.text, when=after_starttls)
    else:
        server.reply(reply.verb, reply.text)
