#include "txmail/notify/event_catalogue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "txmail/notify/priority.h"

namespace txmail::notify {
namespace {

using ::testing::HasSubstr;

TEST(EventCatalogue, HasTheSevenEventsInOrder) {
    std::vector<std::string_view> names;
    for (const EventSpec& spec : events())
        names.push_back(spec.name);
    EXPECT_THAT(names, ::testing::ElementsAre("welcome", "password_changed", "payment_confirmation",
                                              "subscription_updated", "subscription_canceled",
                                              "payment_failed", "view_status_changed"));
}

TEST(EventCatalogue, EveryEventStartsWithTheUser) {
    for (const EventSpec& spec : events()) {
        ASSERT_GE(spec.fields.size(), 3u) << spec.name;
        EXPECT_EQ(spec.fields[0].name, "user.id") << spec.name;
        EXPECT_TRUE(spec.fields[0].required) << spec.name;
        EXPECT_EQ(spec.fields[1].name, "user.email") << spec.name;
        EXPECT_EQ(spec.fields[1].type, FieldType::email) << spec.name;
        EXPECT_TRUE(spec.fields[1].required) << spec.name;
        EXPECT_EQ(spec.fields[2].name, "user.name") << spec.name;
        EXPECT_FALSE(spec.fields[2].required) << spec.name;
    }
}

TEST(EventCatalogue, FieldsMatchTheDesign) {
    const auto fields = [](std::string_view event) {
        std::vector<std::pair<std::string_view, bool>> out;
        for (const FieldSpec& field : (*lookup_event(event))->fields) {
            if (!field.name.starts_with("user."))
                out.emplace_back(field.name, field.required);
        }
        return out;
    };
    using P = std::pair<std::string_view, bool>;
    EXPECT_TRUE(fields("welcome").empty());
    EXPECT_THAT(
        fields("password_changed"),
        ::testing::ElementsAre(P{"changed_at", true}, P{"ip", false}, P{"user_agent", false}));
    EXPECT_THAT(fields("payment_confirmation"),
                ::testing::ElementsAre(P{"plan", false}, P{"amount", false}, P{"currency", false},
                                       P{"period_end", false}));
    EXPECT_THAT(
        fields("subscription_updated"),
        ::testing::ElementsAre(P{"old_plan", true}, P{"new_plan", true}, P{"end_date", true}));
    EXPECT_THAT(fields("subscription_canceled"), ::testing::ElementsAre(P{"access_until", false}));
    EXPECT_THAT(fields("payment_failed"),
                ::testing::ElementsAre(P{"amount_due", false}, P{"currency", false},
                                       P{"hosted_invoice_url", false}, P{"next_attempt", false}));
    EXPECT_THAT(
        fields("view_status_changed"),
        ::testing::ElementsAre(P{"ticker", true}, P{"old_status", true}, P{"new_status", true}));
}

TEST(EventCatalogue, SecurityAndBillingGoFirstAlertsLast) {
    const auto priority_of = [](std::string_view event) {
        return (*lookup_event(event))->default_priority;
    };
    for (auto event : {"password_changed", "payment_confirmation", "subscription_updated",
                       "subscription_canceled", "payment_failed"}) {
        EXPECT_EQ(priority_of(event), priority::high) << event;
    }
    EXPECT_EQ(priority_of("welcome"), priority::normal);
    EXPECT_EQ(priority_of("view_status_changed"), priority::low);
    EXPECT_LT(priority::low, priority::normal);
    EXPECT_LT(priority::normal, priority::high);
}

TEST(EventCatalogue, UnknownEventListsTheKnownOnes) {
    auto found = lookup_event("password_reset");
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().field, "event");
    EXPECT_THAT(found.error().message, HasSubstr("\"password_reset\""));
    for (const EventSpec& spec : events())
        EXPECT_THAT(found.error().message, HasSubstr(std::string(spec.name)));
}

TEST(EventCatalogue, NamesAreExactNotCaseFolded) {
    EXPECT_TRUE(lookup_event("welcome"));
    EXPECT_FALSE(lookup_event("Welcome"));
    EXPECT_FALSE(lookup_event(""));
}

}  // namespace
}  // namespace txmail::notify
