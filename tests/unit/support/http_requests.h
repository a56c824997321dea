// Requests for route-handler tests (no socket): method and target as a client would send them,
// path and query parsed the way the server does.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "txmail/http/message.h"

namespace txmail::testing {

inline http::Request http_request(std::string method, std::string target, std::string body = {},
                                  http::Headers headers = {}) {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    EXPECT_TRUE(http::parse_target(request.target, request.path, request.query));
    request.body = std::move(body);
    request.headers = std::move(headers);
    return request;
}

}  // namespace txmail::testing
