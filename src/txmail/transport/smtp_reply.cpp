#include "txmail/transport/smtp_reply.h"

#include <algorithm>

namespace txmail::transport {
namespace {

// A server that never ends a line must not make us buffer without bound.
constexpr std::size_t kMaxLine = 64 * 1024;
// Nor one that never ends a multi-line reply.
constexpr std::size_t kMaxLines = 1000;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "d.ddd.ddd" with 1-3 digits in subject and detail (RFC 3463 section 2).
bool is_enhanced_status(std::string_view word) {
    const auto first_dot = word.find('.');
    const auto second_dot = word.find('.', first_dot == std::string_view::npos ? 0 : first_dot + 1);
    if (first_dot != 1 || second_dot == std::string_view::npos)
        return false;
    const std::string_view subject = word.substr(2, second_dot - 2);
    const std::string_view detail = word.substr(second_dot + 1);
    auto digits = [](std::string_view part) {
        return !part.empty() && part.size() <= 3 && std::ranges::all_of(part, is_digit);
    };
    return is_digit(word[0]) && digits(subject) && digits(detail);
}

}  // namespace

std::string SmtpReply::enhanced_status() const {
    if (lines.empty())
        return {};
    const std::string_view first = lines.front();
    const std::string_view word = first.substr(0, first.find(' '));
    if (!is_enhanced_status(word) || word[0] != static_cast<char>('0' + code / 100))
        return {};
    return std::string(word);
}

std::string SmtpReply::text() const {
    const std::string number = std::to_string(code);
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i > 0)
            out += '\n';
        out += number;
        const bool last = i + 1 == lines.size();
        if (!last || !lines[i].empty())  // "221" stays "221", not "221 "
            out += last ? ' ' : '-';
        out += lines[i];
    }
    if (lines.empty())
        out = number;
    return out;
}

void SmtpReplyReader::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            if (partial_.size() < kMaxLine)
                partial_.append(bytes.substr(0, kMaxLine - partial_.size()));
            return;
        }
        partial_.append(bytes.substr(0, std::min(newline, kMaxLine)));
        bytes.remove_prefix(newline + 1);
        std::string_view line = partial_;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        take_line(line);
        partial_.clear();
    }
}

void SmtpReplyReader::take_line(std::string_view line) {
    // "ddd" alone, "ddd text" (last line) or "ddd-text" (more follow), RFC 5321 section 4.2.
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
        return;
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-')
        return;
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    const bool more = line.size() > 3 && line[3] == '-';
    if (current_.code != code)
        current_ = SmtpReply{code, {}};
    if (current_.lines.size() < kMaxLines)
        current_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
    if (more)
        return;
    // 221 answers the QUIT libcurl sends when it gives up on a connection after a refusal: the
    // refusal, not the goodbye, is what the caller needs.
    if (code != 221)
        last_ = current_;
    replies_.push_back(std::move(current_));
    current_ = SmtpReply{};
}

void SmtpReplyReader::reset() {
    partial_.clear();
    current_ = SmtpReply{};
    last_.reset();
    replies_.clear();
    taken_ = 0;
}

std::optional<SmtpReply> SmtpReplyReader::take() {
    if (taken_ >= replies_.size())
        return std::nullopt;
    return replies_[taken_++];
}

bool SmtpReplyReader::seen(int code) const {
    return std::ranges::any_of(replies_, [code](const SmtpReply& r) { return r.code == code; });
}

ErrorKind reply_kind(int code) {
    return code >= 400 && code < 500 ? ErrorKind::transient : ErrorKind::permanent;
}

Error refusal(const SmtpReply& reply, std::string what) {
    Error error{reply_kind(reply.code), std::move(what)};
    error.code = reply.code;
    error.enhanced_status = reply.enhanced_status();
    error.reply = reply.text();
    return error;
}

}  // namespace txmail::transport
