#include "txmail/http/router.h"

#include <exception>
#include <optional>

#include <spdlog/spdlog.h>

#include "txmail/util/wait_for_answer.h"

namespace txmail::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> segments;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        const auto slash = path.find('/');
        segments.emplace_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
    }
    return segments;
}

bool is_capture(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
    Route route{std::move(method), std::move(pattern), {}, std::move(handler), {}};
    route.segments = split_path(route.pattern);
    routes_.push_back(std::move(route));
}

void Router::add_deferred(std::string method, std::string pattern, DeferredHandler handler) {
    Route route{std::move(method), std::move(pattern), {}, {}, std::move(handler)};
    route.segments = split_path(route.pattern);
    routes_.push_back(std::move(route));
}

const Router::Route* Router::match(const Request& request, PathParams& params,
                                   std::string& allow) const {
    const std::vector<std::string> segments = split_path(request.path);
    for (const Route& route : routes_) {
        if (route.segments.size() != segments.size())
            continue;
        PathParams captured;
        bool same = true;
        for (std::size_t i = 0; i < segments.size() && same; ++i) {
            if (is_capture(route.segments[i])) {
                captured[route.segments[i].substr(1, route.segments[i].size() - 2)] = segments[i];
            } else {
                same = route.segments[i] == segments[i];
            }
        }
        if (!same)
            continue;
        // HEAD is served by the GET handler; the server drops the body.
        if (route.method == request.method || (request.method == "HEAD" && route.method == "GET")) {
            params = std::move(captured);
            return &route;
        }
        if (!allow.empty())
            allow += ", ";
        allow += route.method;
    }
    return nullptr;
}

void Router::handle(const Request& request, Reply reply) const {
    PathParams params;
    std::string allow;
    const Route* route = match(request, params, allow);
    if (route == nullptr) {
        if (!allow.empty()) {
            Response r = Response::error(405, "method_not_allowed",
                                         request.method + " is not allowed on " + request.path);
            r.headers["Allow"] = allow;
            return reply(std::move(r));
        }
        return reply(Response::error(404, "not_found", "no route for " + request.path));
    }
    std::optional<Response> response;
    try {
        if (route->deferred)
            return route->deferred(request, params, reply);
        response = route->handler(request, params);
    } catch (const std::exception& e) {
        spdlog::error("handler for {} {} failed: {}", request.method, route->pattern, e.what());
    } catch (...) {
        spdlog::error("handler for {} {} failed with a non-standard exception", request.method,
                      route->pattern);
    }
    reply(response ? std::move(*response)
                   : Response::error(500, "internal", "internal error; see the service log"));
}

Response Router::handle(const Request& request) const {
    return wait_for_answer<Response>([&](Reply reply) { handle(request, std::move(reply)); });
}

std::string Router::route_of(const Request& request) const {
    PathParams params;
    std::string allow;
    const Route* route = match(request, params, allow);
    return route != nullptr ? route->pattern : "unmatched";
}

std::vector<Router::RouteName> Router::routes() const {
    std::vector<RouteName> names;
    for (const Route& route : routes_)
        names.push_back({route.method, route.pattern});
    return names;
}

}  // namespace txmail::http
