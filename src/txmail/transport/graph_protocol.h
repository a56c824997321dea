// Microsoft Graph sendMail, the pure parts: the request URL and body, and what a response means
// (Microsoft Learn "user: sendMail", "Send Outlook messages in MIME format", "Microsoft Graph
// throttling guidance"). The I/O lives in graph_backend.cpp.
//
// The body is the MIME form: the whole RFC 5322 message base64-encoded, sent as text/plain, so
// the text + HTML alternative and attachments arrive exactly as rendered (the JSON form allows
// one body only). Graph takes the recipients from the To, Cc and Bcc headers, not from an
// envelope; the rendered bytes carry no Bcc (mime_writer.h), so envelope recipients missing from
// To and Cc are put back in a Bcc header, which Exchange delivers and then removes.
//
// Errors keep Graph's words: code = HTTP status, reply = "<Graph error code>: <message>", e.g.
// "ErrorMimeContentInvalidBase64String: Invalid base64 string for MIME content.".
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "txmail/mail/mime_writer.h"
#include "txmail/util/error.h"

namespace txmail::transport::graph {

inline constexpr std::string_view default_url = "https://graph.microsoft.com";

// {base_url}/v1.0/users/{mailbox, percent-encoded}/sendMail; a trailing '/' on base_url is fine.
std::string send_mail_url(std::string_view base_url, std::string_view mailbox);

// The message bytes with a Bcc header for envelope recipients that To and Cc do not name.
std::string with_bcc_header(const mail::RenderedMessage& message);

// base64 of with_bcc_header(); a permanent error naming both sizes when over max_bytes.
Result<std::string> send_mail_body(const mail::RenderedMessage& message, std::size_t max_bytes);

// Retry-After: delta-seconds or an HTTP-date (RFC 9110 section 10.2.3); nullopt when unreadable.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

struct Response {
    enum class Kind {
        accepted,      // 2xx (Graph answers 202)
        unauthorized,  // 401: the token expired or was revoked; refresh once and retry
        throttled,     // 429, 503: wait retry_after (when given) and retry
        failed,        // anything else: `error` says how
    } kind = Kind::failed;
    std::optional<std::chrono::seconds> retry_after;
    std::string detail;  // for accepted: "202 Accepted (request-id ...)"
    Error error;  // for unauthorized, throttled, failed: transient/permanent with Graph's words
};

// request_id: the response's request-id header (quoted in details and errors for support).
Response classify_response(long status, std::string_view body,
                           std::optional<std::chrono::seconds> retry_after,
                           std::string_view request_id);

}  // namespace txmail::transport::graph
