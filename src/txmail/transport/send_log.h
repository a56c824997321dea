// The `security` log line for one message handed to a backend: who sent what to whom, through
// which backend, the outcome and, on failure, the server's reply and what it means (diagnose()).
// One line per message, whoever sends it (the Mailer, the outbox dispatcher).
//
// Fields (log/security_log.h renders them as text or JSON): backend, from, to (the envelope
// recipients, Bcc included: who the message really went to), subject, message_id, outcome (sent,
// transient, permanent, config, internal), detail (the server's final reply on success), code,
// enhanced_status, reply, error, diagnosis (id: cause). Never a credential: the Error contract
// keeps secrets out of errors, and nothing else is logged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "txmail/log/security_log.h"
#include "txmail/mail/message.h"
#include "txmail/mail/mime_writer.h"
#include "txmail/transport/backend.h"

namespace txmail::transport {

// What the line says about the message itself.
struct SentMessageSummary {
    std::string from;
    std::vector<std::string> to;
    std::string subject;
    std::string message_id;
};

SentMessageSummary summarize(const mail::RenderedMessage& message);
// For a message that failed before it could be rendered (its addresses as written).
SentMessageSummary summarize(const mail::Message& message);

// The event, for tests and for callers that add fields of their own.
log::SecurityEvent send_event(std::string_view backend, const SentMessageSummary& message,
                              const SendResult& result);
// Builds and writes the event. Never throws.
void log_send(std::string_view backend, const SentMessageSummary& message,
              const SendResult& result) noexcept;

}  // namespace txmail::transport
