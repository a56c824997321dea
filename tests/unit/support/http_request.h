// A Request as the server would hand it to the Router (target split and percent-decoded), for
// route tests without a socket.
#pragma once

#include <string>
#include <utility>

#include "txmail/http/message.h"

namespace txmail::testing {

inline http::Request http_request(std::string method, const std::string& target,
                                  std::string body = {}, http::Headers headers = {}) {
    http::Request request;
    request.method = std::move(method);
    request.target = target;
    http::parse_target(target, request.path, request.query);
    request.headers = std::move(headers);
    request.body = std::move(body);
    return request;
}

}  // namespace txmail::testing
