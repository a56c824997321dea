#include "txmail/transport/doctor_checkup.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "txmail/config/settings.h"
#include "txmail/mail/address.h"
#include "txmail/mail/message.h"
#include "txmail/microsoft365/basic_auth_retirement.h"
#include "txmail/microsoft365/client_credentials_token_source.h"
#include "txmail/microsoft365/diagnosis.h"
#include "txmail/microsoft365/oauth_settings.h"
#include "txmail/transport/backend.h"
#include "txmail/transport/doctor_target.h"
#include "txmail/transport/probe_connection.h"
#include "txmail/transport/smtp_probe.h"

namespace txmail::transport {
namespace {

using Clock = std::chrono::steady_clock;

struct Outcome {
    StepStatus status = StepStatus::passed;
    std::string detail;
    std::string server_reply;
    std::optional<Error> error;  // what failed, diagnosed

    static Outcome passed(std::string detail, std::string reply = {}) {
        return {StepStatus::passed, std::move(detail), std::move(reply), std::nullopt};
    }
    static Outcome skipped(std::string why) {
        return {StepStatus::skipped, std::move(why), {}, std::nullopt};
    }
    static Outcome failed(Error error, std::string detail = {}) {
        if (detail.empty())
            detail = error.message;
        std::string reply = error.reply;
        return {StepStatus::failed, std::move(detail), std::move(reply), std::move(error)};
    }
};

// Runs the steps in order; after the first failure the rest are recorded as not run.
class Checkup {
  public:
    explicit Checkup(DoctorReport& report) : report_(report) {}

    void step(std::string name, const std::function<Outcome()>& run) {
        DoctorStep step{.name = std::move(name)};
        if (stopped_) {
            step.detail = "not run: an earlier step failed";
        } else {
            Outcome outcome = run();
            step.status = outcome.status;
            step.detail = std::move(outcome.detail);
            step.server_reply = std::move(outcome.server_reply);
            if (outcome.error)
                step.diagnosis = microsoft365::diagnose(*outcome.error);
            stopped_ = outcome.status == StepStatus::failed;
        }
        report_.steps.push_back(std::move(step));
    }

    // A step that also runs after a failure (ending the SMTP session politely), shown as not run
    // then. `after_failure` gets whether the failed step had a reply from the server: only then
    // is the server known to be answering.
    void closing_step(std::string name, const std::function<Outcome()>& run,
                      const std::function<std::string(bool server_replied)>& after_failure) {
        if (!stopped_)
            return step(std::move(name), run);
        const auto failed =
            std::ranges::find(report_.steps, StepStatus::failed, &DoctorStep::status);
        const bool server_replied = failed != report_.steps.end() && !failed->server_reply.empty();
        DoctorStep step{.name = std::move(name)};
        step.detail = "not run: an earlier step failed";
        if (std::string done = after_failure(server_replied); !done.empty())
            step.detail += "; " + done;
        report_.steps.push_back(std::move(step));
    }

  private:
    DoctorReport& report_;
    bool stopped_ = false;
};

// An unexpected reply as an Error, with the code, enhanced status and words kept for diagnosis.
Outcome unexpected(const SmtpReply& reply, std::string what) {
    return Outcome::failed(refusal(reply, std::move(what)));
}

std::string local_host_name() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    return name;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty())
            out += separator;
        out += item;
    }
    return out;
}

std::string elapsed_ms(Clock::time_point since) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
    return std::to_string(ms) + " ms";
}

// The steps every network backend shares: resolve the host, then connect.
void check_network(Checkup& checkup, ProbeConnection& connection) {
    checkup.step("dns", [&] {
        auto addresses = connection.resolve();
        if (!addresses)
            return Outcome::failed(addresses.error());
        return Outcome::passed(connection.endpoint().host + " → " + join(*addresses, ", "));
    });
    checkup.step("connect", [&] {
        const auto start = Clock::now();
        auto connected = connection.connect();
        if (!connected)
            return Outcome::failed(connected.error());
        return Outcome::passed("connected to " + *connected + " in " + elapsed_ms(start));
    });
}

Outcome tls_handshake(ProbeConnection& connection) {
    auto session = connection.start_tls();
    if (!session)
        return Outcome::failed(session.error());
    return Outcome::passed(session->describe());
}

