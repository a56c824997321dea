#include "txmail/util/error.h"

namespace txmail {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::transient:
            return "transient";
        case ErrorKind::permanent:
            return "permanent";
        case ErrorKind::config:
            return "config";
        case ErrorKind::internal:
            return "internal";
    }
    return "internal";
}

std::string Error::describe() const {
    std::string out = message;
    if (code != 0 || !enhanced_status.empty()) {
        out += " [";
        if (code != 0)
            out += std::to_string(code);
        if (code != 0 && !enhanced_status.empty())
            out += ' ';
        out += enhanced_status;
        out += ']';
    }
    if (!reply.empty() && message.find(reply) == std::string::npos)
        out += ": " + reply;
    return out;
}

}  // namespace txmail
