// Error values for module boundaries (STYLE.md rule 4).
//
// Every fallible call that crosses a folder returns Result<T> = std::expected<T, Error>.
// The kind decides what the caller does: transient -> retry later, permanent -> give up on this
// message, config -> the operator must change a setting, internal -> a bug or an I/O fault here.
// Protocol failures keep the provider's own words (code, enhanced status, reply text) so that
// diagnosis and logs can show exactly what the server said.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace txmail {

enum class ErrorKind { transient, permanent, config, internal };

std::string_view to_string(ErrorKind kind);

struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string message;          // human sentence, never containing secrets
    std::string field;            // the input field or setting at fault, when there is one
    int code = 0;                 // SMTP reply code or HTTP status, 0 when none
    std::string enhanced_status;  // RFC 3463 status such as "5.7.139", empty when none
    std::string reply;            // the server's full reply text, verbatim (multi-line joined)
    // How long the provider asked us to wait before trying again (HTTP Retry-After on a 429 or
    // 503 from Microsoft Graph), for the retry policy; nullopt when it said nothing.
    std::optional<std::chrono::seconds> retry_after;

    static Error transient(std::string message) {
        return {ErrorKind::transient, std::move(message)};
    }
    static Error permanent(std::string message) {
        return {ErrorKind::permanent, std::move(message)};
    }
    static Error internal(std::string message) { return {ErrorKind::internal, std::move(message)}; }
    // A bad setting or input: names the field so the user knows what to change.
    static Error config(std::string field, std::string message) {
        return {ErrorKind::config, std::move(message), std::move(field)};
    }
    static Error invalid(std::string field, std::string message) {
        return {ErrorKind::permanent, std::move(message), std::move(field)};
    }

    // "message" plus " (field X)" / " [550 5.1.1]" as available; what CLIs and logs print.
    std::string describe() const;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error from a function whose Result type is deduced by the caller.
inline std::unexpected<Error> fail(Error error) {
    return std::unexpected(std::move(error));
}

}  // namespace txmail
