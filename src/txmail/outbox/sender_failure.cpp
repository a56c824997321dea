#include "txmail/outbox/sender_failure.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace txmail::outbox {

namespace {

constexpr std::array<int, 4> auth_codes{530, 534, 535, 538};

bool is_auth_code(int code) {
    return std::ranges::find(auth_codes, code) != auth_codes.end();
}

// "5.2.251" .. "5.2.255": Exchange Online's continuous error throttling of a mailbox.
bool continuous_error_block(std::string_view status) {
    return status.size() == 7 && status.starts_with("5.2.25") && status[6] >= '1' &&
           status[6] <= '5';
}

}  // namespace

FailureScope failure_scope(const Error& error,
                           const std::optional<microsoft365::Diagnosis>& diagnosis) {
    if (diagnosis && diagnosis->systemic)
        return FailureScope::sender;
    if (error.kind == ErrorKind::config || is_auth_code(error.code) ||
        (error.code == 454 && error.enhanced_status == "4.7.0") ||
        continuous_error_block(error.enhanced_status))
        return FailureScope::sender;
    const ErrorKind kind = diagnosis && diagnosis->kind ? *diagnosis->kind : error.kind;
    return kind == ErrorKind::permanent ? FailureScope::message : FailureScope::unknown;
}

}  // namespace txmail::outbox
