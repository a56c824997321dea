// The embedded OpenAPI document against the routes the service registers: every route served is
// described (and the check itself reports what is missing), the document is served without a
// token, and every described operation is one the router serves.
#include "txmail/http/openapi.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "support/http_requests.h"
#include "support/notify_fixtures.h"
#include "txmail/http/api_handlers.h"
#include "txmail/http/metrics_handler.h"
#include "txmail/http/webhook_handlers.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/memory_contact_store.h"
#include "txmail/service/memory_stripe_webhook_ledger.h"

namespace txmail::http {
namespace {

// The routes `txmail serve` registers (cli/serve_command.cpp).
class OpenApiTest : public ::testing::Test {
  protected:
    OpenApiTest() {
        add_api_routes(router, services);
        add_webhook_routes(router, webhooks);
        add_metrics_route(router, metrics);
        add_openapi_route(router);
    }

    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore store;
    service::MemoryContactStore contacts;
    service::Notifier notifier{renderer, store};
    ApiServices services{contacts, notifier, store, "s3cret", true};
    service::MemoryStripeWebhookLedger ledger;
    service::StripeWebhookProcessor processor{ledger, contacts, notifier, {}};
    WebhookServices webhooks{processor, ledger, "s3cret", {}};
    ServiceMetrics metrics;
    Router router;
};

TEST_F(OpenApiTest, EveryRouteTheServiceServesIsDescribed) {
    EXPECT_EQ(undocumented_routes(router, openapi_document()), std::vector<std::string>{});
}

TEST_F(OpenApiTest, ARouteWithoutItsDescriptionIsReported) {
    router.add("GET", "/v1/undocumented/{id}",
               [](const Request&, const PathParams&) { return Response::json(200, nullptr); });
    router.add("PATCH", "/v1/users/{id}",
               [](const Request&, const PathParams&) { return Response::json(200, nullptr); });
    EXPECT_EQ(undocumented_routes(router, openapi_document()),
              (std::vector<std::string>{"GET /v1/undocumented/{id}", "PATCH /v1/users/{id}"}));
    EXPECT_EQ(undocumented_routes(router, "not json").size(), router.routes().size());
}

TEST_F(OpenApiTest, EveryDescribedOperationIsServed) {
    std::set<std::string> served;
    for (const auto& route : router.routes())
        served.insert(route.method + " " + route.pattern);
    const auto document = nlohmann::json::parse(openapi_document());
    EXPECT_TRUE(document.at("openapi").get<std::string>().starts_with("3.0."));
    for (const auto& [path, operations] : document.at("paths").items())
        for (const auto& [method, operation] : operations.items()) {
            if (method == "parameters")
                continue;
            std::string upper = method;
            for (char& c : upper)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            EXPECT_TRUE(served.contains(upper + " " + path)) << upper << " " << path;
        }
}

TEST_F(OpenApiTest, TheDocumentIsServedWithoutAToken) {
    const Response response = router.handle(testing::http_request("GET", "/openapi.json"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "application/json");
    EXPECT_EQ(response.body, openapi_document());
}

}  // namespace
}  // namespace txmail::http
