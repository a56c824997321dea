#include "txmail/transport/mailer.h"

#include <exception>

#include "txmail/transport/send_log.h"

namespace txmail::transport {
namespace {

Error unexpected_exception(std::string_view backend, std::string_view what) {
    return Error::internal("sending through " + std::string(backend) +
                           " failed: " + std::string(what));
}

// send_safe's last line of defence: log and return the failure, and if even that cannot allocate,
// return a bare internal error rather than let an exception escape.
SendResult report_exception(std::string_view backend, const mail::Message& message,
                            std::string_view what) noexcept {
    try {
        SendResult failed = fail(unexpected_exception(backend, what));
        log_send(backend, summarize(message), failed);
        return failed;
    } catch (...) {
        return std::unexpected(Error{ErrorKind::internal});
    }
}

}  // namespace

Mailer::Mailer(std::unique_ptr<Backend> backend) : backend_(std::move(backend)) {}

Result<Mailer> Mailer::from_settings(const config::Settings& settings) {
    auto backend = make_backend(settings);
    if (!backend)
        return fail(backend.error());
    return Mailer(std::move(*backend));
}

SendResult Mailer::send(const mail::Message& message) {
    std::vector<SendResult> results = send_messages(std::span(&message, 1));
    return std::move(results.front());
}

std::vector<SendResult> Mailer::send_messages(std::span<const mail::Message> messages) {
    // Render everything first, then hand the renderable ones to the backend as one batch, so an
    // SMTP backend sends them all on one connection; results go back in the caller's order.
    std::vector<SendResult> results(messages.size(), SendResult{});
    std::vector<mail::RenderedMessage> batch;
    std::vector<std::size_t> positions;
    batch.reserve(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        auto prepared = mail::prepare(messages[i]);
        if (prepared) {
            batch.push_back(std::move(*prepared));
            positions.push_back(i);
        } else {
            results[i] = fail(prepared.error());
            log_send(backend_->name(), summarize(messages[i]), results[i]);
        }
    }
    if (batch.empty())
        return results;

    std::vector<SendResult> sent = send_messages(std::span<const mail::RenderedMessage>(batch));
    for (std::size_t j = 0; j < batch.size(); ++j)
        results[positions[j]] = std::move(sent[j]);
    return results;
}

SendResult Mailer::send(const mail::RenderedMessage& message) {
    std::vector<SendResult> results = send_messages(std::span(&message, 1));
    return std::move(results.front());
}

std::vector<SendResult> Mailer::send_messages(std::span<const mail::RenderedMessage> messages) {
    std::vector<SendResult> sent;
    try {
        sent = backend_->send_messages(messages);
    } catch (const std::exception& e) {
        sent.assign(messages.size(), fail(unexpected_exception(backend_->name(), e.what())));
    }
    if (sent.size() != messages.size())
        sent.assign(messages.size(),
                    fail(Error::internal("backend " + std::string(backend_->name()) + " returned " +
                                         std::to_string(sent.size()) + " results for " +
                                         std::to_string(messages.size()) + " messages")));
    for (std::size_t i = 0; i < messages.size(); ++i)
        log_send(backend_->name(), summarize(messages[i]), sent[i]);
    return sent;
}

SendResult Mailer::send_safe(const mail::Message& message) noexcept {
    try {
        return send(message);
    } catch (const std::exception& e) {
        return report_exception(backend_->name(), message, e.what());
    } catch (...) {
        return report_exception(backend_->name(), message, "unknown exception");
    }
}

}  // namespace txmail::transport
