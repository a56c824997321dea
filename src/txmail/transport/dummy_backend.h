// EMAIL_BACKEND=dummy: accepts every message and drops it, as Django's dummy backend does
// (the null implementation, STYLE.md rule 6). Nothing can go wrong.
#pragma once

#include "txmail/transport/per_message_backend.h"

namespace txmail::transport {

class DummyBackend : public PerMessageBackend {
  public:
    std::string_view name() const override { return "dummy"; }

  protected:
    Result<std::string> deliver(const mail::RenderedMessage& message) override;
};

}  // namespace txmail::transport
