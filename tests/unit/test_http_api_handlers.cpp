// The /v1 handlers without a socket: auth, validation naming fields (and nothing stored),
// idempotency, the fan-out, and the message views.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_requests.h"
#include "support/notify_fixtures.h"
#include "txmail/http/api_handlers.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/memory_contact_store.h"

namespace txmail::http {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
  protected:
    ApiTest() { add_api_routes(router, services); }

    Response call(std::string method, std::string path, std::string body = {},
                  Headers headers = {{"Authorization", "Bearer s3cret"}}) {
        return router.handle(
            testing::http_request(std::move(method), path, std::move(body), std::move(headers)));
    }
    Response post(std::string path, const json& body, std::string key = {}) {
        Headers headers{{"Authorization", "Bearer s3cret"}};
        if (!key.empty())
            headers["Idempotency-Key"] = key;
        return call("POST", std::move(path), body.dump(), headers);
    }
    std::size_t stored() {
        outbox::ListFilter all;
        all.limit = 10'000;
        return store.list(all)->size();
    }
    void add_user(const std::string& id, const std::vector<std::string>& tickers = {}) {
        ASSERT_EQ(call("PUT", "/v1/users/" + id,
                       json{{"email", "u" + id + "@example.com"}, {"name", "U " + id}}.dump())
                      .status,
                  201);
        if (!tickers.empty()) {
            ASSERT_EQ(
                call("PUT", "/v1/users/" + id + "/watchlist", json{{"tickers", tickers}}.dump())
                    .status,
                200);
        }
    }

    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore store;
    service::MemoryContactStore contacts;
    service::Notifier notifier{renderer, store};
    ApiServices services{contacts, notifier, store, "s3cret", true};
    Router router;
};

json body_of(const Response& response) {
    return json::parse(response.body);
}

TEST_F(ApiTest, MissingOrWrongTokenIs401AndStoresNothing) {
    add_user("7");
    for (Headers headers : {Headers{}, Headers{{"Authorization", "Bearer wrong!"}},
                            Headers{{"Authorization", "s3cret"}}}) {
        auto response =
            call("POST", "/v1/events/user-registered", json{{"user_id", "7"}}.dump(), headers);
        EXPECT_EQ(response.status, 401);
        EXPECT_EQ(body_of(response)["error"]["code"], "unauthorized");
    }
    EXPECT_EQ(stored(), 0u);
}

TEST_F(ApiTest, HealthNeedsNoToken) {
    EXPECT_EQ(call("GET", "/healthz", {}, {}).status, 200);
    EXPECT_EQ(call("GET", "/readyz", {}, {}).status, 200);
}

// A store that counts its stats() and can be made not to answer its ping().
class ProbedStore : public outbox::MemoryStore {
  public:
    Result<outbox::Stats> stats() override {
        ++stats_calls;
        return MemoryStore::stats();
    }
    Result<void> ping() override {
        if (!answers)
            return fail(
                Error::transient("SQLite open failed on /var/lib/txmail.db: disk I/O error"));
        return {};
    }
    int stats_calls = 0;
    bool answers = true;
};

TEST(ReadyzTest, PingsTheOutboxRatherThanCountingEveryMessage) {
    notify::Renderer renderer = testing::notify_renderer();
    ProbedStore store;
    service::MemoryContactStore contacts;
    service::Notifier notifier{renderer, store};
    ApiServices services{contacts, notifier, store, "s3cret", true};
    Router router;
    add_api_routes(router, services);
    auto readyz = [&] { return router.handle(testing::http_request("GET", "/readyz", {}, {})); };

    EXPECT_EQ(readyz().status, 200);
    EXPECT_EQ(store.stats_calls, 0) << "a probe every few seconds must not count the history";

    store.answers = false;
    auto response = readyz();
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(body_of(response)["error"]["code"], "store_unreachable");
    EXPECT_NE(body_of(response)["error"]["message"].get<std::string>().find("disk I/O error"),
              std::string::npos);
}

