#include "txmail/http/message.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "txmail/util/hex.h"
#include "txmail/util/strings.h"
#include "txmail/util/utf8.h"

namespace txmail::http {
namespace {

// RFC 3986 percent-decoding; '+' means space only in a query (HTML form encoding). What it
// decodes must be UTF-8 without control characters: a path parameter becomes a user id or a
// symbol, stored and written into JSON, which holds nothing else.
bool percent_decode(std::string_view in, bool plus_is_space, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size())
                return false;
            const int hi = hex_digit_value(in[i + 1]);
            const int lo = hex_digit_value(in[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return is_valid_utf8(out) && std::ranges::none_of(out, is_ascii_control);
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const char x = ascii_lower(a[i]);
        const char y = ascii_lower(b[i]);
        if (x != y)
            return x < y;
    }
    return a.size() < b.size();
}

std::optional<std::string_view> Request::header(std::string_view name) const {
    const auto it = headers.find(name);
    if (it == headers.end())
        return std::nullopt;
    return std::string_view(it->second);
}

std::optional<std::string_view> Request::query_value(std::string_view name) const {
    const auto it = query.find(name);
    if (it == query.end())
        return std::nullopt;
    return std::string_view(it->second);
}

Response Response::json(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    r.body = body.dump();
    return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

Response Response::error(int status, std::string_view code, std::string_view message,
                         std::string_view field) {
    nlohmann::json error = {{"code", code}, {"message", message}};
    if (!field.empty())
        error["field"] = field;
    return json(status, {{"error", std::move(error)}});
}

bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string, std::less<>>& query) {
    const auto question = target.find('?');
    if (!percent_decode(target.substr(0, question), false, path))
        return false;
    query.clear();
    if (question == std::string_view::npos)
        return true;
    std::string_view rest = target.substr(question + 1);
    std::string key, value;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        if (!percent_decode(pair.substr(0, eq), true, key))
            return false;
        if (!percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                            true, value)) {
            return false;
        }
        query[key] = value;
    }
    return true;
}

}  // namespace txmail::http
