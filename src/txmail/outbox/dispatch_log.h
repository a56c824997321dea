// What the dispatcher writes on the `security` logger (log/security_log.h): one `send` line per
// attempt (transport/send_log.h's fields, plus the outbox id, the attempt number and what was
// decided), and one line when a sender is paused, still failing at a probe, or resumed, so that
// an operator sees the diagnosis once rather than once per queued message. Never throws.
#pragma once

#include <string>

#include "txmail/outbox/circuit_breaker.h"
#include "txmail/outbox/store.h"
#include "txmail/transport/backend.h"

namespace txmail::outbox {

void log_attempt(const StoredMessage& message, const Attempt& attempt,
                 const transport::SendResult& result, const Outcome& outcome) noexcept;

// first: the breaker just opened (a warning with the reason); otherwise a failed probe.
void log_sender_paused(const SenderBreaker& state, bool first) noexcept;
void log_sender_resumed(const std::string& sender) noexcept;

}  // namespace txmail::outbox
