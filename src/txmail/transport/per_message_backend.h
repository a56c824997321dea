// The shared mechanics of backends that handle each message on its own and keep no connection
// (console, file, memory, dummy), as spdlog's base_sink owns what every sink shares: a concrete
// backend writes deliver() only.
//
// send_messages() never throws: an exception from one message becomes that message's internal
// error and the rest of the batch still goes.
#pragma once

#include <string>

#include "txmail/transport/backend.h"

namespace txmail::transport {

class PerMessageBackend : public Backend {
  public:
    std::vector<SendResult> send_messages(std::span<const mail::RenderedMessage> messages) final;

  protected:
    // The Accepted detail on success (a file path, "written to the console", ...).
    virtual Result<std::string> deliver(const mail::RenderedMessage& message) = 0;
};

}  // namespace txmail::transport
