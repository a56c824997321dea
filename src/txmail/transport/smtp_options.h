// The SMTP backend's settings (Django's names, DESIGN.md "Settings"), read and checked once at
// start-up so that a bad setting stops the program before anything is sent, with an error that
// names the setting and the value (never the password).
//
// Rules: EMAIL_USE_TLS -> STARTTLS, required (a server that does not offer it gets nothing, not
// even the credentials); EMAIL_USE_SSL -> implicit TLS (smtps://); both -> error, as in Django;
// neither -> plain text, where AUTH is refused unless EMAIL_HOST is loopback. Certificates are
// always verified (system CAs, or EMAIL_SSL_CAFILE for a private CA); there is no setting to turn
// verification off. EMAIL_SSL_CERTFILE/EMAIL_SSL_KEYFILE give a client certificate. A user needs
// a password (EMAIL_HOST_PASSWORD) or OAuth (EMAIL_OAUTH2_*: XOAUTH2 as EMAIL_HOST_USER), and a
// password needs a user. EMAIL_TIMEOUT bounds the connect and every reply. Exchange Online's
// hosts get its rules too: port 465 / implicit TLS and plain text are refused.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "txmail/microsoft365/oauth_settings.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::transport {

enum class SmtpTls { none, starttls, implicit };

struct SmtpOptions {
    std::string host;  // EMAIL_HOST
    int port = 25;     // EMAIL_PORT
    SmtpTls tls = SmtpTls::none;
    std::string username;  // EMAIL_HOST_USER (with OAuth: the mailbox)
    std::string password;  // EMAIL_HOST_PASSWORD: never logged, never in an Error
    std::optional<microsoft365::OAuthSettings> oauth;  // XOAUTH2 instead of the password
    std::chrono::milliseconds timeout{30'000};         // EMAIL_TIMEOUT
    std::string ca_file;                               // EMAIL_SSL_CAFILE
    std::string cert_file;                             // EMAIL_SSL_CERTFILE
    std::string key_file;                              // EMAIL_SSL_KEYFILE

    bool authenticates() const { return !username.empty(); }
    // "smtp://host:port" or "smtps://host:port" (IPv6 literals in brackets).
    std::string url() const;
    // "host:port", for messages.
    std::string endpoint() const;
    // One line for people: "smtp.example.com:587 with STARTTLS, password as app@example.com".
    std::string summary() const;
};

Result<SmtpOptions> load_smtp_options(const config::Settings& settings);

}  // namespace txmail::transport
