#include "txmail/stripe/event_mapping.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "support/text_file.h"

namespace txmail::stripe {
namespace {

std::string fixture(const std::string& name) {
    return testing::stripe_fixture(name);
}

Event event_from(const std::string& name) {
    auto event = parse_event(fixture(name));
    EXPECT_TRUE(event) << name;
    return *event;
}

Notification expect_notification(const Result<Mapping>& mapping) {
    EXPECT_TRUE(mapping);
    EXPECT_TRUE(std::holds_alternative<Notification>(*mapping));
    return std::get<Notification>(*mapping);
}

TEST(StripeEventMapping, CheckoutCompletedBecomesPaymentConfirmation) {
    const Event event = event_from("checkout.session.completed");
    EXPECT_EQ(event.id, "evt_TxmailFixture01");
    const Notification n = expect_notification(map_event(event, {}));
    EXPECT_EQ(n.event, "payment_confirmation");
    EXPECT_EQ(n.customer.customer_id, "cus_TxmailFixture01");
    EXPECT_EQ(n.customer.user_id, "42");
    EXPECT_EQ(n.customer.email, "zoe@example.com");
    EXPECT_EQ(n.subscription_id, "sub_TxmailFixture01");
    EXPECT_EQ(n.created, 1795478401);
    EXPECT_EQ(n.data["amount"], 2900);
    EXPECT_EQ(n.data["currency"], "usd");
}

TEST(StripeEventMapping, UnpaidCheckoutWaitsForTheAsyncPayment) {
    Event event = event_from("checkout.session.completed");
    event.object["payment_status"] = "unpaid";
    auto mapping = map_event(event, {});
    ASSERT_TRUE(mapping);
    ASSERT_TRUE(std::holds_alternative<Ignored>(*mapping));
    event.type = "checkout.session.async_payment_succeeded";
    event.object["payment_status"] = "paid";
    EXPECT_EQ(expect_notification(map_event(event, {})).event, "payment_confirmation");
}

TEST(StripeEventMapping, PlanChangeBecomesSubscriptionUpdatedWithNamesAndPeriodEnd) {
    const Event event = event_from("customer.subscription.updated");
    const Notification n = expect_notification(map_event(event, {}));
    EXPECT_EQ(n.event, "subscription_updated");
    EXPECT_EQ(n.subscription_id, "sub_TxmailFixture01");
    EXPECT_EQ(n.data["old_plan"], "Basic");  // nicknames, when no name is configured
    EXPECT_EQ(n.data["new_plan"], "Pro");
    EXPECT_EQ(n.data["end_date"], "2026-12-24T00:00:00Z");  // items.data[0].current_period_end

    const Notification named = expect_notification(
        map_event(event, {{"price_TxmailBasic", "Starter"}, {"price_TxmailPro", "Professional"}}));
    EXPECT_EQ(named.data["old_plan"], "Starter");
    EXPECT_EQ(named.data["new_plan"], "Professional");
}

TEST(StripeEventMapping, PlanNameFallsBackToLookupKeyThenId) {
    Event event = event_from("customer.subscription.updated");
    auto& old_price = event.previous_attributes["items"]["data"][0]["price"];
    old_price["nickname"] = nullptr;
    EXPECT_EQ(expect_notification(map_event(event, {})).data["old_plan"], "basic_monthly");
    old_price["lookup_key"] = nullptr;
    EXPECT_EQ(expect_notification(map_event(event, {})).data["old_plan"], "price_TxmailBasic");
}

TEST(StripeEventMapping, OlderApiVersionsKeepThePeriodEndOnTheSubscription) {
    Event event = event_from("customer.subscription.updated");
    event.object["items"]["data"][0].erase("current_period_end");
    event.object["current_period_end"] = 1798156800;
    EXPECT_EQ(expect_notification(map_event(event, {})).data["end_date"], "2026-12-25T00:00:00Z");
}

TEST(StripeEventMapping, UpdateWithoutAPriceChangeSendsNothing) {
    Event event = event_from("customer.subscription.updated");
    event.previous_attributes = {{"cancel_at_period_end", false}};
    auto mapping = map_event(event, {});
    ASSERT_TRUE(mapping);
    EXPECT_TRUE(std::holds_alternative<Ignored>(*mapping));
}

TEST(StripeEventMapping, DeletedBecomesSubscriptionCanceled) {
    const Notification n =
        expect_notification(map_event(event_from("customer.subscription.deleted"), {}));
    EXPECT_EQ(n.event, "subscription_canceled");
    EXPECT_EQ(n.customer.customer_id, "cus_TxmailFixture01");
    EXPECT_EQ(n.data["access_until"], "2026-11-27T00:00:00Z");  // ended_at
}

TEST(StripeEventMapping, InvoicePaymentFailedCarriesAmountLinkAndNextAttempt) {
    const Notification n = expect_notification(map_event(event_from("invoice.payment_failed"), {}));
    EXPECT_EQ(n.event, "payment_failed");
    EXPECT_EQ(n.customer.email, "zoe@example.com");
    EXPECT_EQ(n.data["amount_due"], 2900);
    EXPECT_EQ(n.data["currency"], "usd");
    EXPECT_EQ(n.data["hosted_invoice_url"],
              "https://invoice.stripe.com/i/acct_TxmailFixture/test_invoice01");
    EXPECT_EQ(n.data["next_attempt"], "2026-11-28T00:00:00Z");
}

TEST(StripeEventMapping, OtherEventsAreIgnoredNotErrors) {
    Event event = event_from("invoice.payment_failed");
    event.type = "invoice.paid";
    auto mapping = map_event(event, {});
    ASSERT_TRUE(mapping);
    ASSERT_TRUE(std::holds_alternative<Ignored>(*mapping));
    EXPECT_NE(std::get<Ignored>(*mapping).reason.find("invoice.paid"), std::string::npos);
}

TEST(StripeEventMapping, CheckoutWithoutAnyCustomerIsAnErrorNamingTheField) {
    Event event = event_from("checkout.session.completed");
    event.object.erase("customer");
    event.object.erase("client_reference_id");
    event.object["customer_details"] = nullptr;
    auto mapping = map_event(event, {});
    ASSERT_FALSE(mapping);
    EXPECT_EQ(mapping.error().field, "data.object.customer");
}

TEST(StripeEvent, ParseErrorsNameTheField) {
    EXPECT_EQ(parse_event("not json").error().field, "body");
    EXPECT_EQ(parse_event(R"({"type":"x","created":1,"data":{"object":{}}})").error().field, "id");
    EXPECT_EQ(parse_event(R"({"id":"evt","type":"x","data":{"object":{}}})").error().field,
              "created");
    EXPECT_EQ(parse_event(R"({"id":"evt","type":"x","created":1,"data":{}})").error().field,
              "data.object");
}

TEST(StripeEvent, MalformedJsonIsRefusedEvenInPartsNotKept) {
    EXPECT_EQ(parse_event(R"({"id":"evt","type":"x","created":1,)").error().field, "body");
    EXPECT_EQ(parse_event(R"([{"id":"evt"}])").error().field, "body");
    EXPECT_EQ(parse_event(R"({"id":"evt","type":"x","created":1,"data":{"object":{"lines":[1,]}}})")
                  .error()
                  .field,
              "body");
}

// The event keeps only what map_event() reads.
TEST(StripeEvent, KeepsOfTheObjectOnlyWhatTheMappingReads) {
    const Event invoice = event_from("invoice.payment_failed");
    EXPECT_TRUE(invoice.object.contains("hosted_invoice_url"));
    EXPECT_TRUE(invoice.object.contains("customer"));
    EXPECT_FALSE(invoice.object.contains("lines"));
    EXPECT_FALSE(invoice.object.contains("payment_settings"));
    EXPECT_FALSE(invoice.object.contains("status"));
    const Event updated = event_from("customer.subscription.updated");
    const auto& item = updated.object["items"]["data"][0];
    EXPECT_TRUE(item["price"].contains("nickname"));
    EXPECT_FALSE(item["price"].contains("unit_amount"));
    EXPECT_FALSE(item.contains("plan"));
}

// The event as it was parsed before only the read fields were kept: the whole JSON.
Event whole_event(const std::string& body) {
    const nlohmann::json json = nlohmann::json::parse(body);
    Event event;
    event.id = json.at("id");
    event.type = json.at("type");
    event.created = json.at("created");
    event.object = json.at("data").at("object");
    event.previous_attributes = json.at("data").value("previous_attributes", nlohmann::json());
    return event;
}

std::string mapped(const Result<Mapping>& mapping) {
    if (!mapping)
        return "error " + mapping.error().field + ": " + mapping.error().message;
    if (const auto* ignored = std::get_if<Ignored>(&*mapping))
        return "ignored: " + ignored->reason;
    const auto& n = std::get<Notification>(*mapping);
    return n.event + " " + n.customer.customer_id + " " + n.customer.user_id + " " +
           n.customer.email + " " + n.subscription_id + " " + std::to_string(n.created) + " " +
           n.data.dump();
}

// Maps every fixture, and variants of them with the shapes Stripe also sends (expanded customer
// and subscription, the period end on the subscription, no customer), both from the kept fields
// and from the whole JSON: a field the mapping reads but the parser drops makes them differ.
TEST(StripeEvent, MapsAsTheWholeJsonDoes) {
    std::vector<std::string> bodies;
    for (const char* name : {"checkout.session.completed", "customer.subscription.updated",
                             "customer.subscription.deleted", "invoice.payment_failed"}) {
        bodies.push_back(fixture(name));
        nlohmann::json variant = nlohmann::json::parse(bodies.back());
        auto& object = variant["data"]["object"];
        object["customer"] = {{"id", "cus_Expanded"}, {"email", "x@example.com"}};
        object["subscription"] = {{"id", "sub_Expanded"}, {"status", "active"}};
        object["metadata"] = {{"plan", "Gold"}, {"other", "x"}};
        bodies.push_back(variant.dump());
        if (object.contains("items")) {
            object["current_period_end"] = 1798156800;
            object["items"]["data"][0].erase("current_period_end");
            bodies.push_back(variant.dump());
        }
        object.erase("customer");
        object.erase("client_reference_id");
        object["customer_details"] = nullptr;
        object["customer_email"] = "y@example.com";
        bodies.push_back(variant.dump());
        object.erase("customer_email");
        bodies.push_back(variant.dump());
    }
    const std::map<std::string, std::string> names = {{"price_TxmailPro", "Professional"}};
    for (const auto& body : bodies) {
        auto kept = parse_event(body);
        ASSERT_TRUE(kept) << body;
        EXPECT_EQ(mapped(map_event(*kept, names)), mapped(map_event(whole_event(body), names)))
            << body;
    }
}

TEST(StripePriceNames, ParsesTheSettingAndNamesBadEntries) {
    auto names = parse_price_names("price_a=Basic, price_b=Pro plan ,");
    ASSERT_TRUE(names);
    EXPECT_EQ(names->at("price_a"), "Basic");
    EXPECT_EQ(names->at("price_b"), "Pro plan");
    auto bad = parse_price_names("price_a");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "STRIPE_PRICE_NAMES");
    EXPECT_NE(bad.error().message.find("\"price_a\""), std::string::npos);
}

}  // namespace
}  // namespace txmail::stripe
