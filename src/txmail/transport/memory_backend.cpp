#include "txmail/transport/memory_backend.h"

namespace txmail::transport {

MemoryOutbox& MemoryOutbox::shared() {
    static MemoryOutbox outbox;
    return outbox;
}

std::size_t MemoryOutbox::add(mail::RenderedMessage message) {
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(message));
    return messages_.size();
}

std::vector<mail::RenderedMessage> MemoryOutbox::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::size_t MemoryOutbox::size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
}

void MemoryOutbox::clear() {
    std::lock_guard lock(mutex_);
    messages_.clear();
}

Result<std::string> MemoryBackend::deliver(const mail::RenderedMessage& message) {
    std::size_t position = outbox_.add(message);
    return "kept in memory as message " + std::to_string(position) + " of the outbox";
}

}  // namespace txmail::transport
