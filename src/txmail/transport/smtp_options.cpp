#include "txmail/transport/smtp_options.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "txmail/config/settings.h"
#include "txmail/microsoft365/provider_limits.h"
#include "txmail/util/loopback.h"
#include "txmail/util/strings.h"

namespace txmail::transport {
namespace {

Result<SmtpTls> read_tls(const config::Settings& settings) {
    auto use_tls = settings.get_bool("EMAIL_USE_TLS");
    if (!use_tls)
        return fail(use_tls.error());
    auto use_ssl = settings.get_bool("EMAIL_USE_SSL");
    if (!use_ssl)
        return fail(use_ssl.error());
    // Django: "EMAIL_USE_TLS/EMAIL_USE_SSL are mutually exclusive, so only set one of those
    // settings to True."
    if (*use_tls && *use_ssl)
        return fail(Error::config(
            "EMAIL_USE_SSL", "EMAIL_USE_TLS=" + settings.get_or("EMAIL_USE_TLS", "") +
                                 " and EMAIL_USE_SSL=" + settings.get_or("EMAIL_USE_SSL", "") +
                                 " are mutually exclusive: set only one of them (STARTTLS, usually "
                                 "port 587, or implicit TLS, usually port 465)"));
    return *use_ssl ? SmtpTls::implicit : *use_tls ? SmtpTls::starttls : SmtpTls::none;
}

// A file named by a setting must be readable now, not at the first TLS handshake.
Result<std::string> read_file_setting(const config::Settings& settings, std::string_view name) {
    std::string path = settings.get_or(name, "");
    if (path.empty())
        return path;
    std::ifstream file(path);
    if (!file)
        return fail(
            Error::config(std::string(name), std::string(name) + " " + printable_quoted(path) +
                                                 " cannot be read: " + std::strerror(errno)));
    return path;
}

Result<void> read_tls_files(const config::Settings& settings, SmtpOptions& options) {
    for (auto [name, target] : {std::pair{"EMAIL_SSL_CAFILE", &options.ca_file},
                                std::pair{"EMAIL_SSL_CERTFILE", &options.cert_file},
                                std::pair{"EMAIL_SSL_KEYFILE", &options.key_file}}) {
        auto path = read_file_setting(settings, name);
        if (!path)
            return fail(path.error());
        *target = std::move(*path);
        if (!target->empty() && options.tls == SmtpTls::none)
            return fail(Error::config(name, std::string(name) + " " + printable_quoted(*target) +
                                                " is set but the connection is not encrypted: "
                                                "set EMAIL_USE_TLS=True or EMAIL_USE_SSL=True"));
    }
    if (!options.key_file.empty() && options.cert_file.empty())
        return fail(Error::config("EMAIL_SSL_CERTFILE",
                                  "EMAIL_SSL_KEYFILE " + printable_quoted(options.key_file) +
                                      " is set but EMAIL_SSL_CERTFILE is empty: name the client "
                                      "certificate the key belongs to"));
    return {};
}

Result<void> read_credentials(const config::Settings& settings, SmtpOptions& options) {
    options.username = settings.get_or("EMAIL_HOST_USER", "");
    options.password = settings.get_or("EMAIL_HOST_PASSWORD", "");
    auto oauth = microsoft365::load_oauth_settings(settings, microsoft365::Api::smtp);
    if (!oauth)
        return fail(oauth.error());
    options.oauth = std::move(*oauth);

    if (options.oauth && options.username.empty())
        return fail(Error::config("EMAIL_HOST_USER",
                                  "EMAIL_HOST_USER is empty: with OAuth (EMAIL_OAUTH2_*) it must "
                                  "name the mailbox to send as"));
    if (!options.oauth && !options.username.empty() && options.password.empty())
        return fail(Error::config(
            "EMAIL_HOST_PASSWORD",
            "EMAIL_HOST_USER " + printable_quoted(options.username) +
                " has no password: set EMAIL_HOST_PASSWORD, or EMAIL_OAUTH2_TENANT_ID, "
                "EMAIL_OAUTH2_CLIENT_ID and EMAIL_OAUTH2_CLIENT_SECRET for OAuth"));
    if (options.username.empty() && !options.password.empty())
        return fail(Error::config("EMAIL_HOST_USER",
                                  "EMAIL_HOST_PASSWORD is set but EMAIL_HOST_USER is empty: name "
                                  "the user to sign in as"));
    if (options.authenticates() && options.tls == SmtpTls::none && !is_loopback_host(options.host))
        return fail(Error::config(
            "EMAIL_USE_TLS", "EMAIL_HOST " + printable_quoted(options.host) +
                                 " is not loopback and the connection is not encrypted: refusing "
                                 "to sign in as " +
                                 printable_quoted(options.username) +
                                 " in plain text; set EMAIL_USE_TLS=True (STARTTLS) or "
                                 "EMAIL_USE_SSL=True (implicit TLS)"));
    return {};
}

// Exchange Online (DESIGN.md "Microsoft 365 facts"): submission on 587 (or 25) with STARTTLS;
// port 465 is not supported, and AUTH is offered only after STARTTLS.
Result<void> check_exchange_online(const SmtpOptions& options) {
    if (!microsoft365::is_exchange_online_smtp_host(options.host))
        return {};
    if (options.tls == SmtpTls::implicit || options.port == 465)
        return fail(Error::config("EMAIL_USE_SSL", "EMAIL_HOST " + printable_quoted(options.host) +
                                                       " (Exchange Online) does not support "
                                                       "implicit TLS or port 465: use "
                                                       "EMAIL_PORT=587 with EMAIL_USE_TLS=True"));
    if (options.tls == SmtpTls::none)
        return fail(Error::config("EMAIL_USE_TLS", "EMAIL_HOST " + printable_quoted(options.host) +
                                                       " (Exchange Online) offers AUTH only after "
                                                       "STARTTLS: set EMAIL_USE_TLS=True"));
    return {};
}

std::string_view tls_words(SmtpTls tls) {
    switch (tls) {
        case SmtpTls::starttls:
            return "STARTTLS";
        case SmtpTls::implicit:
            return "implicit TLS";
        case SmtpTls::none:
            return "no TLS";
    }
    return "no TLS";
}

}  // namespace

std::string SmtpOptions::endpoint() const {
    const bool ipv6 = host.find(':') != std::string::npos && !host.starts_with('[');
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string SmtpOptions::url() const {
    return (tls == SmtpTls::implicit ? "smtps://" : "smtp://") + endpoint();
}

std::string SmtpOptions::summary() const {
    std::string out = endpoint() + " with " + std::string(tls_words(tls)) + ", ";
    if (oauth)
        out += "OAuth 2.0 (XOAUTH2) as " + username;
    else if (authenticates())
        out += "password as " + username;
    else
        out += "no authentication";
    return out;
}

Result<SmtpOptions> load_smtp_options(const config::Settings& settings) {
    SmtpOptions options;
    options.host = settings.get_or("EMAIL_HOST", "");
    if (options.host.empty())
        return fail(Error::config("EMAIL_HOST", "EMAIL_HOST is empty: name the SMTP server"));
    if (options.host.find_first_of("/@? \t\r\n") != std::string::npos)
        return fail(Error::config("EMAIL_HOST", "EMAIL_HOST " + printable_quoted(options.host) +
                                                    " is not a host name or address"));
    auto port = settings.get_int("EMAIL_PORT", 25);
    if (!port)
        return fail(port.error());
    if (*port < 1 || *port > 65535)
        return fail(Error::config(
            "EMAIL_PORT",
            "EMAIL_PORT " + printable_quoted(std::to_string(*port)) + " must be 1 to 65535"));
    options.port = static_cast<int>(*port);
    auto tls = read_tls(settings);
    if (!tls)
        return fail(tls.error());
    options.tls = *tls;
    auto timeout = microsoft365::request_timeout(settings);
    if (!timeout)
        return fail(timeout.error());
    options.timeout = *timeout;
    if (auto files = read_tls_files(settings, options); !files)
        return fail(files.error());
    if (auto credentials = read_credentials(settings, options); !credentials)
        return fail(credentials.error());
    if (auto exchange = check_exchange_online(options); !exchange)
        return fail(exchange.error());
    return options;
}

}  // namespace txmail::transport