Outcome send_test_message(const config::Settings& settings, const DoctorTarget& target,
                          const std::optional<std::string>& to) {
    if (!to)
        return Outcome::skipped("not requested (--send-test ADDR sends a real message)");
    auto recipient = mail::Address::parse(*to, "--send-test");
    if (!recipient)
        return Outcome::failed(recipient.error());
    auto backend = make_backend(settings);
    if (!backend)
        return Outcome::failed(backend.error());
    mail::Message message;
    message.from = target.from;
    message.to = {*recipient};
    message.subject = "txmail doctor: test message";
    message.text = "This message was sent by `txmail doctor --send-test` from " +
                   local_host_name() + " through the " + target.backend +
                   " backend.\nIf you can read it, delivery works.\n";
    auto sent = (*backend)->send(message);
    (*backend)->close();
    if (!sent)
        return Outcome::failed(sent.error());
    return Outcome::passed("accepted for " + recipient->addr_spec() + ": " + sent->detail +
                               " (Message-ID <" + sent->message_id + ">)",
                           sent->detail);
}

Result<std::string> acquire_token(const microsoft365::OAuthSettings& oauth) {
    return microsoft365::shared_token_source(oauth)->token();
}

void check_smtp(Checkup& checkup, const config::Settings& settings, const DoctorTarget& target,
                const DoctorRequest& request, std::vector<std::string>& secrets) {
    ProbeConnection connection(target.endpoint);
    check_network(checkup, connection);
    if (target.tls == SmtpTls::implicit)
        checkup.step("tls", [&] { return tls_handshake(connection); });

    checkup.step("greeting", [&] {
        auto reply = read_reply(connection);
        if (!reply)
            return Outcome::failed(reply.error());
        if (reply->code != 220)
            return unexpected(*reply, "the server refused the session");
        return Outcome::passed(reply->text(), reply->text());
    });

    EhloExtensions extensions;
    const std::string ehlo = "EHLO " + local_host_name();
    auto say_ehlo = [&] {
        auto reply = send_command(connection, ehlo);
        if (!reply)
            return Outcome::failed(reply.error());
        if (reply->code != 250)
            return unexpected(*reply, "the server refused EHLO");
        extensions = parse_ehlo(*reply);
        std::string detail =
            extensions.lines.empty() ? "no extensions" : join(extensions.lines, ", ");
        if (extensions.auth_mechanisms().empty())
            detail += connection.tls_active() ? " (no AUTH offered)" : " (no AUTH before TLS)";
        return Outcome::passed(detail, reply->text());
    };
    checkup.step("ehlo", say_ehlo);

    if (target.tls == SmtpTls::starttls) {
        checkup.step("starttls", [&] {
            if (!extensions.has("STARTTLS"))
                return Outcome::failed(
                    Error::config("EMAIL_USE_TLS",
                                  "the server does not offer STARTTLS; without it "
                                  "nothing may be sent (EMAIL_USE_TLS=True)"));
            auto reply = send_command(connection, "STARTTLS");
            if (!reply)
                return Outcome::failed(reply.error());
            if (reply->code != 220)
                return unexpected(*reply, "the server refused STARTTLS");
            return tls_handshake(connection);
        });
        checkup.step("ehlo_tls", say_ehlo);
    }

    std::optional<AuthMechanism> mechanism;
    checkup.step("auth_mechanisms", [&] {
        const auto offered = extensions.auth_mechanisms();
        const std::string listed = offered.empty() ? "none" : join(offered, " ");
        if (!target.oauth && target.password.empty())
            return Outcome::skipped("no credentials configured; the server offers AUTH " + listed);
        auto choice = choose_mechanism(offered, target.oauth.has_value());
        if (!choice) {
            Error error = choice.error();
            if (!connection.tls_active())
                error.message +=
                    "; Exchange Online and most servers offer AUTH only over TLS "
                    "(EMAIL_USE_TLS=True, port 587)";
            return Outcome::failed(error, error.message + "; the server offers: " + listed);
        }
        mechanism = *choice;
        return Outcome::passed("the server offers " + listed + "; txmail will use " +
                               std::string(to_string(*mechanism)));
    });

    std::string secret = target.password;
    checkup.step("token", [&] {
        if (!target.oauth)
            return Outcome::skipped("not needed: no EMAIL_OAUTH2_* settings");
        auto token = acquire_token(*target.oauth);
        if (!token)
            return Outcome::failed(token.error());
        secret = *token;
        secrets.push_back(*token);
        return Outcome::passed("token issued by " + target.oauth->token_url + " for " +
                               target.oauth->scope);
    });

    checkup.step("auth", [&] {
        if (!mechanism)
            return Outcome::skipped("no credentials configured");
        auto reply = authenticate(connection, *mechanism, target.user, secret);
        if (!reply)
            return Outcome::failed(reply.error());
        if (reply->code != 235)
            return unexpected(*reply, "the server refused AUTH " +
                                          std::string(to_string(*mechanism)) + " as " +
                                          target.user);
        return Outcome::passed(
            reply->text() + " (" + std::string(to_string(*mechanism)) + " as " + target.user + ")",
            reply->text());
    });

    checkup.step("mail_from", [&] {
        auto reply = send_command(connection, "MAIL FROM:<" + target.from_envelope + ">");
        if (!reply)
            return Outcome::failed(reply.error());
        if (reply->code != 250)
            return unexpected(*reply, "the server refused the sender " + target.from_envelope);
        std::string detail = reply->text();
        if (auto note = send_as_note(target))
            detail += "\n" + *note;
        auto reset = send_command(connection, "RSET");
        if (!reset)
            return Outcome::failed(reset.error());
        return Outcome::passed(detail, reply->text());
    });

    checkup.step("send_test",
                 [&] { return send_test_message(settings, target, request.send_test_to); });

    // RFC 5321 4.1.1.10: the client ends the session with QUIT, a refused one too; but not after
    // a timeout or a broken connection, where it would only wait another EMAIL_TIMEOUT.
    const auto quit = [&] {
        auto reply = send_command(connection, "QUIT");
        connection.close();
        if (!reply)
            return Outcome::failed(reply.error());
        return Outcome::passed(reply->text(), reply->text());
    };
    checkup.closing_step("quit", quit, [&](bool server_replied) {
        if (!server_replied) {
            connection.close();
            return std::string();
        }
        const Outcome said = quit();
        return "QUIT to end the session: " + (said.error ? said.error->message : said.detail);
    });
}

