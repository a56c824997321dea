// Rendered messages for backend tests, built by hand so that transport tests do not depend on the
// MIME writer's exact output.
#pragma once

#include <string>

#include "txmail/mail/mime_writer.h"

namespace txmail::testing {

inline mail::RenderedMessage rendered_message(const std::string& id = "1") {
    mail::RenderedMessage message;
    message.envelope.sender = "noreply@example.com";
    message.envelope.recipients = {"user@example.com"};
    message.message_id = "msg" + id + "@example.com";
    message.subject = "Subject " + id;
    message.bytes =
        "From: noreply@example.com\r\n"
        "To: user@example.com\r\n"
        "Subject: Subject " +
        id +
        "\r\n"
        "Message-ID: <msg" +
        id +
        "@example.com>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Body of message " +
        id + ".\r\n";
    return message;
}

}  // namespace txmail::testing
