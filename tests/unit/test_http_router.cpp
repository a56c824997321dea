#include "txmail/http/router.h"

#include <gtest/gtest.h>

#include <future>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace txmail::http {
namespace {

Request request(std::string method, std::string target) {
    Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    EXPECT_TRUE(parse_target(r.target, r.path, r.query));
    return r;
}

Router sample_router() {
    Router router;
    router.add("GET", "/v1/users/{id}", [](const Request&, const PathParams& p) {
        return Response::json(200, {{"id", p.at("id")}});
    });
    router.add("PUT", "/v1/users/{id}", [](const Request& r, const PathParams&) {
        return Response::json(200, {{"body", r.body}});
    });
    router.add("GET", "/boom", [](const Request&, const PathParams&) -> Response {
        throw std::runtime_error("secret detail");
    });
    return router;
}

TEST(HttpRouter, CapturesPathParameters) {
    const Response r = sample_router().handle(request("GET", "/v1/users/42"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(nlohmann::json::parse(r.body)["id"], "42");
}

TEST(HttpRouter, PercentDecodesPathAndQuery) {
    Request r = request("GET", "/v1/users/a%20b?to=z%40example.com&status=dead&x");
    EXPECT_EQ(r.path, "/v1/users/a b");
    EXPECT_EQ(r.query_value("to"), "z@example.com");
    EXPECT_EQ(r.query_value("status"), "dead");
    EXPECT_EQ(r.query_value("x"), "");
    std::string path;
    std::map<std::string, std::string, std::less<>> query;
    EXPECT_FALSE(parse_target("/bad%zz", path, query));
    EXPECT_FALSE(parse_target("/bad%4", path, query));
    // What decodes must be UTF-8 text: it becomes ids and symbols that are stored and written
    // into JSON (a user stored as %FF answered 500 at every read).
    EXPECT_TRUE(parse_target("/v1/users/%C3%A9l%C3%A8ve?to=z%E2%82%AC", path, query));
    EXPECT_EQ(path, "/v1/users/\u00e9l\u00e8ve");
    EXPECT_FALSE(parse_target("/v1/users/%FF", path, query));
    EXPECT_FALSE(parse_target("/v1/users/%C3", path, query));
    EXPECT_FALSE(parse_target("/v1/users/a%0Ab", path, query));
    EXPECT_FALSE(parse_target("/v1/users/a%7F", path, query));
    EXPECT_FALSE(parse_target("/v1/messages?to=%00", path, query));
}

TEST(HttpRouter, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    const Router router = sample_router();
    const Response missing = router.handle(request("GET", "/nope"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "not_found");
    const Response wrong = router.handle(request("DELETE", "/v1/users/1"));
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.headers.at("allow"), "GET, PUT");
}

TEST(HttpRouter, HeadIsServedByGet) {
    EXPECT_EQ(sample_router().handle(request("HEAD", "/v1/users/7")).status, 200);
}

TEST(HttpRouter, AThrowingHandlerIsA500WithoutItsDetail) {
    const Response r = sample_router().handle(request("GET", "/boom"));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
}

// A deferred handler's answer may come from another thread after it has returned; one that throws
// before answering is a 500, as a plain handler's.
TEST(HttpRouter, ADeferredHandlerAnswersFromAnotherThreadOrIsA500WhenItThrows) {
    Router router;
    std::thread answering;
    router.add_deferred("POST", "/later", [&](const Request& r, const PathParams&, Reply reply) {
        answering = std::thread([reply, body = r.body] { reply(Response::text(202, body)); });
    });
    router.add_deferred("POST", "/broken", [](const Request&, const PathParams&, Reply) {
        throw std::runtime_error("secret detail");
    });
    Request later = request("POST", "/later");
    later.body = "queued";
    std::promise<std::pair<Response, std::thread::id>> answer;
    router.handle(later, [&answer](Response response) {
        answer.set_value({std::move(response), std::this_thread::get_id()});
    });
    auto [response, thread] = answer.get_future().get();
    EXPECT_EQ(response.status, 202);
    EXPECT_EQ(response.body, "queued");
    EXPECT_NE(thread, std::this_thread::get_id());
    answering.join();

    const Response broken = router.handle(request("POST", "/broken"));
    EXPECT_EQ(broken.status, 500);
    EXPECT_EQ(broken.body.find("secret detail"), std::string::npos);
}

TEST(HttpRouter, RouteOfNamesThePatternForMetrics) {
    const Router router = sample_router();
    EXPECT_EQ(router.route_of(request("GET", "/v1/users/99")), "/v1/users/{id}");
    EXPECT_EQ(router.route_of(request("GET", "/x")), "unmatched");
}

TEST(HttpErrorShape, HasCodeMessageAndField) {
    const auto body =
        nlohmann::json::parse(Response::error(400, "invalid", "bad email", "email").body);
    EXPECT_EQ(body["error"]["code"], "invalid");
    EXPECT_EQ(body["error"]["message"], "bad email");
    EXPECT_EQ(body["error"]["field"], "email");
}

}  // namespace
}  // namespace txmail::http
