// The start-up warning for app passwords on Exchange Online (DESIGN.md "Microsoft 365 facts"):
// basic authentication for SMTP AUTH keeps working until the end of December 2026, then Microsoft
// disables it by default for existing tenants and submissions fail with
// "550 5.7.30 Basic authentication is not supported for Client Submission.".
//
// Called where the SMTP backend is built: EMAIL_HOST is an Exchange Online submission host,
// EMAIL_HOST_PASSWORD is set and no EMAIL_OAUTH2_* setting is -> one warning that names the
// retirement and the fix (OAuth 2.0 with XOAUTH2, or the Graph backend).
#pragma once

#include <optional>
#include <string>

namespace txmail::config {
class Settings;
}

namespace txmail::microsoft365 {

// The warning text, or nullopt when it does not apply. Pure.
std::optional<std::string> basic_auth_retirement_warning(const config::Settings& settings);

// Logs the warning (security logger) when it applies, at most once per process.
void warn_if_basic_auth_retiring(const config::Settings& settings);

}  // namespace txmail::microsoft365
