// The delivery interface, shaped like Django's BaseEmailBackend: open(), close(),
// send_messages(batch). Instead of a count it returns one result per message, so that callers
// (the CLI, the outbox dispatcher) know which message failed, how, and in the server's own words.
//
// Backends send already rendered messages (mail::RenderedMessage), so that the outbox delivers
// exactly the bytes it stored; send(Message) renders first for callers that hold a Message.
//
// Contract: send_messages never throws; every failure is an Error whose kind is transient (retry:
// 4xx, network, timeout) or permanent (5xx, bad message) or config (the backend cannot work as
// configured). open() is optional: send_messages opens on demand and a backend that was opened
// keeps its connection across calls until close(). One backend object is used by one thread at a
// time; workers each own one.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/mail/message.h"
#include "txmail/mail/mime_writer.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::transport {

struct Accepted {
    std::string message_id;  // the Message-ID that was sent, without angle brackets
    std::string detail;  // the server's final reply ("250 2.0.0 Ok: queued as X"), a file path...
};

using SendResult = Result<Accepted>;

class Backend {
  public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;  // "smtp", "file", ...
    virtual Result<void> open() { return {}; }
    virtual void close() {}
    virtual std::vector<SendResult> send_messages(
        std::span<const mail::RenderedMessage> messages) = 0;

    SendResult send(const mail::RenderedMessage& message);
    SendResult send(const mail::Message& message);  // prepare() then send; render errors returned
};

// Builds the backend named by EMAIL_BACKEND (ours or Django's dotted path) and validates its
// settings now, so misconfiguration fails at start-up and not at the first send.
Result<std::unique_ptr<Backend>> make_backend(const config::Settings& settings);

// Maps Django's dotted path or our short name to our short name; error lists the valid ones.
Result<std::string> backend_name(std::string_view configured);

}  // namespace txmail::transport
