// Exchange Online's refusal of SMTP AUTH for the tenant, as smtp.office365.com sends it (the
// reply Boritrader's team troubleshot by hand), for the unit tests that show what txmail makes
// of it. tests/integration/support/exchange_replies.py has it with the other replies.
#pragma once

#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::testing {

inline constexpr std::string_view tenant_smtp_auth_disabled_text =
    "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. "
    "Visit https://aka.ms/smtp_auth_disabled for more information.";

// The reply as a send's Error carries it; `message` is the transport's own sentence.
inline Error tenant_smtp_auth_disabled(std::string message) {
    Error error = Error::permanent(std::move(message));
    error.code = 535;
    error.enhanced_status = "5.7.139";
    error.reply = "535 " + std::string(tenant_smtp_auth_disabled_text);
    return error;
}

}  // namespace txmail::testing
