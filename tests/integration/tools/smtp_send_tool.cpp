// Sends N messages through ONE SMTP backend (settings from the environment, as txmail reads them),
// for integration tests that need what one `txmail send` cannot show: a batch on one connection,
// batches across a server-side disconnect, XOAUTH2 with a token source the test controls, and
// the kind of each failure.
//
//   smtp_send_tool --count N [--to ADDR[,ADDR...]] [--subject S] [--pause-after K]
//                  [--oauth-tokens T1,T2,...]
//
// --pause-after K: send K messages as one batch, print {"paused":K}, wait for a line on stdin,
//                  then send the rest as a second batch on the same backend.
// --oauth-tokens:  XOAUTH2 with these tokens in turn (invalidate() moves to the next), instead
//                  of the identity platform; the EMAIL_OAUTH2_* settings must still be set.
// Prints one JSON object per message (ok, kind, code, enhanced_status, reply, message, detail)
// and a last one with connections_opened, token_requests and invalidations. Sends through the
// Mailer, so the `security` log lines go to stderr.
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "txmail/config/settings.h"
#include "txmail/log/log_format.h"
#include "txmail/mail/mime_writer.h"
#include "txmail/transport/mailer.h"
#include "txmail/transport/smtp_backend.h"

namespace {

using namespace txmail;

// Hands out the given tokens in turn; a rejected token is never handed out again.
class ListTokenSource final : public microsoft365::TokenSource {
  public:
    explicit ListTokenSource(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

    Result<std::string> token() override {
        std::lock_guard lock(mutex_);
        ++requests_;
        if (next_ >= tokens_.size())
            return fail(Error::config("EMAIL_OAUTH2_CLIENT_SECRET", "no tokens left"));
        return tokens_[next_];
    }
    void invalidate(const std::string& rejected) override {
        std::lock_guard lock(mutex_);
        ++invalidations_;
        if (next_ < tokens_.size() && tokens_[next_] == rejected)
            ++next_;
    }
    int requests() const { return requests_; }
    int invalidations() const { return invalidations_; }

  private:
    std::mutex mutex_;
    std::vector<std::string> tokens_;
    std::size_t next_ = 0;
    int requests_ = 0;
    int invalidations_ = 0;
};

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        out.push_back(item);
    return out;
}

nlohmann::json describe(std::size_t index, const transport::SendResult& result) {
    nlohmann::json out{{"index", index}, {"ok", result.has_value()}};
    if (result) {
        out["detail"] = result->detail;
        out["message_id"] = result->message_id;
        return out;
    }
    const Error& e = result.error();
    out["kind"] = to_string(e.kind);
    out["code"] = e.code;
    out["enhanced_status"] = e.enhanced_status;
    out["reply"] = e.reply;
    out["message"] = e.message;
    out["field"] = e.field;
    return out;
}

int fail_with(const Error& error) {
    std::cerr << "smtp_send_tool: " << error.describe() << '\n';
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    int count = 1;
    int pause_after = -1;
    std::string to = "user@example.com";
    std::string subject = "Batch message";
    std::vector<std::string> tokens;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        const std::string value = argv[i + 1];
        if (option == "--count")
            count = std::stoi(value);
        else if (option == "--pause-after")
            pause_after = std::stoi(value);
        else if (option == "--to")
            to = value;
        else if (option == "--subject")
            subject = value;
        else if (option == "--oauth-tokens")
            tokens = split(value);
        else
            return fail_with(Error::invalid(option, "unknown option " + option));
    }

    auto settings = config::load_settings(config::process_environment());
    if (!settings)
        return fail_with(settings.error());
    if (auto logging = log::configure_logging(*settings); !logging)
        return fail_with(logging.error());
    auto options = transport::load_smtp_options(*settings);
    if (!options)
        return fail_with(options.error());
    auto token_source = std::make_shared<ListTokenSource>(tokens);
    auto owned = std::make_unique<transport::SmtpBackend>(std::move(*options), token_source);
    transport::SmtpBackend& backend = *owned;
    transport::Mailer mailer(std::move(owned));

    std::vector<mail::RenderedMessage> messages;
    for (int i = 0; i < count; ++i) {
        mail::Message message;
        message.from = *mail::Address::parse(settings->get_or("DEFAULT_FROM_EMAIL", ""), "from");
        auto recipients = mail::Address::parse_list(to, "--to");
        if (!recipients)
            return fail_with(recipients.error());
        message.to = std::move(*recipients);
        message.subject = subject + " " + std::to_string(i + 1);
        message.text = "Message " + std::to_string(i + 1) + " of " + std::to_string(count) + ".";
        message.html = "<p>Message <b>" + std::to_string(i + 1) + "</b></p>";
        auto prepared = mail::prepare(message);
        if (!prepared)
            return fail_with(prepared.error());
        messages.push_back(std::move(*prepared));
    }

    std::span<const mail::RenderedMessage> all(messages);
    const std::size_t first =
        pause_after >= 0 ? std::min<std::size_t>(pause_after, all.size()) : all.size();
    std::size_t index = 0;
    for (const auto& result : mailer.send_messages(all.first(first)))
        std::cout << describe(index++, result).dump() << std::endl;
    if (pause_after >= 0) {
        std::cout << nlohmann::json{{"paused", first}}.dump() << std::endl;
        std::string line;
        std::getline(std::cin, line);
        for (const auto& result : mailer.send_messages(all.subspan(first)))
            std::cout << describe(index++, result).dump() << std::endl;
    }
    const std::size_t connections = backend.connections_opened();
    mailer.backend().close();
    std::cout << nlohmann::json{{"connections_opened", connections},
                                {"token_requests", token_source->requests()},
                                {"invalidations", token_source->invalidations()}}
                     .dump()
              << std::endl;
    return 0;
}
