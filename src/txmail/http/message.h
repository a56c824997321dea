// Request and Response as plain values, so route handlers are pure functions tested without a
// socket (as in Beast's handle_request): only server.cpp touches connections and Beast types.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace txmail::http {

struct CaseInsensitiveLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
};

using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // as received: path and query
    std::string path;    // percent-decoded path without the query
    std::map<std::string, std::string, std::less<>> query;  // decoded; last value wins
    Headers headers;
    std::string body;
    std::string remote_address;  // peer IP, for audit records

    std::optional<std::string_view> header(std::string_view name) const;
    std::optional<std::string_view> query_value(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    Headers headers;
    std::string body;

    static Response json(int status, const nlohmann::json& body);
    static Response text(int status, std::string body,
                         std::string content_type = "text/plain; charset=utf-8");
    // The one shape of every error: {"error":{"code":…,"message":…,"field":…}} (DESIGN.md).
    static Response error(int status, std::string_view code, std::string_view message,
                          std::string_view field = {});
};

// Splits target into path and query, percent-decoding both; false when the encoding is invalid.
bool parse_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string, std::less<>>& query);

}  // namespace txmail::http
