// What `txmail doctor` is to check, read from the settings exactly as the backends read them (the
// SMTP backend's load_smtp_options(), with its Exchange Online rules: port 587 with STARTTLS,
// never 465): the server, how to reach it (TLS mode, timeout, CAs), how to sign in (OAuth 2.0 or a
// password) and as whom, and the sender (DEFAULT_FROM_EMAIL). Errors name the setting and value.
//
// Beyond that it knows which AUTH mechanism the backend will pick and that From must be the
// mailbox unless the mailbox has Send As on it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "txmail/mail/address.h"
#include "txmail/microsoft365/oauth_settings.h"
#include "txmail/transport/probe_connection.h"
#include "txmail/transport/smtp_options.h"
#include "txmail/transport/smtp_probe.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::transport {

struct DoctorTarget {
    std::string backend;              // short name: smtp, graph, file, ...
    ProbeEndpoint endpoint;           // smtp: EMAIL_HOST/EMAIL_PORT; graph: EMAIL_GRAPH_URL's host
    SmtpTls tls = SmtpTls::starttls;  // graph: implicit = https, none = http to a stand-in
    std::string user;                 // EMAIL_HOST_USER: the mailbox
    std::string password;             // EMAIL_HOST_PASSWORD; never printed
    std::optional<microsoft365::OAuthSettings> oauth;
    mail::Address from;         // DEFAULT_FROM_EMAIL
    std::string from_envelope;  // its addr-spec as MAIL FROM carries it
    std::string summary;        // one line for people, no secrets
};

Result<DoctorTarget> read_doctor_target(const config::Settings& settings);

// XOAUTH2 when OAuth is configured; else PLAIN, else LOGIN (libcurl's order for a password).
// The error says what is configured and what is missing.
Result<AuthMechanism> choose_mechanism(const std::vector<std::string>& offered, bool oauth);

// Set when From is not the mailbox: Exchange Online then needs Send As, checked at submission.
std::optional<std::string> send_as_note(const DoctorTarget& target);

}  // namespace txmail::transport
