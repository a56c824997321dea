#include "txmail/outbox/dispatch_log.h"

#include "txmail/log/security_log.h"
#include "txmail/transport/send_log.h"
#include "txmail/util/duration.h"
#include "txmail/util/iso8601.h"

namespace txmail::outbox {

namespace {

std::string decision(const Outcome& outcome) {
    switch (outcome.kind) {
        case Outcome::Kind::sent:
            return "sent";
        case Outcome::Kind::retry:
            return "retry at " + format_iso8601_utc(outcome.next_attempt_at);
        case Outcome::Kind::dead:
            return "dead";
        case Outcome::Kind::release:
            return "released";
    }
    return "sent";
}

}  // namespace

void log_attempt(const StoredMessage& message, const Attempt& attempt,
                 const transport::SendResult& result, const Outcome& outcome) noexcept {
    try {
        log::SecurityEvent event =
            transport::send_event(attempt.backend, transport::summarize(message.message), result);
        event.add("outbox_id", static_cast<long>(message.id))
            .add("attempt", static_cast<long>(attempt.number))
            .add("decision", decision(outcome));
        log::log_security_event(event);
    } catch (...) {
        // A delivery must not fail because its log line could not be built.
    }
}

void log_sender_paused(const SenderBreaker& state, bool first) noexcept {
    try {
        log::SecurityEvent event{first ? log::Level::warning : log::Level::info,
                                 first ? "sender_paused" : "sender_still_failing"};
        event.add("sender", state.sender)
            .add("probe_in", format_duration(state.pause))
            .add("probe_at", format_iso8601_utc(state.probe_at))
            .add("reason", state.reason);
        log::log_security_event(event);
    } catch (...) {
    }
}

void log_sender_resumed(const std::string& sender) noexcept {
    try {
        log::log_security_event(
            log::SecurityEvent{log::Level::info, "sender_resumed"}.add("sender", sender));
    } catch (...) {
    }
}

}  // namespace txmail::outbox
