// The API's OpenAPI 3.0 description: docs/openapi.json, compiled into the binary at build time
// (module.cmake) and served at GET /openapi.json without a token.
//
// undocumented_routes() compares what a router serves with what the document describes (path
// pattern and method; HEAD comes with GET), so a route added without its description is caught:
// by the unit test over the full route table and by `txmail serve`, which warns at start-up.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/http/router.h"
#include "txmail/util/embedded_file.h"

namespace txmail::http {

// Generated from docs/ (module.cmake); sorted by name.
std::span<const EmbeddedFile> embedded_documents();

std::string_view openapi_document();

// "METHOD /pattern" for each route the document does not describe, in registration order.
// A document that is not valid JSON describes nothing.
std::vector<std::string> undocumented_routes(const Router& router, std::string_view document);

void add_openapi_route(Router& router);

}  // namespace txmail::http
