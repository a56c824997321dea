// The Stripe webhook routes without a socket: the answer shapes of the HTTP contract, no bearer
// token on POST /webhooks/stripe but one on the audit listing, redacted headers, the outcome
// observer, and saving a user delivering what waited for it or for its linked customer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/http_requests.h"
#include "support/notify_fixtures.h"
#include "support/text_file.h"
#include "txmail/http/api_handlers.h"
#include "txmail/http/webhook_handlers.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/memory_contact_store.h"
#include "txmail/service/memory_stripe_webhook_ledger.h"
#include "txmail/stripe/signature.h"

namespace txmail::http {
namespace {

using nlohmann::json;

constexpr std::string_view secret = "whsec_handler_test";

std::string invoice_failed() {
    return testing::stripe_fixture("invoice.payment_failed");
}

class WebhookRoutesTest : public ::testing::Test {
  protected:
    WebhookRoutesTest() {
        add_api_routes(router, api);
        add_webhook_routes(router, webhooks);
        api.on_contact_saved = [this](const service::Contact& user) {
            EXPECT_TRUE(processor.deliver_pending_for(user));
        };
        webhooks.on_outcome = [this](std::string_view outcome) { outcomes.emplace_back(outcome); };
    }

    Response call(std::string method, std::string path, std::string body, Headers headers) {
        Request request =
            testing::http_request(std::move(method), path, std::move(body), std::move(headers));
        request.remote_address = "198.51.100.4";
        return router.handle(request);
    }
    Response deliver(const std::string& body, std::string_view key = secret) {
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        const std::string signature =
            "t=" + std::to_string(now) + ",v1=" + stripe::compute_signature(key, now, body);
        return call("POST", "/webhooks/stripe", body,
                    {{"Stripe-Signature", signature},
                     {"Authorization", "Bearer leaked-by-a-proxy"},
                     {"Cookie", "session=abc"},
                     {"User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)"}});
    }
    json audit(const std::string& query = {}) {
        auto response = call("GET", "/v1/webhooks/stripe/events" + query, {},
                             {{"Authorization", "Bearer s3cret"}});
        EXPECT_EQ(response.status, 200) << response.body;
        return json::parse(response.body);
    }

    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore store;
    service::MemoryContactStore contacts;
    service::Notifier notifier{renderer, store};
    service::MemoryStripeWebhookLedger ledger;
    service::StripeWebhookProcessor processor{ledger, contacts, notifier,
                                              service::StripeWebhookOptions{{std::string(secret)}}};
    ApiServices api{contacts, notifier, store, "s3cret", true};
    WebhookServices webhooks{processor, ledger, "s3cret", {}};
    std::vector<std::string> outcomes;
    Router router;
};

// Answered once stored; acted on behind the answer, and the audit row then says what it led to.
TEST_F(WebhookRoutesTest, AcceptedEventAnswersReceivedWithoutABearerToken) {
    ASSERT_TRUE(contacts.upsert({"42", "zoe@example.com", "Zoe", "cus_TxmailFixture01", {}, {}}));
    const auto response = deliver(invoice_failed());
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(
        json::parse(response.body),
        (json{{"received", true}, {"event_id", "evt_TxmailFixture04"}, {"outcome", "received"}}));
    EXPECT_EQ(outcomes, (std::vector<std::string>{"received"}));
    EXPECT_EQ(audit()["requests"][0]["outcome"], "received");

    ASSERT_EQ(processor.act_on_received().value().acted, 1);  // `txmail serve`'s worker
    const json row = audit()["requests"][0];
    EXPECT_EQ(row["source_ip"], "198.51.100.4");
    EXPECT_EQ(row["headers"]["Authorization"], "[redacted]");
    EXPECT_EQ(row["headers"]["Cookie"], "[redacted]");
    EXPECT_EQ(row["headers"]["User-Agent"], "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    EXPECT_EQ(row["body"], invoice_failed());
    EXPECT_EQ(row["valid"], true);
    EXPECT_EQ(row["event_type"], "invoice.payment_failed");
    EXPECT_EQ(row["outcome"], "queued");
    EXPECT_EQ(row["message_ids"].size(), 1u);
    EXPECT_EQ(row["received_at"].get<std::string>().back(), 'Z');
}

TEST_F(WebhookRoutesTest, BadSignatureIs400NamingTheHeaderAndIsObserved) {
    const auto response = deliver(invoice_failed(), "whsec_wrong");
    EXPECT_EQ(response.status, 400);
    const json error = json::parse(response.body)["error"];
    EXPECT_EQ(error["code"], "invalid_signature");
    EXPECT_EQ(error["field"], "Stripe-Signature");
    EXPECT_EQ(outcomes, (std::vector<std::string>{"invalid_signature"}));
    EXPECT_TRUE(store.list({})->empty());
    const json row = audit()["requests"][0];
    EXPECT_EQ(row["valid"], false);
    EXPECT_EQ(row["reason"], error["message"]);
}

TEST_F(WebhookRoutesTest, UnsetSecretIs503NamingTheSetting) {
    service::StripeWebhookProcessor unconfigured{ledger, contacts, notifier, {}};
    WebhookServices services{unconfigured, ledger, "s3cret", {}};
    Router bare;
    add_webhook_routes(bare, services);
    const auto response =
        bare.handle(testing::http_request("POST", "/webhooks/stripe", invoice_failed()));
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(json::parse(response.body)["error"]["code"], "not_configured");
    EXPECT_EQ(json::parse(response.body)["error"]["field"], "STRIPE_WEBHOOK_SECRET");
}

TEST_F(WebhookRoutesTest, TheAuditNeedsTheTokenAndPagesNewestFirst) {
    EXPECT_EQ(call("GET", "/v1/webhooks/stripe/events", {}, {}).status, 401);
    for (int i = 0; i < 3; ++i)
        deliver("{\"not\":\"signed right\"}\xff", "whsec_wrong");  // raw bytes are listed too
    const json first = audit("?limit=2");
    ASSERT_EQ(first["requests"].size(), 2u);
    EXPECT_EQ(first["requests"][0]["id"], 3);
    const json rest = audit("?limit=2&cursor=" + first["next_cursor"].get<std::string>());
    ASSERT_EQ(rest["requests"].size(), 1u);
    EXPECT_EQ(rest["requests"][0]["id"], 1);
    EXPECT_TRUE(rest["next_cursor"].is_null());
    EXPECT_EQ(
        call("GET", "/v1/webhooks/stripe/events?limit=0", {}, {{"Authorization", "Bearer s3cret"}})
            .status,
        400);
}

TEST_F(WebhookRoutesTest, PuttingTheCustomerOnAUserDeliversWhatWaited) {
    ASSERT_EQ(call("PUT", "/v1/users/42", json{{"email", "zoe@example.com"}}.dump(),
                   {{"Authorization", "Bearer s3cret"}})
                  .status,
              201);
    EXPECT_EQ(json::parse(deliver(invoice_failed()).body)["outcome"], "received");
    ASSERT_EQ(processor.act_on_received().value().acted, 1);
    EXPECT_EQ(audit()["requests"][0]["outcome"], "pending_customer");
    EXPECT_TRUE(store.list({})->empty());
    ASSERT_EQ(call("PUT", "/v1/users/42",
                   json{{"email", "zoe@example.com"}, {"stripe_customer_id", "cus_TxmailFixture01"}}
                       .dump(),
                   {{"Authorization", "Bearer s3cret"}})
                  .status,
              200);
    const auto messages = store.list({}).value();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].event, "payment_failed");
    EXPECT_EQ(audit("?event_id=evt_TxmailFixture04")["requests"].size(), 1u);
}

// A checkout for a user the app has not saved in txmail yet: saving that user, by PUT or by a
// registration that carries it, delivers the receipt and links the customer.
TEST_F(WebhookRoutesTest, SavingTheUserACheckoutNamedDeliversItsReceipt) {
    EXPECT_EQ(
        json::parse(deliver(testing::stripe_fixture("checkout.session.completed")).body)["outcome"],
        "received");
    ASSERT_EQ(processor.act_on_received().value().acted, 1);
    EXPECT_EQ(audit()["requests"][0]["outcome"], "pending_customer");

    auto registered =
        call("POST", "/v1/events/user-registered",
             json{{"user", {{"id", "42"}, {"email", "zoe@example.com"}, {"name", "Zoe"}}}}.dump(),
             {{"Authorization", "Bearer s3cret"}});
    ASSERT_EQ(registered.status, 202) << registered.body;
    const auto messages = store.list({}).value();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].event, "payment_confirmation") << "delivered as the user was saved";
    EXPECT_EQ(messages[1].event, "welcome");
    EXPECT_EQ(contacts.get("42").value().value().stripe_customer_id, "cus_TxmailFixture01");
    const auto event = ledger.find_event("evt_TxmailFixture01").value().value();
    EXPECT_EQ(event.status, service::stripe_event_status::processed);

    // PUT answers with the contact as the save left it: linked.
    auto ann = json::parse(testing::stripe_fixture("checkout.session.completed"));
    ann["id"] = "evt_ann";
    ann["data"]["object"]["client_reference_id"] = "43";
    ann["data"]["object"]["customer"] = "cus_ann";
    ann["data"]["object"]["customer_details"]["email"] = "ann@example.com";
    ASSERT_EQ(json::parse(deliver(ann.dump()).body)["outcome"], "received");
    ASSERT_EQ(processor.act_on_received().value().acted, 1);
    auto put = call("PUT", "/v1/users/43", json{{"email", "ann@example.com"}}.dump(),
                    {{"Authorization", "Bearer s3cret"}});
    ASSERT_EQ(put.status, 201) << put.body;
    EXPECT_EQ(json::parse(put.body)["stripe_customer_id"], "cus_ann");
    EXPECT_EQ(store.list({}).value().size(), 3u);
}

}  // namespace
}  // namespace txmail::http
