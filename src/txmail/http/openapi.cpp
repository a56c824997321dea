#include "txmail/http/openapi.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace txmail::http {

std::string_view openapi_document() {
    for (const EmbeddedFile& file : embedded_documents())
        if (file.name == "openapi.json")
            return file.text;
    throw std::logic_error("docs/openapi.json was not embedded (src/txmail/http/module.cmake)");
}

std::vector<std::string> undocumented_routes(const Router& router, std::string_view document) {
    const nlohmann::json parsed = nlohmann::json::parse(document, nullptr, false);
    const nlohmann::json* paths =
        parsed.is_object() && parsed.contains("paths") ? &parsed.at("paths") : nullptr;
    std::vector<std::string> missing;
    for (const auto& route : router.routes()) {
        std::string method = route.method;
        std::ranges::transform(method, method.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        const bool described =
            paths != nullptr && paths->is_object() && paths->contains(route.pattern) &&
            paths->at(route.pattern).is_object() && paths->at(route.pattern).contains(method);
        if (!described)
            missing.push_back(route.method + " " + route.pattern);
    }
    return missing;
}

void add_openapi_route(Router& router) {
    router.add("GET", "/openapi.json", [](const Request&, const PathParams&) {
        return Response::text(200, std::string(openapi_document()), "application/json");
    });
}

}  // namespace txmail::http
