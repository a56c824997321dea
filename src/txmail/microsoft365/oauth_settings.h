// OAuth 2.0 client-credentials settings for Microsoft 365 (DESIGN.md "Microsoft 365 facts"):
// EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_ID, EMAIL_OAUTH2_CLIENT_SECRET, and
// EMAIL_OAUTH2_TOKEN_URL (the full token URL; tests point it at a local stand-in).
//
// Contract: none of the three set -> OAuth is not configured (SMTP falls back to the password);
// some but not all -> config error naming every missing setting. The scope depends on the API the
// token is for (SMTP AUTH or Graph), not on a setting. Endpoint URLs must be https, except on
// loopback (stand-ins), so the client secret and bearer tokens never cross a network in clear.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::microsoft365 {

// The resource a token is requested for; each has its own `.default` scope.
enum class Api { smtp, graph };

inline constexpr std::string_view smtp_scope = "https://outlook.office365.com/.default";
inline constexpr std::string_view graph_scope = "https://graph.microsoft.com/.default";
std::string_view scope_for(Api api);

struct OAuthSettings {
    std::string tenant_id;
    std::string client_id;
    std::string client_secret;  // never logged, never in an Error
    std::string token_url;      // EMAIL_OAUTH2_TOKEN_URL or the identity platform's, per tenant
    std::string scope;
    std::string ca_file;  // EMAIL_SSL_CAFILE: a private CA for a TLS stand-in; empty = system CAs
    std::chrono::milliseconds timeout{30'000};  // EMAIL_TIMEOUT, per HTTP request
};

// nullopt when no EMAIL_OAUTH2_* credential is set.
Result<std::optional<OAuthSettings>> load_oauth_settings(const config::Settings& settings, Api api);
// As above, but OAuth is mandatory (Graph): nothing configured is a config error too.
Result<OAuthSettings> require_oauth_settings(const config::Settings& settings, Api api);

// "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
std::string default_token_url(std::string_view tenant_id);

// Accepts https://host[...] and, for loopback hosts only, http://; the error names the setting.
Result<void> check_endpoint_url(std::string_view setting, std::string_view url);

// EMAIL_TIMEOUT (seconds, fractional allowed, as Django) as a request timeout; default 30 s.
Result<std::chrono::milliseconds> request_timeout(const config::Settings& settings);

}  // namespace txmail::microsoft365