TEST_F(ApiTest, BadEmailIsNamedAndNotStored) {
    auto response = call("PUT", "/v1/users/7", json{{"email", "nope"}, {"name", "N"}}.dump());
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(body_of(response)["error"]["field"], "email");
    EXPECT_EQ(call("GET", "/v1/users/7").status, 404);
}

// Stored, it would fail every email to the user, and any fan-out with the user in it.
TEST_F(ApiTest, AnEmailWithADisplayNameIsRefusedAndNotStored) {
    const std::string named = "Ada <ada@example.com>";
    auto put = call("PUT", "/v1/users/7", json{{"email", named}, {"name", "Ada"}}.dump());
    EXPECT_EQ(put.status, 400);
    EXPECT_EQ(body_of(put)["error"]["field"], "email");
    EXPECT_NE(body_of(put)["error"]["message"].get<std::string>().find(named), std::string::npos);
    EXPECT_EQ(call("GET", "/v1/users/7").status, 404);

    const json inline_user{{"user", {{"id", "8"}, {"email", named}, {"name", "Ada"}}}};
    auto registered = call("POST", "/v1/events/user-registered", inline_user.dump());
    EXPECT_EQ(registered.status, 400);
    EXPECT_EQ(body_of(registered)["error"]["field"], "user.email");
    EXPECT_EQ(call("GET", "/v1/users/8").status, 404);
}

// A user id goes into every fan-out's idempotency keys, log lines and URLs: a blank, a newline or
// 5,000 bytes are refused, naming the field, and nothing is stored.
TEST_F(ApiTest, AUserIdIsOneTo128BytesWithoutSpacesOrControlCharacters) {
    const std::string email = json{{"email", "ada@example.com"}}.dump();
    for (const std::string& bad :
         {std::string("%20"), std::string("a%20b"), std::string(129, 'u')}) {
        auto put = call("PUT", "/v1/users/" + bad, email);
        EXPECT_EQ(put.status, 400) << bad;
        EXPECT_EQ(body_of(put)["error"]["field"], "id") << put.body;
    }
    EXPECT_NE(body_of(call("PUT", "/v1/users/" + std::string(129, 'u'), email))["error"]["message"]
                  .get<std::string>()
                  .find("129 bytes long; at most 128"),
              std::string::npos);
    EXPECT_EQ(call("PUT", "/v1/users/" + std::string(128, 'u'), email).status, 201);
    EXPECT_EQ(call("PUT", "/v1/users/%C3%A9l%C3%A8ve-7", email).status, 201) << "UTF-8 is fine";

    for (const std::string& bad : {std::string(""), std::string("a\nb"), std::string("\t")}) {
        auto registered =
            post("/v1/events/user-registered",
                 {{"user", {{"id", bad}, {"email", "bob@example.com"}, {"name", "Bob"}}}});
        EXPECT_EQ(registered.status, 400) << registered.body;
        EXPECT_EQ(body_of(registered)["error"]["field"], "user.id") << registered.body;
    }
    EXPECT_EQ(stored(), 0u);
}

TEST_F(ApiTest, AnIdempotencyKeyOver255CharactersIsRefusedNamingTheHeader) {
    add_user("7");
    auto long_key = post("/v1/events/password-changed", {{"user_id", "7"}}, std::string(256, 'k'));
    EXPECT_EQ(long_key.status, 400);
    EXPECT_EQ(body_of(long_key)["error"]["field"], "Idempotency-Key");
    EXPECT_NE(body_of(long_key)["error"]["message"].get<std::string>().find("256 characters"),
              std::string::npos)
        << long_key.body;
    EXPECT_EQ(stored(), 0u);
    // The longest key, on a fan-out to the longest user id, still fits the outbox's keys.
    const std::string longest_id(128, 'u');
    ASSERT_EQ(
        call("PUT", "/v1/users/" + longest_id, json{{"email", "u@example.com"}}.dump()).status,
        201);
    ASSERT_EQ(call("PUT", "/v1/users/" + longest_id + "/watchlist",
                   json{{"tickers", {std::string(20, 'A')}}}.dump())
                  .status,
              200);
    auto fan_out = post("/v1/tickers/" + std::string(20, 'A') + "/view-status",
                        {{"old_status", "BUY"}, {"new_status", "SELL"}}, std::string(255, 'k'));
    EXPECT_EQ(fan_out.status, 202) << fan_out.body;
}

