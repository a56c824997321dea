#include "txmail/transport/per_message_backend.h"

#include <exception>

namespace txmail::transport {

std::vector<SendResult> PerMessageBackend::send_messages(
    std::span<const mail::RenderedMessage> messages) {
    std::vector<SendResult> results;
    results.reserve(messages.size());
    for (const mail::RenderedMessage& message : messages) {
        try {
            auto detail = deliver(message);
            if (detail)
                results.emplace_back(Accepted{message.message_id, std::move(*detail)});
            else
                results.emplace_back(std::unexpected(std::move(detail.error())));
        } catch (const std::exception& e) {
            results.emplace_back(
                fail(Error::internal("backend " + std::string(name()) + " failed: " + e.what())));
        }
    }
    return results;
}

}  // namespace txmail::transport
