#include "txmail/transport/doctor_target.h"

#include <algorithm>
#include <charconv>

#include "txmail/config/settings.h"
#include "txmail/transport/backend.h"
#include "txmail/util/strings.h"

namespace txmail::transport {
namespace {

bool offers(const std::vector<std::string>& offered, std::string_view mechanism) {
    return std::ranges::find(offered, mechanism) != offered.end();
}

// The sender, common to every backend.
Result<void> read_sender(const config::Settings& settings, DoctorTarget& target) {
    auto from =
        mail::Address::parse(settings.get_or("DEFAULT_FROM_EMAIL", ""), "DEFAULT_FROM_EMAIL");
    if (!from)
        return fail(from.error());
    auto envelope = from->envelope();
    if (!envelope)
        return fail(envelope.error());
    target.from = *from;
    target.from_envelope = *envelope;
    return {};
}

Result<void> read_smtp(const config::Settings& settings, DoctorTarget& target) {
    auto options = load_smtp_options(settings);
    if (!options)
        return fail(options.error());
    target.endpoint = {.host = options->host,
                       .port = options->port,
                       .timeout = options->timeout,
                       .ca_file = options->ca_file,
                       .cert_file = options->cert_file,
                       .key_file = options->key_file};
    target.tls = options->tls;
    target.user = options->username;
    target.password = options->password;
    target.oauth = options->oauth;
    target.summary = "smtp to " + options->summary() + ", From " + target.from_envelope;
    return {};
}

// "https://host[:port][/...]" -> host and port; check_endpoint_url() has vetted the scheme.
Result<void> read_graph_endpoint(std::string_view url, DoctorTarget& target) {
    const bool https = url.starts_with("https://");
    std::string_view rest = url.substr(url.find("://") + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    std::string_view host = rest;
    std::string_view port;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        host = rest.substr(1, close - 1);
        if (close + 1 < rest.size() && rest[close + 1] == ':')
            port = rest.substr(close + 2);
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    int number = https ? 443 : 80;
    if (!port.empty()) {
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (ec != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535)
            return fail(Error::config("EMAIL_GRAPH_URL",
                                      "EMAIL_GRAPH_URL has a bad port: " + std::string(url)));
    }
    target.endpoint.host = std::string(host);
    target.endpoint.port = number;
    target.tls = https ? SmtpTls::implicit : SmtpTls::none;
    return {};
}

Result<void> read_graph(const config::Settings& settings, DoctorTarget& target) {
    const std::string url = settings.get_or("EMAIL_GRAPH_URL", "https://graph.microsoft.com");
    if (auto checked = microsoft365::check_endpoint_url("EMAIL_GRAPH_URL", url); !checked)
        return checked;
    if (auto endpoint = read_graph_endpoint(url, target); !endpoint)
        return endpoint;
    auto oauth = microsoft365::require_oauth_settings(settings, microsoft365::Api::graph);
    if (!oauth)
        return fail(oauth.error());
    target.oauth = *oauth;
    target.user = settings.get_or("EMAIL_HOST_USER", "");
    if (target.user.empty())
        return fail(Error::config("EMAIL_HOST_USER",
                                  "EMAIL_HOST_USER is empty: Microsoft Graph "
                                  "sends as the mailbox it names"));
    // The token endpoint and Graph are reached with the same EMAIL_TIMEOUT and EMAIL_SSL_CAFILE.
    target.endpoint.timeout = target.oauth->timeout;
    target.endpoint.ca_file = target.oauth->ca_file;
    target.summary =
        "graph at " + url + ", OAuth 2.0 as " + target.user + ", From " + target.from_envelope;
    return {};
}

}  // namespace

Result<DoctorTarget> read_doctor_target(const config::Settings& settings) {
    DoctorTarget target;
    auto backend = backend_name(settings.get_or("EMAIL_BACKEND", "file"));
    if (!backend)
        return fail(backend.error());
    target.backend = *backend;
    if (auto sender = read_sender(settings, target); !sender)
        return fail(sender.error());
    Result<void> read;
    if (target.backend == "smtp")
        read = read_smtp(settings, target);
    else if (target.backend == "graph")
        read = read_graph(settings, target);
    else
        target.summary =
            target.backend + " backend (no server to check), From " + target.from_envelope;
    if (!read)
        return fail(read.error());
    return target;
}

Result<AuthMechanism> choose_mechanism(const std::vector<std::string>& offered, bool oauth) {
    if (oauth) {
        if (offers(offered, "XOAUTH2"))
            return AuthMechanism::xoauth2;
        return fail(Error::config("EMAIL_OAUTH2_CLIENT_ID",
                                  "OAuth 2.0 is configured but the server does not offer AUTH "
                                  "XOAUTH2"));
    }
    if (offers(offered, "PLAIN"))
        return AuthMechanism::plain;
    if (offers(offered, "LOGIN"))
        return AuthMechanism::login;
    return fail(Error::config("EMAIL_HOST_PASSWORD",
                              "a password is configured but the server offers neither AUTH PLAIN "
                              "nor AUTH LOGIN"));
}

std::optional<std::string> send_as_note(const DoctorTarget& target) {
    if (target.user.empty() || iequals_ascii(target.user, target.from.addr_spec()))
        return std::nullopt;
    return "note: From " + target.from.addr_spec() + " is not the mailbox " + target.user +
           "; Exchange Online accepts that only with Send As permission, which it checks when a "
           "message is submitted (--send-test shows it)";
}

}  // namespace txmail::transport
