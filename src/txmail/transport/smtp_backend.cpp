#include "txmail/transport/smtp_backend.h"

#include <exception>

#include "txmail/microsoft365/basic_auth_retirement.h"
#include "txmail/microsoft365/client_credentials_token_source.h"
#include "txmail/transport/smtp_session.h"

namespace txmail::transport {
namespace {

Error not_attempted(const Error& cause) {
    Error error = cause;
    error.message = "not attempted, an earlier message in this batch failed: " + cause.message;
    return error;
}

}  // namespace

SmtpBackend::SmtpBackend(SmtpOptions options, std::shared_ptr<microsoft365::TokenSource> tokens)
    : options_(std::move(options)), tokens_(options_.oauth ? std::move(tokens) : nullptr) {}

SmtpBackend::~SmtpBackend() = default;

Result<void> SmtpBackend::open() {
    if (session_)
        return {};
    if (options_.oauth && !tokens_)
        return fail(Error::internal("SMTP with OAuth needs a token source"));
    auto session = SmtpSession::create(options_);
    if (!session)
        return fail(session.error());
    session_ = std::move(*session);
    return {};
}

void SmtpBackend::close() {
    if (session_)
        closed_connections_ += session_->connections_opened();
    session_.reset();  // QUIT
}

std::size_t SmtpBackend::connections_opened() const {
    return closed_connections_ + (session_ ? session_->connections_opened() : 0);
}

std::vector<SendResult> SmtpBackend::send_messages(
    std::span<const mail::RenderedMessage> messages) {
    std::vector<SendResult> results;
    results.reserve(messages.size());
    std::optional<Error> batch_error;
    for (const mail::RenderedMessage& message : messages) {
        if (batch_error) {
            results.emplace_back(fail(not_attempted(*batch_error)));
            continue;
        }
        try {
            results.push_back(send_one(message, batch_error));
        } catch (const std::exception& e) {
            results.emplace_back(
                fail(Error::internal(std::string("SMTP send failed: ") + e.what())));
        }
    }
    return results;
}

SendResult SmtpBackend::send_one(const mail::RenderedMessage& message,
                                 std::optional<Error>& batch_error) {
    if (message.envelope.recipients.empty())
        return fail(Error::invalid("to", "the message has no recipient"));
    if (auto opened = open(); !opened) {
        batch_error = opened.error();
        return fail(opened.error());
    }
    bool token_refreshed = false;
    bool retried = false;
    for (;;) {
        std::string token;
        TransferOptions how;
        if (tokens_) {
            auto fetched = tokens_->token();
            if (!fetched) {
                batch_error = fetched.error();
                return fail(fetched.error());
            }
            token = std::move(*fetched);
            how.bearer = &token;
        }
        how.fresh_connection = retried;
        auto sent = session_->transfer(message, how);
        if (sent)
            return Accepted{message.message_id, std::move(*sent)};

        const SmtpTransferFailure& failure = sent.error();
        // A token can be revoked or expire early: fetch a new one once (token_source.h).
        if (tokens_ && !token_refreshed && failure.curl_code == CURLE_LOGIN_DENIED) {
            tokens_->invalidate(token);
            token_refreshed = true;
            continue;
        }
        if (!retried && retry_on_fresh_connection(failure)) {
            retried = true;
            continue;
        }
        Error error = classify_failure(failure, options_);
        if (ends_batch(failure))
            batch_error = error;
        return fail(std::move(error));
    }
}

Result<std::unique_ptr<Backend>> make_smtp_backend(const config::Settings& settings) {
    auto options = load_smtp_options(settings);
    if (!options)
        return fail(options.error());
    microsoft365::warn_if_basic_auth_retiring(settings);
    std::shared_ptr<microsoft365::TokenSource> tokens;
    if (options->oauth)
        tokens = microsoft365::shared_token_source(*options->oauth);
    auto backend = std::make_unique<SmtpBackend>(std::move(*options), std::move(tokens));
    if (auto opened = backend->open(); !opened)
        return fail(opened.error());
    return backend;
}

}  // namespace txmail::transport
