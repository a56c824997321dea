// SMTP replies as the backend receives them, and what a refusal means (RFC 5321 section 4.2,
// RFC 3463 enhanced status codes). Pure: bytes in, values out; no I/O.
//
// SmtpReplyReader takes the server's bytes in whatever pieces they arrive (from libcurl's debug
// callback as CURLINFO_HEADER_IN while it connects and signs in, from the socket afterwards) and
// assembles whole replies, multi-line ones included ("250-first", "250 last"), in order. On
// failure the last reply is the server's own words, which libcurl's messages ("Login denied") do
// not carry.
//
// refusal() turns a reply into an Error: 4xx transient (try again later), 5xx permanent (this
// message will not go as it is), anything else permanent too (a server that answers out of
// protocol). The Error keeps the code, the enhanced status when the reply has one of its own class
// (a "535 5.7.139" yes, a "535 4.7.0" no), and the full reply text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::transport {

struct SmtpReply {
    int code = 0;
    std::vector<std::string> lines;  // the text after "ddd-" / "ddd " of each line

    // RFC 3463 "class.subject.detail" opening the first line, when its class is the code's.
    std::string enhanced_status() const;
    // The reply as sent, lines "ddd-text" ... "ddd text" joined with "\n".
    std::string text() const;
};

class SmtpReplyReader {
  public:
    void feed(std::string_view bytes);
    // Forgets everything: call before each exchange whose replies matter on their own.
    void reset();

    // Every complete reply since reset(), in order.
    const std::vector<SmtpReply>& replies() const { return replies_; }
    // The oldest complete reply not taken yet (replies to pipelined commands come in order).
    std::optional<SmtpReply> take();
    // The last complete reply, not counting 221 (the answer to QUIT).
    const std::optional<SmtpReply>& last() const { return last_; }
    // Whether a reply with this code came since reset() (354: the server took DATA).
    bool seen(int code) const;

  private:
    void take_line(std::string_view line);

    std::string partial_;  // bytes of a line whose CRLF has not arrived yet
    SmtpReply current_;    // a multi-line reply in progress
    std::vector<SmtpReply> replies_;
    std::size_t taken_ = 0;
    std::optional<SmtpReply> last_;
};

ErrorKind reply_kind(int code);

// `what` says what was refused, e.g. "the server refused the sender from@example.com".
Error refusal(const SmtpReply& reply, std::string what);

}  // namespace txmail::transport
