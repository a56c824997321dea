// EMAIL_BACKEND=console: writes each message to a stream (standard output by default), then a
// line of 79 '-', as Django's console backend does, for development and `txmail send` dry runs.
// Line endings are shown as '\n' (Django renders with linesep='\n' here too).
//
// Backends writing to the same stream from several threads never interleave their messages.
// A stream that fails (closed pipe) is a transient error for that message.
#pragma once

#include <iosfwd>

#include "txmail/transport/per_message_backend.h"

namespace txmail::transport {

class ConsoleBackend : public PerMessageBackend {
  public:
    ConsoleBackend();  // standard output
    explicit ConsoleBackend(std::ostream& out);

    std::string_view name() const override { return "console"; }

  protected:
    Result<std::string> deliver(const mail::RenderedMessage& message) override;

  private:
    std::ostream& out_;
};

}  // namespace txmail::transport
