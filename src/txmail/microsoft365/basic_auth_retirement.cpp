#include "txmail/microsoft365/basic_auth_retirement.h"

#include <atomic>

#include "txmail/config/settings.h"
#include "txmail/log/security_log.h"
#include "txmail/microsoft365/provider_limits.h"

namespace txmail::microsoft365 {

std::optional<std::string> basic_auth_retirement_warning(const config::Settings& settings) {
    const std::string host = settings.get_or("EMAIL_HOST", "");
    if (!is_exchange_online_smtp_host(host) || !settings.get("EMAIL_HOST_PASSWORD"))
        return std::nullopt;
    for (const char* name : {"EMAIL_OAUTH2_TENANT_ID", "EMAIL_OAUTH2_CLIENT_ID",
                             "EMAIL_OAUTH2_CLIENT_SECRET", "EMAIL_OAUTH2_TOKEN_URL"})
        if (settings.get(name))
            return std::nullopt;
    return "EMAIL_HOST " + host +
           " with EMAIL_HOST_PASSWORD uses basic authentication (an app password). Microsoft "
           "disables basic authentication for SMTP AUTH by default for existing tenants at the end "
           "of December 2026; from then on Exchange Online answers \"550 5.7.30 Basic "
           "authentication is not supported for Client Submission.\" Fix: set "
           "EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_ID and EMAIL_OAUTH2_CLIENT_SECRET to send "
           "with OAuth 2.0 (SMTP AUTH XOAUTH2), or use EMAIL_BACKEND=graph; see "
           "docs/microsoft365.md.";
}

void warn_if_basic_auth_retiring(const config::Settings& settings) {
    static std::atomic<bool> warned = false;
    auto warning = basic_auth_retirement_warning(settings);
    if (!warning || warned.exchange(true))
        return;
    log::SecurityEvent event{.level = log::Level::warning, .event = "basic_auth_retiring"};
    event.add("host", settings.get_or("EMAIL_HOST", "")).add("warning", *warning);
    log::log_security_event(event);
}

}  // namespace txmail::microsoft365
