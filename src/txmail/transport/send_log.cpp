#include "txmail/transport/send_log.h"

#include "txmail/microsoft365/diagnosis.h"
#include "txmail/microsoft365/diagnosis_text.h"

namespace txmail::transport {
namespace {

std::vector<std::string> addr_specs(const std::vector<mail::Address>& addresses) {
    std::vector<std::string> out;
    out.reserve(addresses.size());
    for (const mail::Address& address : addresses)
        out.push_back(address.addr_spec());
    return out;
}

log::Level level_for(ErrorKind kind) {
    return kind == ErrorKind::transient ? log::Level::warning : log::Level::error;
}

}  // namespace

SentMessageSummary summarize(const mail::RenderedMessage& message) {
    return {message.envelope.sender, message.envelope.recipients, message.subject,
            message.message_id};
}

SentMessageSummary summarize(const mail::Message& message) {
    std::vector<mail::Address> recipients = message.to;
    recipients.insert(recipients.end(), message.cc.begin(), message.cc.end());
    recipients.insert(recipients.end(), message.bcc.begin(), message.bcc.end());
    return {message.from.addr_spec(), addr_specs(recipients), message.subject,
            message.message_id.value_or("")};
}

log::SecurityEvent send_event(std::string_view backend, const SentMessageSummary& message,
                              const SendResult& result) {
    log::SecurityEvent event{result ? log::Level::info : level_for(result.error().kind), "send"};
    event.add("backend", std::string(backend))
        .add("from", message.from)
        .add("to", message.to)
        .add("subject", message.subject)
        .add("message_id", result ? result->message_id : message.message_id);
    if (result) {
        event.add("outcome", "sent").add("detail", result->detail);
        return event;
    }
    const Error& error = result.error();
    event.add("outcome", std::string(to_string(error.kind)));
    if (error.code != 0)
        event.add("code", static_cast<long>(error.code));
    event.add("enhanced_status", error.enhanced_status)
        .add("reply", error.reply)
        .add("error", error.message);
    if (auto diagnosis = microsoft365::diagnose(error))
        event.add("diagnosis", microsoft365::format_diagnosis_line(*diagnosis));
    return event;
}

void log_send(std::string_view backend, const SentMessageSummary& message,
              const SendResult& result) noexcept {
    try {
        log::log_security_event(send_event(backend, message, result));
    } catch (...) {
        // Building the line allocates; a send must not fail because its log line could not.
    }
}

}  // namespace txmail::transport