void check_graph(Checkup& checkup, const config::Settings& settings, const DoctorTarget& target,
                 const DoctorRequest& request, std::vector<std::string>& secrets) {
    ProbeConnection connection(target.endpoint);
    check_network(checkup, connection);
    checkup.step("tls", [&] {
        if (target.tls == SmtpTls::none)
            return Outcome::skipped("plain HTTP (allowed only to a loopback stand-in)");
        auto outcome = tls_handshake(connection);
        connection.close();
        return outcome;
    });
    checkup.step("token", [&] {
        auto token = acquire_token(*target.oauth);
        if (!token)
            return Outcome::failed(token.error());
        secrets.push_back(*token);
        return Outcome::passed("token issued by " + target.oauth->token_url + " for " +
                               target.oauth->scope);
    });
    checkup.step("send_test",
                 [&] { return send_test_message(settings, target, request.send_test_to); });
}

void check_backend(Checkup& checkup, const config::Settings& settings, const DoctorTarget& target,
                   const DoctorRequest& request, std::vector<std::string>& secrets) {
    if (target.backend == "smtp")
        check_smtp(checkup, settings, target, request, secrets);
    else if (target.backend == "graph")
        check_graph(checkup, settings, target, request, secrets);
    else
        checkup.step("send_test",
                     [&] { return send_test_message(settings, target, request.send_test_to); });
}

}  // namespace

DoctorReport run_doctor(const config::Settings& settings, const DoctorRequest& request) {
    DoctorReport report;
    Checkup checkup(report);
    std::vector<std::string> secrets = {settings.get_or("EMAIL_HOST_PASSWORD", ""),
                                        settings.get_or("EMAIL_OAUTH2_CLIENT_SECRET", "")};

    auto target = read_doctor_target(settings);
    checkup.step("settings", [&] {
        if (!target)
            return Outcome::failed(target.error());
        std::string detail = target->summary;
        if (auto warning = microsoft365::basic_auth_retirement_warning(settings))
            detail += "\nnote: " + *warning;
        return Outcome::passed(detail);
    });
    if (target) {
        report.summary = target->summary;
        report.mailbox = target->user;
        check_backend(checkup, settings, *target, request, secrets);
    } else {
        // Nothing runs after a failed step; this only lists the steps that were not run.
        DoctorTarget planned;
        planned.backend = backend_name(settings.get_or("EMAIL_BACKEND", "file")).value_or("file");
        report.summary = planned.backend + " backend, settings incomplete";
        check_backend(checkup, settings, planned, request, secrets);
    }
    redact(report, secrets);
    return report;
}

}  // namespace txmail::transport
