#include "txmail/config/known_settings.h"

#include <algorithm>
#include <array>

namespace txmail::config {
namespace {

using enum SettingType;

// Order is the order `txmail config` prints: delivery first, then the service, then the site.
// Defaults make `make run` work with nothing set (DESIGN.md): file backend into var/mail/, SQLite
// in var/. EMAIL_TIMEOUT: Django's default is None (wait forever); a service must not hang on a
// dead server, so ours is 30 seconds.
constexpr std::array kKnownSettings = std::to_array<KnownSetting>({
    {"EMAIL_BACKEND", "file", text, false,
     "delivery backend: smtp, graph, file, console, memory, dummy (or Django's dotted path)"},
    {"EMAIL_HOST", "localhost", text, false, "SMTP server host"},
    {"EMAIL_PORT", "25", integer, false, "SMTP server port (Microsoft 365: 587 with STARTTLS)"},
    {"EMAIL_USE_TLS", "False", boolean, false, "require STARTTLS before anything else is sent"},
    {"EMAIL_USE_SSL", "False", boolean, false, "implicit TLS from the first byte (port 465)"},
    {"EMAIL_HOST_USER", "", text, false, "SMTP AUTH login, usually the sending mailbox"},
    {"EMAIL_HOST_PASSWORD", "", text, true, "SMTP AUTH password (or app password)"},
    {"EMAIL_TIMEOUT", "30", number, false,
     "seconds allowed for connecting and for each command (Django: no limit)"},
    {"EMAIL_SSL_CAFILE", "", text, false,
     "PEM file of a private CA to trust (system CAs if unset)"},
    {"EMAIL_SSL_CERTFILE", "", text, false, "PEM client certificate for TLS"},
    {"EMAIL_SSL_KEYFILE", "", text, false, "PEM private key of the client certificate"},
    {"EMAIL_FILE_PATH", "var/mail", text, false, "directory the file backend writes .eml files to"},
    {"DEFAULT_FROM_EMAIL", "Boritrader <noreply@localhost>", text, false,
     "sender when a message names none"},
    {"EMAIL_OAUTH2_TENANT_ID", "", text, false, "Microsoft Entra tenant (ID or domain) for OAuth"},
    {"EMAIL_OAUTH2_CLIENT_ID", "", text, false, "application (client) ID of the app registration"},
    {"EMAIL_OAUTH2_CLIENT_SECRET", "", text, true, "client secret of the app registration"},
    {"EMAIL_OAUTH2_TOKEN_URL", "", text, false,
     "token endpoint (default: the identity platform's, for the tenant)"},
    {"EMAIL_GRAPH_URL", "https://graph.microsoft.com", text, false,
     "Microsoft Graph base URL (the graph backend)"},
    {"EMAIL_RATE_LIMIT", "", text, false,
     "messages per sender (30/min, 2/s, 1000/h, none); empty: the provider's own limit"},
    {"TXMAIL_DATABASE_URL", "sqlite:///var/txmail.db", text, false,
     "outbox database: sqlite:///relative.db, sqlite:////absolute.db, postgresql://..."},
    {"TXMAIL_WORKERS", "2", integer, false, "dispatcher workers, each with its own connection"},
    {"TXMAIL_LEASE", "2min", text, false,
     "how long a worker holds a message before another may take it (longer than one send)"},
    {"TXMAIL_DISPATCH_IDLE", "1s", text, false,
     "idle dispatcher's longest wait before it looks for messages other processes queued"},
    {"TXMAIL_RETRY_MIN", "1min", text, false, "first retry delay (doubles, with jitter)"},
    {"TXMAIL_RETRY_MAX", "1h", text, false, "longest delay between two attempts"},
    {"TXMAIL_RETRY_ATTEMPTS", "8", integer, false, "attempts before a message is dead"},
    {"TXMAIL_RETRY_MAX_AGE", "24h", text, false, "age at which an undelivered message is dead"},
    {"TXMAIL_SENDER_PAUSE_MIN", "1min", text, false,
     "first pause of a sender whose failures are systemic (authentication, quota...)"},
    {"TXMAIL_SENDER_PAUSE_MAX", "30min", text, false, "longest pause between two probes"},
    {"TXMAIL_RETENTION", "", text, false,
     "txmail serve deletes finished messages and Stripe webhook requests older than this "
     "(90d); empty: keeps everything"},
    {"TXMAIL_LISTEN", "127.0.0.1:8025", text, false, "address:port the HTTP service listens on"},
    {"TXMAIL_API_TOKEN", "", text, true, "bearer token required on /v1/*"},
    {"TXMAIL_ADMIN_TOKEN", "", text, true,
     "token for an /admin page, which this version does not serve yet"},
    {"STRIPE_WEBHOOK_SECRET", "", text, true,
     "Stripe signing secret(s), comma-separated during rotation"},
    {"STRIPE_PRICE_NAMES", "", text, false,
     "plan names for Stripe price IDs, e.g. price_123=Basic,price_456=Pro"},
    {"TXMAIL_TEMPLATE_DIR", "", text, false,
     "directory of templates overriding the built-in ones; empty: built-in only"},
    {"TXMAIL_LOG_FORMAT", "text", text, false, "log line format: text or json"},
    {"SITE_NAME", "Boritrader", text, false, "product name used in emails"},
    {"SITE_URL", "http://localhost:8000", text, false, "base URL for links in emails"},
    {"SUPPORT_EMAIL", "support@localhost", text, false, "support address shown in emails"},
    {"COMPANY_NAME", "Boritrade LLC", text, false, "company name in email footers"},
    {"TXMAIL_ENV_FILE", ".env", text, false,
     "the .env file read at start-up (environment only; relative to the working directory)"},
});

}  // namespace

std::span<const KnownSetting> known_settings() {
    return kKnownSettings;
}

const KnownSetting* find_known_setting(std::string_view name) {
    auto it = std::ranges::find(kKnownSettings, name, &KnownSetting::name);
    return it == kKnownSettings.end() ? nullptr : &*it;
}

}  // namespace txmail::config
