// Maps method + path to a handler. Patterns are literal segments and `{name}` captures, e.g.
// "/v1/users/{id}/watchlist". Unknown path -> 404, known path with another method -> 405 with an
// Allow header; both in the one error shape. A handler that throws gets a 500 with no detail
// leaked (the exception text goes to the log), so no request can take a worker down.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/http/message.h"

namespace txmail::http {

using PathParams = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const PathParams&)>;

class Router {
  public:
    // `route` names the pattern in metrics (the label is the pattern, not the concrete path).
    void add(std::string method, std::string pattern, Handler handler);
    Response handle(const Request& request) const;
    // The pattern that matched the request's path, or "unmatched" (for metrics labels).
    std::string route_of(const Request& request) const;

    struct RouteName {
        std::string method;
        std::string pattern;
    };
    // Every route, in registration order (checked against the OpenAPI document).
    std::vector<RouteName> routes() const;

  private:
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
    };
    const Route* match(const Request& request, PathParams& params, std::string& allow) const;
    std::vector<Route> routes_;
};

}  // namespace txmail::http
