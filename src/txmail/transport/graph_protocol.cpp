#include "txmail/transport/graph_protocol.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "txmail/microsoft365/http_client.h"
#include "txmail/util/base64.h"
#include "txmail/util/strings.h"

namespace txmail::transport::graph {

namespace {

// The addr-specs of an address-list header value (RFC 5322 section 3.4): the part in angle
// brackets when there is one, else the item itself; quoted display names may hold ',' and '<'.
void collect_addresses(std::string_view value, std::set<std::string>& out) {
    std::string item, angle;
    bool quoted = false, escaped = false, in_angle = false, had_angle = false;
    auto flush = [&] {
        std::string address(had_angle ? trim_blanks(angle) : trim_blanks(item));
        if (!address.empty())
            out.insert(ascii_lowercase(address));
        item.clear();
        angle.clear();
        had_angle = false;
    };
    for (char c : value) {
        if (escaped) {
            escaped = false;
        } else if (quoted) {
            escaped = c == '\\';
            quoted = c != '"';
        } else if (in_angle) {
            if (c == '>')
                in_angle = false;
            else
                angle += c;
            continue;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            in_angle = had_angle = true;
            angle.clear();
            continue;
        } else if (c == ',' || c == ':' || c == ';') {  // ':' and ';' delimit groups
            flush();
            continue;
        }
        item += c;
    }
    flush();
}

// Addresses named by the To and Cc headers of the header block (folded lines unfolded).
std::set<std::string> header_recipients(std::string_view bytes) {
    std::set<std::string> found;
    std::string_view headers = bytes.substr(0, bytes.find("\r\n\r\n"));
    std::string field;
    auto take = [&] {
        auto colon = field.find(':');
        if (colon != std::string::npos) {
            std::string_view name = trim_blanks(std::string_view(field).substr(0, colon));
            if (iequals_ascii(name, "To") || iequals_ascii(name, "Cc"))
                collect_addresses(std::string_view(field).substr(colon + 1), found);
        }
        field.clear();
    };
    while (!headers.empty()) {
        auto end = headers.find("\r\n");
        std::string_view line = headers.substr(0, end);
        if (!line.empty() && line.front() != ' ' && line.front() != '\t')
            take();
        field += line;
        headers.remove_prefix(end == std::string_view::npos ? headers.size() : end + 2);
    }
    take();
    return found;
}

// First 200 characters of a non-JSON body, control characters replaced, for an error's reply.
std::string excerpt(std::string_view body) {
    std::string out(body.substr(0, 200));
    std::ranges::replace_if(
        out, [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
    return std::string(trim_blanks(out));
}

// "<code>: <message>" from {"error":{"code":...,"message":...}}; the body itself otherwise.
std::string graph_words(std::string_view body) {
    auto answer = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (answer.is_object()) {
        if (auto error = answer.find("error"); error != answer.end() && error->is_object()) {
            std::string code = error->value("code", "");
            std::string message = error->value("message", "");
            if (code.empty())
                return message;
            return message.empty() ? code : code + ": " + message;
        }
    }
    return excerpt(body);
}

}  // namespace

std::string send_mail_url(std::string_view base_url, std::string_view mailbox) {
    while (base_url.ends_with('/'))
        base_url.remove_suffix(1);
    return std::string(base_url) + "/v1.0/users/" + microsoft365::HttpClient::escape(mailbox) +
           "/sendMail";
}

std::string with_bcc_header(const mail::RenderedMessage& message) {
    const auto named = header_recipients(message.bytes);
    std::string bcc;
    for (const auto& recipient : message.envelope.recipients) {
        if (named.contains(ascii_lowercase(recipient)))
            continue;
        bcc += bcc.empty() ? "Bcc: " : ",\r\n ";  // one address per line keeps lines short
        bcc += recipient;
    }
    if (bcc.empty())
        return message.bytes;
    return bcc + "\r\n" + message.bytes;
}

Result<std::string> send_mail_body(const mail::RenderedMessage& message, std::size_t max_bytes) {
    std::string mime = with_bcc_header(message);
    const std::size_t encoded = base64_encoded_size(mime.size());
    if (encoded > max_bytes)
        return fail(Error::permanent(
            "the message is " + std::to_string(mime.size()) + " bytes, " + std::to_string(encoded) +
            " as base64; Microsoft Graph accepts at most " + std::to_string(max_bytes) +
            " bytes per request (about 4 MB): link large files instead of attaching them, or "
            "send through SMTP"));
    return base64_encode(mime);
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    value = trim_blanks(value);
    if (value.empty())
        return std::nullopt;
    if (std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '9'; })) {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec != std::errc{} || end != value.data() + value.size())
            return std::nullopt;
        return std::chrono::seconds(seconds);
    }
    const std::string date(value);
    const time_t at = curl_getdate(date.c_str(), nullptr);
    if (at == -1)
        return std::nullopt;
    const auto delta = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::from_time_t(at) - now);
    return std::max(delta, std::chrono::seconds(0));
}

Response classify_response(long status, std::string_view body,
                           std::optional<std::chrono::seconds> retry_after,
                           std::string_view request_id) {
    const std::string suffix =
        request_id.empty() ? "" : " (request-id " + std::string(request_id) + ")";
    Response out{.retry_after = retry_after};
    if (status >= 200 && status < 300) {
        out.kind = Response::Kind::accepted;
        out.detail = std::to_string(status) + (status == 202 ? " Accepted" : "") + suffix;
        return out;
    }

    const std::string words = graph_words(body);
    const std::string status_text = "HTTP " + std::to_string(status) + (words.empty() ? "" : " ");
    Error& error = out.error;
    error.code = static_cast<int>(status);
    error.reply = words;
    if (status == 401) {
        out.kind = Response::Kind::unauthorized;
        error.kind = ErrorKind::config;
        error.message = "Microsoft Graph rejected the access token: " + status_text + words +
                        suffix + "; check the Mail.Send application permission and admin consent";
    } else if (status == 429 || status == 503) {
        out.kind = Response::Kind::throttled;
        error.kind = ErrorKind::transient;
        error.retry_after = retry_after;
        error.message =
            "Microsoft Graph is throttling: " + status_text + words + suffix +
            (retry_after ? "; retry after " + std::to_string(retry_after->count()) + " s" : "");
    } else {
        out.kind = Response::Kind::failed;
        error.kind = status >= 400 && status < 500 ? ErrorKind::permanent : ErrorKind::transient;
        error.message = "Microsoft Graph refused the message: " + status_text + words + suffix;
    }
    return out;
}

}  // namespace txmail::transport::graph