TEST_F(ApiTest, UserUpsertGetDelete) {
    add_user("7");
    auto updated =
        call("PUT", "/v1/users/7", json{{"email", "new@example.com"}, {"name", "New"}}.dump());
    EXPECT_EQ(updated.status, 200);
    EXPECT_EQ(body_of(call("GET", "/v1/users/7"))["email"], "new@example.com");
    EXPECT_EQ(call("DELETE", "/v1/users/7").status, 204);
    EXPECT_EQ(call("GET", "/v1/users/7").status, 404);
}

TEST_F(ApiTest, WatchlistSymbolsAreValidatedAndUpperCased) {
    add_user("7", {"aapl", "brk.b"});
    EXPECT_EQ(body_of(call("GET", "/v1/users/7/watchlist"))["tickers"], json({"AAPL", "BRK.B"}));
    auto bad = call("PUT", "/v1/users/7/watchlist", json{{"tickers", {"AAPL", "no way"}}}.dump());
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(body_of(bad)["error"]["field"], "tickers[1]");
    EXPECT_EQ(body_of(call("GET", "/v1/users/7/watchlist"))["tickers"], json({"AAPL", "BRK.B"}));
    // The catalogue's rule: an index, a class share, a long exchange-qualified symbol.
    auto wide = call("PUT", "/v1/users/7/watchlist",
                     json{{"tickers", {"^gspc", "brk:a", "EXCHANGE.SYMBOL_2026"}}}.dump());
    EXPECT_EQ(wide.status, 200) << wide.body;
    EXPECT_EQ(body_of(wide)["tickers"], json({"BRK:A", "EXCHANGE.SYMBOL_2026", "^GSPC"}));
    auto changed =
        post("/v1/tickers/%5Egspc/view-status", {{"old_status", "HOLD"}, {"new_status", "BUY"}});
    ASSERT_EQ(changed.status, 202) << changed.body;
    EXPECT_EQ(body_of(changed)["queued"], 1);
    auto too_long =
        call("PUT", "/v1/users/7/watchlist", json{{"tickers", {std::string(21, 'A')}}}.dump());
    EXPECT_EQ(body_of(too_long)["error"]["field"], "tickers[0]");
}

TEST_F(ApiTest, UserRegisteredCreatesTheContactAndQueuesWelcomeOnce) {
    const json body{{"user", {{"id", "9"}, {"email", "ada@example.com"}, {"name", "Ada"}}}};
    auto first = post("/v1/events/user-registered", body, "reg-9");
    ASSERT_EQ(first.status, 202) << first.body;
    EXPECT_EQ(body_of(first)["status"], "queued");
    auto again = post("/v1/events/user-registered", body, "reg-9");
    EXPECT_EQ(body_of(again)["id"], body_of(first)["id"]);
    EXPECT_EQ(stored(), 1u);
    EXPECT_EQ(body_of(call("GET", "/v1/users/9"))["email"], "ada@example.com");
    // The same key on another route is another request.
    EXPECT_EQ(post("/v1/events/password-changed", {{"user_id", "9"}}, "reg-9").status, 202);
    EXPECT_EQ(stored(), 2u);
}

