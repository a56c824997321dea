// EMAIL_BACKEND=memory: keeps every accepted message in a MemoryOutbox, for tests (Django's
// locmem backend and its mail.outbox). Backends made from settings share one process-wide
// outbox, so a test can send through any code path and then look at MemoryOutbox::shared();
// a test may also give a backend its own outbox.
//
// The outbox is thread-safe (workers each own a backend but share the outbox). Nothing fails.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "txmail/transport/per_message_backend.h"

namespace txmail::transport {

class MemoryOutbox {
  public:
    static MemoryOutbox& shared();

    std::size_t add(mail::RenderedMessage message);       // returns how many it now holds
    std::vector<mail::RenderedMessage> messages() const;  // a copy, oldest first
    std::size_t size() const;
    void clear();

  private:
    mutable std::mutex mutex_;
    std::vector<mail::RenderedMessage> messages_;
};

class MemoryBackend : public PerMessageBackend {
  public:
    explicit MemoryBackend(MemoryOutbox& outbox = MemoryOutbox::shared()) : outbox_(outbox) {}

    std::string_view name() const override { return "memory"; }
    MemoryOutbox& outbox() { return outbox_; }

  protected:
    Result<std::string> deliver(const mail::RenderedMessage& message) override;

  private:
    MemoryOutbox& outbox_;
};

}  // namespace txmail::transport
