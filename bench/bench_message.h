// A plain-text outbox message of about `size` bytes from noreply@example.com, as the notify
// renderer would have produced: what the outbox benchmarks store.
#pragma once

#include <string>

#include "txmail/outbox/store.h"

namespace txmail::bench {

inline outbox::NewMessage bench_message(const std::string& tag, std::size_t size) {
    outbox::NewMessage message;
    message.event = "view_status_changed";
    message.priority = outbox::priority::low;
    message.message.envelope = {"noreply@example.com", {"user" + tag + "@example.com"}};
    message.message.message_id = "bench." + tag + "@example.com";
    message.message.subject = "AAPL view changed " + tag;
    std::string& bytes = message.message.bytes;
    bytes = "From: Boritrader <noreply@example.com>\r\nTo: user" + tag +
            "@example.com\r\nSubject: AAPL view changed " + tag + "\r\nMessage-ID: <bench." + tag +
            "@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
    while (bytes.size() < size)
        bytes += "The view on AAPL changed from Neutral to Positive. Message " + tag + ".\r\n";
    return message;
}

}  // namespace txmail::bench