// A key sent again with another request is the client's mistake: answered 422 and nothing is
// written, where taking it for a replay would drop the second email unsaid. The same request
// serialised again (keys in another order, other spacing) is still a replay.
TEST_F(ApiTest, AKeyReusedForAnotherRequestIs422AndWritesNothing) {
    add_user("1");
    add_user("2");
    auto first =
        post("/v1/events/password-changed", {{"user_id", "1"}, {"ip", "203.0.113.9"}}, "pw-k1");
    ASSERT_EQ(first.status, 202) << first.body;
    auto reordered =
        call("POST", "/v1/events/password-changed", R"({ "user_id": "1",  "ip": "203.0.113.9" })",
             {{"Authorization", "Bearer s3cret"}, {"Idempotency-Key", "pw-k1"}});
    ASSERT_EQ(reordered.status, 202) << reordered.body;
    EXPECT_EQ(body_of(reordered)["id"], body_of(first)["id"]);
    EXPECT_EQ(body_of(reordered)["created"], false);

    auto other = post("/v1/events/password-changed", {{"user_id", "2"}}, "pw-k1");
    EXPECT_EQ(other.status, 422) << other.body;
    EXPECT_EQ(body_of(other)["error"]["code"], "idempotency_key_reused");
    EXPECT_EQ(body_of(other)["error"]["field"], "Idempotency-Key");
    EXPECT_EQ(stored(), 1u);

    // The registration that would update the contact before queueing updates nothing.
    const json ada{{"user", {{"id", "9"}, {"email", "ada@example.com"}, {"name", "Ada"}}}};
    ASSERT_EQ(post("/v1/events/user-registered", ada, "reg-9").status, 202);
    const json changed{{"user", {{"id", "9"}, {"email", "eve@example.com"}, {"name", "Eve"}}}};
    auto clash = post("/v1/events/user-registered", changed, "reg-9");
    EXPECT_EQ(clash.status, 422) << clash.body;
    EXPECT_EQ(body_of(call("GET", "/v1/users/9"))["email"], "ada@example.com");

    // A fan-out's replay with another change queues nobody, not even a watcher added since.
    add_user("3", {"AAPL"});
    ASSERT_EQ(post("/v1/tickers/AAPL/view-status", {{"old_status", "BUY"}, {"new_status", "SELL"}},
                   "aapl-1")
                  .status,
              202);
    add_user("4", {"AAPL"});
    auto fan_clash = post("/v1/tickers/AAPL/view-status",
                          {{"old_status", "BUY"}, {"new_status", "HOLD"}}, "aapl-1");
    EXPECT_EQ(fan_clash.status, 422) << fan_clash.body;
    auto notification =
        post("/v1/notifications", {{"event", "welcome"}, {"to", "x@example.com"}}, "n-1");
    ASSERT_EQ(notification.status, 202);
    EXPECT_EQ(
        post("/v1/notifications", {{"event", "welcome"}, {"to", "y@example.com"}}, "n-1").status,
        422);
    EXPECT_EQ(stored(), 4u) << "one each: password, welcome, view change, notification";
}

// Django's primary keys are integers: {"user_id": 42} is user "42", as {"user_id": "42"} is.
TEST_F(ApiTest, AUserIdMayComeAsAnInteger) {
    add_user("42");
    EXPECT_EQ(post("/v1/events/password-changed", {{"user_id", 42}}).status, 202);
    EXPECT_EQ(post("/v1/notifications", {{"event", "welcome"}, {"user_id", 42}}).status, 202);
    EXPECT_EQ(post("/v1/events/user-registered", {{"user_id", 42}}).status, 202);
    auto inline_user = post("/v1/events/user-registered",
                            {{"user", {{"id", 43}, {"email", "u43@example.com"}, {"name", "U"}}}});
    EXPECT_EQ(inline_user.status, 202) << inline_user.body;
    EXPECT_EQ(body_of(call("GET", "/v1/users/43"))["id"], "43");
    for (const json& bad : {json(4.2), json(true), json::array({42})}) {
        auto refused = post("/v1/events/password-changed", {{"user_id", bad}});
        EXPECT_EQ(refused.status, 400) << bad;
        EXPECT_EQ(body_of(refused)["error"]["field"], "user_id");
        EXPECT_NE(body_of(refused)["error"]["message"].get<std::string>().find(
                      "must be a string or an integer"),
                  std::string::npos);
    }
    EXPECT_EQ(stored(), 4u);
}

TEST_F(ApiTest, EventForUnknownUserIs404AndBadJsonIs400) {
    EXPECT_EQ(post("/v1/events/password-changed", {{"user_id", "404"}}).status, 404);
    auto bad = call("POST", "/v1/events/password-changed", "{not json");
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(body_of(bad)["error"]["field"], "body");
    auto missing = post("/v1/events/password-changed", json::object());
    EXPECT_EQ(body_of(missing)["error"]["field"], "user_id");
    EXPECT_EQ(stored(), 0u);
}

