// Maps method + path to a handler. Patterns are literal segments and `{name}` captures, e.g.
// "/v1/users/{id}/watchlist". Unknown path -> 404, known path with another method -> 405 with an
// Allow header; both in the one error shape. A handler that throws gets a 500 with no detail
// leaked (the exception text goes to the log), so no request can take a worker down.
//
// A deferred handler answers through a Reply it may call after it has returned, from another
// thread: the routes whose answer waits for a commit (a notification's enqueue) use it, so that
// the server's handler thread takes the next request instead of sleeping through the commit.
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
// Called exactly once per request, from any thread.
using Reply = std::function<void(Response)>;
// Calls `reply` once, now or later; or throws before calling it (a 500, as for a Handler).
using DeferredHandler = std::function<void(const Request&, const PathParams&, Reply)>;

class Router {
  public:
    // `route` names the pattern in metrics (the label is the pattern, not the concrete path).
    void add(std::string method, std::string pattern, Handler handler);
    void add_deferred(std::string method, std::string pattern, DeferredHandler handler);
    // Answers through `reply`: on this thread for a plain handler, on any for a deferred one.
    void handle(const Request& request, Reply reply) const;
    // Waits for the answer (tests, and callers with nothing else to do).
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
        Handler handler;  // one of the two
        DeferredHandler deferred;
    };
    const Route* match(const Request& request, PathParams& params, std::string& allow) const;
    std::vector<Route> routes_;
};

}  // namespace txmail::http
