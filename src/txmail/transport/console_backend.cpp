#include "txmail/transport/console_backend.h"

#include <iostream>
#include <mutex>

namespace txmail::transport {
namespace {

// One lock for every console backend: they usually share std::cout.
std::mutex& console_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::string with_lf_line_endings(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n')
            continue;
        out += bytes[i];
    }
    return out;
}

}  // namespace

ConsoleBackend::ConsoleBackend() : ConsoleBackend(std::cout) {}

ConsoleBackend::ConsoleBackend(std::ostream& out) : out_(out) {}

Result<std::string> ConsoleBackend::deliver(const mail::RenderedMessage& message) {
    std::string text = with_lf_line_endings(message.bytes);
    if (!text.ends_with('\n'))
        text += '\n';
    text += std::string(79, '-');
    text += '\n';
    std::lock_guard lock(console_mutex());
    out_ << text << std::flush;
    if (!out_) {
        out_.clear();
        return fail(Error::transient("could not write the message to the console"));
    }
    return std::string("written to the console");
}

}  // namespace txmail::transport
