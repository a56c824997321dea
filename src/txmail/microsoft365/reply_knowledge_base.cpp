#include "txmail/microsoft365/reply_knowledge_base.h"

#include <charconv>

namespace txmail::microsoft365 {
namespace {

// Microsoft Learn pages, one per topic; docs/microsoft365.md cites the same ones.
constexpr std::string_view kSmtpAuthPage =
    "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/"
    "authenticated-client-smtp-submission";
constexpr std::string_view kOAuthPage =
    "https://learn.microsoft.com/en-us/exchange/client-developer/legacy-protocols/"
    "how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth";
constexpr std::string_view kBasicAuthPage =
    "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/"
    "deprecation-of-basic-authentication-exchange-online";
constexpr std::string_view kClientSubmissionPage =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/"
    "fix-issues-with-printers-scanners-and-lob-applications-that-send-email-using-off";
constexpr std::string_view kLimitsPage =
    "https://learn.microsoft.com/en-us/office365/servicedescriptions/"
    "exchange-online-service-description/exchange-online-limits";
constexpr std::string_view kThrottlingPage =
    "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/"
    "continuous-error-throttling-smtp-auth-submissions";
constexpr std::string_view kTlsPage =
    "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/"
    "opt-in-exchange-online-endpoint-for-legacy-tls-using-smtp-auth";
constexpr std::string_view kSecurityDefaultsPage =
    "https://learn.microsoft.com/en-us/entra/fundamentals/security-defaults";
constexpr std::string_view kConditionalAccessPage =
    "https://learn.microsoft.com/en-us/entra/identity/conditional-access/"
    "block-legacy-authentication";
constexpr std::string_view kNdrListPage =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "non-delivery-reports-in-exchange-online";
constexpr std::string_view kNdr5_7_57Page =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-code-5-7-57-in-exchange-online";
constexpr std::string_view kNdr5_7_64Page =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-code-5-7-64-in-exchange-online";
constexpr std::string_view kNdr5_7_700Page =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-code-5-7-700-through-5-7-750";
constexpr std::string_view kIpThrottlingPage =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-code-451-4-7-500-699-asxxx-in-exchange-online";
constexpr std::string_view kNdr5_1_8Page =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-code-5-1-8-in-exchange-online";
constexpr std::string_view kNdr5_1_10Page =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-code-550-5-1-10-in-exchange-online";
constexpr std::string_view kSubmissionQuotaPage =
    "https://learn.microsoft.com/en-us/troubleshoot/exchange/email-delivery/ndr/"
    "fix-error-for-submission-quota-exceeded-in-exchange-online";
constexpr std::string_view kAadstsPage =
    "https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes";
constexpr std::string_view kGraphSendMailPage =
    "https://learn.microsoft.com/en-us/graph/api/user-sendmail";
constexpr std::string_view kGraphThrottlingPage =
    "https://learn.microsoft.com/en-us/graph/throttling-limits";

// Steps shared by several rules, written once.
constexpr std::string_view kEnableMailboxAdminCentre =
    "Per mailbox (this setting wins over the tenant's): Microsoft 365 admin center → Users → "
    "Active users → select <mailbox> → Mail → Manage email apps → tick Authenticated SMTP → Save "
    "changes.";
constexpr std::string_view kEnableMailboxPowerShell =
    "Or in Exchange Online PowerShell: Set-CASMailbox -Identity <mailbox> "
    "-SmtpClientAuthenticationDisabled $false";
constexpr std::string_view kEnableTenantPowerShell =
    "Tenant-wide (for mailboxes without a setting of their own): Set-TransportConfig "
    "-SmtpClientAuthenticationDisabled $false";
// Connect-ExchangeOnline's documented switch for a sign-in from another device is -Device;
// -UseDeviceAuthentication is Connect-AzAccount's and Connect-ExchangeOnline rejects it.
constexpr std::string_view kCloudShell =
    "No Exchange Online PowerShell at hand: open Azure Cloud Shell (https://shell.azure.com, "
    "PowerShell), run Connect-ExchangeOnline -Device (sign in with the code it shows), then the "
    "Set-... command above.";
constexpr std::string_view kRecommendOAuth =
    "Prefer OAuth 2.0: set EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_ID and "
    "EMAIL_OAUTH2_CLIENT_SECRET (docs/microsoft365.md). Microsoft disables basic authentication "
    "for SMTP AUTH by default at the end of December 2026; SMTP AUTH itself must stay enabled for "
    "the mailbox with OAuth too.";
constexpr std::string_view kOAuthPermission =
    "With OAuth: the app registration needs the application permission SMTP.SendAsApp (API "
    "\"Office 365 Exchange Online\") with admin consent, and the token's scope must be "
    "https://outlook.office365.com/.default.";
constexpr std::string_view kOAuthServicePrincipal =
    "Register the app in Exchange Online PowerShell: New-ServicePrincipal -AppId <appId> "
    "-ObjectId <object id of the Enterprise Application, not of the App Registration>";
constexpr std::string_view kOAuthMailboxPermission =
    "Give it the mailbox: Add-MailboxPermission -Identity <mailbox> -User <service principal id> "
    "-AccessRights FullAccess";
constexpr std::string_view kPasswordCheck =
    "With a password: EMAIL_HOST_USER must be the full address and EMAIL_HOST_PASSWORD its "
    "password (an app password when the account uses multifactor authentication).";
constexpr std::string_view kFromIsMailbox =
    "Send from the authenticated mailbox: DEFAULT_FROM_EMAIL (or the message's From) must be "
    "EMAIL_HOST_USER's address.";
constexpr std::string_view kGrantSendAs =
    "Or grant it Send As on the other address: Add-RecipientPermission -Identity <from address> "
    "-Trustee <mailbox> -AccessRights SendAs";
constexpr std::string_view kWaitItOut =
    "The block lifts by itself after a while; Microsoft support cannot lift it sooner. txmail "
    "pauses this sender instead of retrying into the block.";
constexpr std::string_view kCheckSecret =
    "Create a new client secret (Entra admin center → App registrations → the app → Certificates "
    "& secrets) and put its Value, not its Secret ID, in EMAIL_OAUTH2_CLIENT_SECRET.";

const std::vector<ReplyRule> kRules = {
    // --- 535 5.7.139: SMTP AUTH refused before the credentials were even checked. ---
    {.id = "smtp_auth_disabled_mailbox",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"SmtpClientAuthentication is disabled for the Mailbox"},
     .samples =
         {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
          "the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. "
          "[AM0PR02CA0001.eurprd02.prod.outlook.com]"},
     .cause = "SMTP AUTH (Authenticated SMTP) is turned off for this mailbox.",
     .remediation = {kEnableMailboxAdminCentre, kEnableMailboxPowerShell, kCloudShell,
                     kRecommendOAuth},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kSmtpAuthPage},
    {.id = "smtp_auth_disabled_tenant",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"SmtpClientAuthentication is disabled"},
     .samples =
         {"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
          "the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. "
          "[SN4PR0201CA0048.namprd02.prod.outlook.com]"},
     .cause = "SMTP AUTH (Authenticated SMTP) is turned off for the tenant, and the mailbox has "
              "no setting of its own that turns it on.",
     .remediation = {kEnableMailboxAdminCentre, kEnableMailboxPowerShell, kEnableTenantPowerShell,
                     kCloudShell, kRecommendOAuth},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kSmtpAuthPage},
    {.id = "basic_auth_disabled",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"basic authentication is disabled"},
     .samples = {"535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
                 "[DB8PR06CA0012.eurprd06.prod.outlook.com]"},
     .cause = "Basic authentication (user name and password) is blocked for SMTP AUTH in this "
              "tenant; only OAuth 2.0 is accepted.",
     .remediation = {kRecommendOAuth, kOAuthPermission, kOAuthServicePrincipal,
                     kOAuthMailboxPermission},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kBasicAuthPage},
    {.id = "security_defaults",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"security defaults policy"},
     .samples = {"535 5.7.139 Authentication unsuccessful, user is locked by your organization's "
                 "security defaults policy. Contact your administrator. "
                 "[BN9PR03CA0123.namprd03.prod.outlook.com]"},
     .cause = "Microsoft Entra security defaults are on; they block basic authentication, so SMTP "
              "AUTH with a password is refused.",
     .remediation = {kRecommendOAuth,
                     "Or turn security defaults off (Entra admin center → Identity → Overview → "
                     "Properties → Manage security defaults) and protect sign-ins with "
                     "Conditional Access instead."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kSecurityDefaultsPage},
    {.id = "conditional_access",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"did not meet the criteria to be authenticated"},
     .samples =
         {"535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to "
          "be authenticated successfully. Contact your administrator. "
          "[LO4P123CA0456.GBRP123.PROD.OUTLOOK.COM]"},
     .cause = "A Conditional Access policy (for example one that blocks legacy authentication, or "
              "allows sign-in only from some locations) refused this sign-in.",
     .remediation = {"Find the policy in the mailbox's sign-in logs (Entra admin center → Users → "
                     "<mailbox> → Sign-in logs → Conditional Access tab).",
                     "Exclude this mailbox from that policy, or allow this server's address.",
                     kRecommendOAuth},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kConditionalAccessPage},
    {.id = "credentials_incorrect",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"user credentials were incorrect"},
     .samples = {"535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
                 "[PA7P264CA0089.FRAP264.PROD.OUTLOOK.COM]"},
     .cause = "The user name or password was refused.",
     .remediation = {kPasswordCheck, kRecommendOAuth},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kSmtpAuthPage},
    {.id = "federated_sts_unreachable",
     .code = 535,
     .status = "5.7.139",
     .all_of = {"federated STS"},
     .samples = {"535 5.7.139 Authentication unsuccessful, federated STS service was unreachable.",
                 "535 5.7.139 Authentication unsuccessful, the federated STS URL does not support "
                 "HTTPS."},
     .cause = "The account is federated and Exchange Online could not reach its on-premises "
              "federation server (or not over TLS 1.2) to check the password.",
     .remediation = {"Make the federation server reachable from the internet over HTTPS with TLS "
                     "1.2 or newer.",
                     kRecommendOAuth},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kClientSubmissionPage},
    {.id = "auth_refused_5_7_139",
     .code = 535,
     .status = "5.7.139",
     .samples = {"535 5.7.139 Authentication unsuccessful "
                 "[CH2PR11CA0002.namprd11.prod.outlook.com]"},
     .cause = "Exchange Online refused SMTP AUTH for this account for a reason of policy (the "
              "reply's text says which).",
     .remediation = {kEnableMailboxAdminCentre, kEnableMailboxPowerShell, kEnableTenantPowerShell,
                     "Check the mailbox's sign-in logs in the Entra admin center for the reason.",
                     kRecommendOAuth},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kSmtpAuthPage},

    // --- Other authentication failures. ---
    {.id = "auth_unsuccessful",
     .code = 535,
     .status = "5.7.3",
     .samples = {"535 5.7.3 Authentication unsuccessful [MW4PR03CA0061.namprd03.prod.outlook.com]"},
     .cause = "Exchange Online refused the credentials: a wrong password, or an OAuth token that "
              "does not grant this mailbox.",
     .remediation = {kOAuthPermission, kOAuthServicePrincipal, kOAuthMailboxPermission,
                     "EMAIL_HOST_USER must be the mailbox's address (XOAUTH2 user=).",
                     kPasswordCheck, kEnableMailboxPowerShell},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kOAuthPage},
    {.id = "basic_auth_retired",
     .code = 550,
     .status = "5.7.30",
     .samples = {"550 5.7.30 Basic authentication is not supported for Client Submission."},
     .cause = "Basic authentication for SMTP AUTH is retired in this tenant; passwords and app "
              "passwords no longer work.",
     .remediation = {kRecommendOAuth, kOAuthPermission, kOAuthServicePrincipal,
                     kOAuthMailboxPermission},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kBasicAuthPage},
    {.id = "not_authenticated",
     .code = 530,
     .status = "5.7.57",
     .samples = {"530 5.7.57 Client not authenticated to send mail. "
                 "[BY5PR04CA0011.namprd04.prod.outlook.com]"},
     .cause = "The client sent MAIL FROM without a successful AUTH; smtp.office365.com only "
              "accepts authenticated submission.",
     .remediation = {"Set EMAIL_HOST_USER and EMAIL_HOST_PASSWORD, or the EMAIL_OAUTH2_* settings.",
                     "Use port 587 with EMAIL_USE_TLS=True: Exchange Online offers AUTH only "
                     "after STARTTLS.",
                     "If an AUTH failed before this reply, fix that first (txmail doctor shows "
                     "it)."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kNdr5_7_57Page},
    {.id = "auth_mechanism_unsupported",
     .code = 504,
     .status = "5.7.4",
     .samples = {"504 5.7.4 Unrecognized authentication type "
                 "[DM6PR02CA0095.namprd02.prod.outlook.com]"},
     .cause = "The server does not offer the authentication mechanism the client used (Exchange "
              "Online offers LOGIN and XOAUTH2 after STARTTLS, never PLAIN).",
     .remediation = {"Use port 587 with EMAIL_USE_TLS=True so that AUTH is offered at all.",
                     "Use OAuth (XOAUTH2) or a password (LOGIN); txmail doctor lists what the "
                     "server offers."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kSmtpAuthPage},
    {.id = "tls_version_unsupported",
     .code = 421,
     .status = "4.7.66",
     .samples = {"421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client "
                 "to support TLS 1.2. Visit https://aka.ms/smtp_auth_tls "
                 "[AM6P192CA0042.EURP192.PROD.OUTLOOK.COM]"},
     .cause = "The connection negotiated TLS 1.0 or 1.1; Exchange Online requires TLS 1.2 or "
              "newer.",
     .remediation = {"Allow TLS 1.2 or 1.3 in the system's OpenSSL configuration "
                     "(/etc/ssl/openssl.cnf MinProtocol) and in any TLS-intercepting proxy.",
                     "txmail doctor shows the TLS version negotiated."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kTlsPage},

    // --- Continuous error throttling: 5xx codes for a block that expires by itself. ---
    {.id = "throttled_mailbox_full",
     .code = 550,
     .status = "5.2.251",
     .samples = {"550 5.2.251 Sender throttled due to continuous mailbox full errors."},
     .cause = "Exchange Online blocked this mailbox from SMTP AUTH for a while because its "
              "submissions kept failing with mailbox full.",
     .remediation = {"Empty the mailbox's Sent Items (SMTP AUTH keeps a copy of every message "
                     "there) or raise its quota.",
                     kWaitItOut},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kThrottlingPage},
    {.id = "throttled_send_as_denied",
     .code = 550,
     .status = "5.2.252",
     .all_of = {"throttled"},
     .samples = {"550 5.2.252 Sender throttled due to continuous send as denied errors."},
     .cause = "Exchange Online blocked this mailbox from SMTP AUTH for a while because its "
              "submissions kept failing with send-as denied.",
     .remediation = {kFromIsMailbox, kGrantSendAs, kWaitItOut},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kThrottlingPage},
    {.id = "throttled_invalid_license",
     .code = 550,
     .status = "5.2.253",
     .samples = {"550 5.2.253 Sender throttled due to continuous invalid license errors."},
     .cause = "Exchange Online blocked this mailbox from SMTP AUTH for a while because its "
              "submissions kept failing for want of a valid licence.",
     .remediation = {"Assign the mailbox a licence that includes Exchange Online (Microsoft 365 "
                     "admin center → Users → Active users → <mailbox> → Licenses and apps).",
                     kWaitItOut},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kThrottlingPage},
    {.id = "throttled_too_many_recipients",
     .code = 550,
     .status = "5.2.254",
     .samples = {"550 5.2.254 Sender throttled due to continuous too many recipients errors."},
     .cause = "Exchange Online blocked this mailbox from SMTP AUTH for a while because its "
              "messages kept exceeding the recipient limit per message.",
     .remediation = {"Send to at most 1,000 recipients per message (less if the tenant lowered "
                     "the limit).",
                     kWaitItOut},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kThrottlingPage},
    {.id = "throttled_invalid_recipients",
     .code = 550,
     .status = "5.2.255",
     .samples = {"550 5.2.255 Sender throttled due to continuous invalid recipients errors."},
     .cause = "Exchange Online blocked this mailbox from SMTP AUTH for a while because its "
              "messages kept going to invalid recipients.",
     .remediation = {"Find and remove the invalid addresses (txmail outbox list shows failed "
                     "recipients).",
                     kWaitItOut},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kThrottlingPage},

    // --- Who may send as whom. ---
    {.id = "send_as_denied",
     .any_of = {"SendAsDenied", "send as this sender", "not allowed to send as"},
     .samples =
         {"554 5.2.252 SendAsDenied; noreply@boritrade.net not allowed to send as "
          "billing@boritrade.net; STOREDRV.Submission.Exception:SendAsDeniedException."
          "MapiExceptionSendAsDenied; Failed to process message due to a permanent exception "
          "with message [BeginDiagnosticData]Cannot submit message.",
          "550 5.7.60 SMTP; Client does not have permissions to send as this sender"},
     .cause = "The From address is neither the authenticated mailbox nor one it may send as.",
     .remediation = {kFromIsMailbox, kGrantSendAs},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kClientSubmissionPage},

    // --- Quotas and throttling. ---
    {.id = "concurrent_connections",
     .code = 432,
     .status = "4.3.2",
     .samples = {"432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded "
                 "[Hostname=AM0PR02MB1234.eurprd02.prod.outlook.com]",
                 "432 4.3.2 Concurrent connections limit exceeded. Visit "
                 "https://aka.ms/concurrent_sending for more information. "
                 "[Hostname=BN8PR04MB5801.namprd04.prod.outlook.com]"},
     .cause = "More than 3 connections submit through this mailbox at once (Exchange Online's "
              "limit per mailbox).",
     .remediation = {"Retry later; lower the number of workers sending as this mailbox to 3 or "
                     "fewer, across every txmail instance and any other application using it."},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kLimitsPage},
    {.id = "daily_recipient_quota",
     .any_of = {"SubmissionQuotaExceeded", "submission quota was exceeded",
                "Submission quota exceeded", "daily limit for message recipients"},
     .samples = {"554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed "
                 "to process message due to a permanent exception with message "
                 "[BeginDiagnosticData]Cannot submit message.",
                 "550 5.1.90 Your message can't be sent because you've reached your daily limit "
                 "for message recipients"},
     .cause = "The mailbox reached its limit of 10,000 recipients per rolling 24 hours.",
     .remediation = {"Wait until the oldest sends leave the 24-hour window; txmail pauses this "
                     "sender meanwhile.",
                     "If txmail did not send that much, the account may be compromised: check it "
                     "and reset its credentials.",
                     "For more volume, spread the mail over several mailboxes or use a service "
                     "made for bulk mail."},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kSubmissionQuotaPage},
    {.id = "external_recipient_quota",
     .status = "5.7.233",
     .samples = {"550 5.7.233 Your message can't be sent because your tenant exceeded its daily "
                 "limit for sending email to external recipients (tenant external recipient rate "
                 "limit)"},
     .cause = "The tenant reached its daily limit of messages to external recipients.",
     .remediation = {"Wait for the limit's window to pass; txmail pauses this sender meanwhile.",
                     "The limit grows with the tenant's number of licences; see the Exchange "
                     "Online limits."},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kNdrListPage},
    {.id = "ip_throttling",
     .code = 451,
     .status = "4.7.500-699",
     .samples = {"451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (AS761) "
                 "[DM6NAM11FT012.eop-nam11.prod.protection.outlook.com]",
                 "451 4.7.500 Access denied, please try again later"},
     .cause = "Exchange Online throttles this server's IP address: it sends more than its "
              "history so far (IP throttling).",
     .remediation = {"Retry later; the block eases as the address builds a sending history.",
                     "Ramp volume up gradually from a new address."},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kIpThrottlingPage},
    {.id = "temporary_server_error",
     .code = 451,
     .status = "4.7.0",
     .all_of = {"Temporary server error"},
     .samples = {"451 4.7.0 Temporary server error. Please try again later. PRX4 "
                 "[AM0PR04MB5678.eurprd04.prod.outlook.com]"},
     .cause = "A transient fault inside Exchange Online.",
     .remediation = {"Nothing to change: txmail retries with backoff. If it lasts more than an "
                     "hour, check Service health in the Microsoft 365 admin center."},
     .kind = ErrorKind::transient,
     // No Microsoft Learn page documents this reply.
     .reference = {}},

    // --- The tenant, the sender or the IP is blocked. ---
    {.id = "tenant_threshold",
     .status = "5.7.705",
     .samples = {"550 5.7.705 Access denied, tenant has exceeded threshold. For more information "
                 "please go to https://go.microsoft.com/fwlink/?linkid=2150800"},
     .cause = "Exchange Online stopped outbound mail from the whole tenant, usually after spam "
              "from compromised accounts.",
     .remediation = {"Secure the tenant's accounts, then ask Microsoft support to unblock the "
                     "tenant."},
     .systemic = true,
     .reference = kNdr5_7_700Page},
    {.id = "ip_not_accepted",
     .status = "5.7.708",
     .samples =
         {"550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. "
          "For more information please go to https://go.microsoft.com/fwlink/?linkid=2150800"},
     .cause = "Exchange Online does not accept mail from this tenant through this IP address "
              "(typically a new tenant sending from a low-reputation address).",
     .remediation = {"Send from an address with a good reputation, or ask Microsoft support to "
                     "review the block."},
     .systemic = true,
     .reference = kNdr5_7_700Page},
    {.id = "unregistered_domain",
     .status = "5.7.750",
     .samples = {"550 5.7.750 Service unavailable. Client blocked from sending from unregistered "
                 "domains. For more information please go to "
                 "https://go.microsoft.com/fwlink/?linkid=2150800"},
     .cause = "The sender's domain is not an accepted (verified) domain of the tenant.",
     .remediation = {"Add and verify the From address's domain in the Microsoft 365 admin center "
                     "(Settings → Domains), or send from a verified domain."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kNdr5_7_700Page},
    {.id = "spam_abuse",
     .status = "5.7.501",
     .samples =
         {"550 5.7.501 Access denied, spam abuse detected. For more information please go to "
          "https://go.microsoft.com/fwlink/?linkid=2150800"},
     .cause = "Exchange Online detected spam from this sender and blocked it.",
     .remediation = {"Find out what was sent (message trace), make sure the account is secure and "
                     "reset its credentials, then ask Microsoft support to restore its sending."},
     .systemic = true,
     .reference = kNdrListPage},
    {.id = "bad_outbound_sender",
     .status = "5.1.8",
     .samples = {"550 5.1.8 Access denied, bad outbound sender. "
                 "[AM0PR02MB1234.eurprd02.prod.outlook.com]"},
     .cause = "The mailbox is on the Restricted users list: it was blocked for sending spam.",
     .remediation = {"Secure the account (reset its credentials, check inbox rules and "
                     "forwarding), then release it in the Microsoft Defender portal → Email & "
                     "collaboration → Review → Restricted entities (https://security.microsoft.com/"
                     "restrictedusers); sending resumes within a few hours."},
     .systemic = true,
     .reference = kNdr5_1_8Page},
    {.id = "tenant_attribution_relay_denied",
     .status = "5.7.64",
     .samples = {"550 5.7.64 TenantAttribution; Relay Access Denied "
                 "[DM3NAM03FT035.eop-NAM03.prod.protection.outlook.com]"},
     .cause = "The message came in over a connector Exchange Online cannot attribute to the "
              "tenant (relay through the MX endpoint without a matching inbound connector).",
     .remediation = {"Submit to smtp.office365.com:587 with authentication instead of relaying "
                     "to the MX endpoint, or fix the inbound connector (the server's IP or "
                     "certificate must match it)."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kNdr5_7_64Page},
    {.id = "sender_mailbox_full",
     .status = "5.2.2",
     .any_of = {"mailbox full", "QuotaExceeded"},
     .samples = {"554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException."
                 "MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent "
                 "exception with message [BeginDiagnosticData]Cannot submit message."},
     .cause = "The sending mailbox is full; SMTP AUTH saves a copy of each message in Sent Items, "
              "which filled it.",
     .remediation = {"Empty Sent Items (or have a retention policy do it) or raise the mailbox's "
                     "quota."},
     .systemic = true,
     .reference = kNdrListPage},

    // --- About one message, not the sender. ---
    {.id = "recipient_not_found",
     .any_of = {"RecipientNotFound", "RecipNotFound"},
     .samples = {"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient nobody@boritrade.net not "
                 "found by SMTP address lookup"},
     .cause = "A recipient address does not exist.",
     .remediation = {"Correct or remove the recipient; other messages are not affected."},
     .reference = kNdr5_1_10Page},
    {.id = "message_too_large",
     .status = "5.3.4",
     .samples = {"552 5.3.4 Message size exceeds fixed maximum message size"},
     .cause = "The message, or its header block (256 KB at most), is larger than Exchange Online "
              "accepts.",
     .remediation = {"Make the message or its attachments smaller; other messages are not "
                     "affected."},
     .reference = kLimitsPage},

    // --- Microsoft Graph sendMail. ---
    {.id = "graph_access_denied",
     .any_of = {"ErrorAccessDenied"},
     .samples = {"403 ErrorAccessDenied: Access is denied. Check credentials and try again."},
     .cause = "The app may not send as this mailbox through Microsoft Graph.",
     .remediation = {"Grant the app registration the Microsoft Graph application permission "
                     "Mail.Send, with admin consent.",
                     "If RBAC for Applications or an application access policy narrows the app's "
                     "mailboxes, include <mailbox>."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kGraphSendMailPage},
    {.id = "graph_mailbox_not_enabled",
     .any_of = {"MailboxNotEnabledForRESTAPI"},
     .samples =
         {"404 MailboxNotEnabledForRESTAPI: The mailbox is either inactive, soft-deleted, or is "
          "hosted on-premise."},
     .cause = "The user has no Exchange Online mailbox Graph can send from.",
     .remediation = {"Check that EMAIL_HOST_USER names a licensed Exchange Online mailbox."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kGraphSendMailPage},
    {.id = "graph_user_not_found",
     .any_of = {"ErrorInvalidUser"},
     .samples = {"404 ErrorInvalidUser: The requested user 'noreply@boritrade.net' is invalid."},
     .cause = "Microsoft Graph does not know the user named in EMAIL_HOST_USER.",
     .remediation = {"Set EMAIL_HOST_USER to the mailbox's user principal name or object id."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kGraphSendMailPage},
    {.id = "graph_throttled",
     .code = 429,
     .samples = {"429 ApplicationThrottled: Application is over its MailboxConcurrency limit."},
     .cause = "Microsoft Graph throttles this app and mailbox (4 concurrent requests, 10,000 "
              "requests per 10 minutes).",
     .remediation = {"Nothing to change: txmail waits as Retry-After asks. If it persists, lower "
                     "the workers sending as this mailbox."},
     .systemic = true,
     .kind = ErrorKind::transient,
     .reference = kGraphThrottlingPage},
    {.id = "graph_mime_invalid",
     .any_of = {"ErrorMimeContentInvalidBase64String"},
     .samples =
         {"400 ErrorMimeContentInvalidBase64String: Invalid base64 string for MIME content."},
     .cause = "Microsoft Graph could not decode the message's base64 MIME body.",
     .remediation = {"This is a txmail bug: report it with the message's id (txmail outbox show)."},
     .kind = ErrorKind::internal,
     .reference = kGraphSendMailPage},

    // --- Microsoft identity platform (token endpoint). ---
    {.id = "aadsts_invalid_client_secret",
     .any_of = {"AADSTS7000215"},
     .samples =
         {"401 AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the "
          "request is the client secret value, not the client secret ID, for a secret added "
          "to app '00000000-0000-0000-0000-000000000000'."},
     .cause = "The identity platform refused EMAIL_OAUTH2_CLIENT_SECRET.",
     .remediation = {kCheckSecret},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_client_secret_expired",
     .any_of = {"AADSTS7000222"},
     .samples = {"401 AADSTS7000222: The provided client secret keys for app "
                 "'00000000-0000-0000-0000-000000000000' are expired. Visit the Azure portal to "
                 "create new keys for your app: https://aka.ms/NewClientSecret, or consider using "
                 "certificate credentials for added security: https://aka.ms/certCreds."},
     .cause = "EMAIL_OAUTH2_CLIENT_SECRET has expired.",
     .remediation = {kCheckSecret, "Note the new secret's expiry date and rotate it before then."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_missing_client_secret",
     .any_of = {"AADSTS7000218"},
     .samples = {"400 AADSTS7000218: The request body must contain the following parameter: "
                 "'client_assertion' or 'client_secret'."},
     .cause = "No client secret reached the identity platform.",
     .remediation = {"Set EMAIL_OAUTH2_CLIENT_SECRET."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_application_not_found",
     .any_of = {"AADSTS700016"},
     .samples =
         {"400 AADSTS700016: Application with identifier '00000000-0000-0000-0000-000000000000' "
          "was not found in the directory 'Boritrade LLC'. This can happen if the application "
          "has not been installed by the administrator of the tenant or consented to by any "
          "user in the tenant. You may have sent your authentication request to the wrong "
          "tenant."},
     .cause = "EMAIL_OAUTH2_CLIENT_ID names no app in the tenant EMAIL_OAUTH2_TENANT_ID.",
     .remediation = {"Copy the Application (client) ID and the Directory (tenant) ID from the app "
                     "registration's Overview page."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_application_disabled",
     .any_of = {"AADSTS7000112"},
     .samples = {"400 AADSTS7000112: Application '00000000-0000-0000-0000-000000000000'(txmail) is "
                 "disabled."},
     .cause = "The app's service principal is disabled in the tenant.",
     .remediation = {"Enable it: Entra admin center → Enterprise applications → the app → "
                     "Properties → Enabled for users to sign in? → Yes."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_tenant_not_found",
     .any_of = {"AADSTS90002", "AADSTS900023"},
     .samples =
         {"400 AADSTS90002: Tenant 'boritrade.example' not found. Check to make sure you have "
          "the correct tenant ID and are signing into the correct cloud. Check with your "
          "subscription administrator, this may happen if there are no active subscriptions "
          "for the tenant.",
          "400 AADSTS900023: Specified tenant identifier 'boritrade' is neither a valid DNS "
          "name, nor a valid external domain."},
     .cause = "EMAIL_OAUTH2_TENANT_ID names no tenant.",
     .remediation = {"Set EMAIL_OAUTH2_TENANT_ID to the Directory (tenant) ID, a GUID, or the "
                     "tenant's verified domain."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_resource_not_found",
     .any_of = {"AADSTS500011"},
     .samples =
         {"400 AADSTS500011: The resource principal named https://outlook.office365.com was not "
          "found in the tenant named Boritrade LLC. This can happen if the application has "
          "not been installed by the administrator of the tenant or consented to by any user "
          "in the tenant. You might have sent your authentication request to the wrong "
          "tenant."},
     .cause = "The tenant has no Exchange Online (or the wrong tenant was asked).",
     .remediation = {"Check EMAIL_OAUTH2_TENANT_ID, and that the tenant has Exchange Online "
                     "licences."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_invalid_scope",
     .any_of = {"AADSTS70011", "AADSTS1002012"},
     .samples =
         {"400 AADSTS1002012: The provided value for scope https://outlook.office365.com is not "
          "valid. Client credential flows must have a scope value with /.default suffixed to "
          "the resource identifier (application ID URI).",
          "400 AADSTS70011: The provided request must include a 'scope' input parameter."},
     .cause = "The token request's scope was refused.",
     .remediation = {"txmail asks for https://outlook.office365.com/.default (SMTP) or "
                     "https://graph.microsoft.com/.default (Graph); check EMAIL_OAUTH2_TOKEN_URL "
                     "points at the identity platform's v2.0 token endpoint."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kAadstsPage},
    {.id = "aadsts_conditional_access",
     .any_of = {"AADSTS53003"},
     .samples =
         {"400 AADSTS53003: Access has been blocked by Conditional Access policies. The access "
          "policy does not allow token issuance."},
     .cause = "A Conditional Access policy for workload identities refuses this app a token.",
     .remediation = {"Find the policy in the service principal's sign-in logs (Entra admin center "
                     "→ Enterprise applications → the app → Sign-in logs) and exclude the app or "
                     "allow this server's address."},
     .systemic = true,
     .kind = ErrorKind::config,
     .reference = kConditionalAccessPage},
};

int parse_int(std::string_view digits) {
    int value = -1;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size())
        return -1;
    return value;
}

}  // namespace

std::span<const ReplyRule> reply_rules() {
    return kRules;
}

bool status_matches(std::string_view pattern, std::string_view status) {
    if (pattern.empty())
        return true;
    const auto dash = pattern.find('-');
    if (dash == std::string_view::npos)
        return pattern == status;
    // "4.7.500-699": same class and subject, detail within the range.
    const auto last_dot = pattern.rfind('.', dash);
    const std::string_view prefix = pattern.substr(0, last_dot + 1);
    if (!status.starts_with(prefix))
        return false;
    const int detail = parse_int(status.substr(prefix.size()));
    const int low = parse_int(pattern.substr(last_dot + 1, dash - last_dot - 1));
    const int high = parse_int(pattern.substr(dash + 1));
    return detail >= 0 && detail >= low && detail <= high;
}

}  // namespace txmail::microsoft365