TEST_F(ApiTest, PasswordChangedCarriesTheIp) {
    add_user("7");
    auto response = post("/v1/events/password-changed", {{"user_id", "7"}, {"ip", "203.0.113.9"}});
    ASSERT_EQ(response.status, 202) << response.body;
    auto message = **store.get(body_of(response)["id"].get<outbox::MessageId>());
    EXPECT_NE(message.message.bytes.find("203.0.113.9"), std::string::npos);
}

TEST_F(ApiTest, ViewStatusFansOutToWatchersWithPerRecipientKeys) {
    add_user("1", {"AAPL"});
    add_user("2", {"AAPL", "MSFT"});
    add_user("3", {"MSFT"});
    const json body{{"old_status", "BUY"}, {"new_status", "SELL"}};
    auto response = post("/v1/tickers/aapl/view-status", body, "change-1");
    ASSERT_EQ(response.status, 202) << response.body;
    EXPECT_EQ(body_of(response)["queued"], 2);
    post("/v1/tickers/AAPL/view-status", body, "change-1");
    EXPECT_EQ(stored(), 2u);
    auto message = **store.get(body_of(response)["ids"][0].get<outbox::MessageId>());
    EXPECT_EQ(message.idempotency_key, "view-status:AAPL:change-1:1");
    auto missing = post("/v1/tickers/AAPL/view-status", {{"old_status", "BUY"}});
    EXPECT_EQ(body_of(missing)["error"]["field"], "new_status");
}

// "From BUY to BUY" would go to every follower; refused before any is looked up, so a ticker with
// no followers answers the same.
TEST_F(ApiTest, AViewThatDidNotChangeOrIsBlankIsRefusedAndQueuesNothing) {
    add_user("1", {"AAPL"});
    for (const std::string ticker : {"AAPL", "MSFT"}) {
        auto same = post("/v1/tickers/" + ticker + "/view-status",
                         {{"old_status", "BUY"}, {"new_status", "buy "}});
        EXPECT_EQ(same.status, 400) << ticker;
        EXPECT_EQ(body_of(same)["error"]["field"], "new_status") << ticker;
        EXPECT_NE(body_of(same)["error"]["message"].get<std::string>().find("did not change"),
                  std::string::npos);
        auto blank = post("/v1/tickers/" + ticker + "/view-status",
                          {{"old_status", " \t"}, {"new_status", "SELL"}});
        EXPECT_EQ(blank.status, 400) << ticker;
        EXPECT_EQ(body_of(blank)["error"]["field"], "old_status") << ticker;
    }
    auto through_notifications =
        post("/v1/notifications",
             {{"event", "view_status_changed"},
              {"user_id", "1"},
              {"data", {{"ticker", "AAPL"}, {"old_status", "HOLD"}, {"new_status", "HOLD"}}}});
    EXPECT_EQ(body_of(through_notifications)["error"]["field"], "new_status");
    EXPECT_EQ(stored(), 0u);
}

TEST_F(ApiTest, NotificationsToAnAddressAndMessageViews) {
    auto response = post("/v1/notifications", {{"event", "welcome"}, {"to", "x@example.com"}});
    ASSERT_EQ(response.status, 202) << response.body;
    const auto id = body_of(response)["id"].get<outbox::MessageId>();
    auto bad_event = post("/v1/notifications", {{"event", "nope"}, {"to", "x@example.com"}});
    EXPECT_EQ(bad_event.status, 400);
    auto list = body_of(call("GET", "/v1/messages?status=queued&event=welcome"));
    ASSERT_EQ(list["messages"].size(), 1u);
    auto one = call("GET", "/v1/messages/" + std::to_string(id));
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(body_of(one)["status"], "queued");
    EXPECT_TRUE(body_of(one)["attempts"].is_array());
    EXPECT_EQ(body_of(call("GET", "/v1/messages?status=bogus"))["error"]["field"], "status");
    EXPECT_EQ(call("GET", "/v1/messages/999").status, 404);
}

}  // namespace
}  // namespace txmail::http
