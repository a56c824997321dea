#include "txmail/notify/renderer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/notify_fixtures.h"
#include "support/temp_directory.h"
#include "txmail/notify/event_catalogue.h"

namespace txmail::notify {
namespace {

using json = nlohmann::json;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const Renderer& renderer() {
    static const Renderer instance = testing::notify_renderer();
    return instance;
}

mail::Message render_ok(std::string_view event, const json& data,
                        const Renderer& with = renderer()) {
    auto message = with.render(event, data);
    if (!message)
        ADD_FAILURE() << event << ": " << message.error().describe();
    return message.value_or(mail::Message{});
}

const std::string hostile_name =
    "<script>alert(\"x\")</script> Tom & Jerry's \"Shop\" 😀\r\nBcc: victim@example.com";

TEST(Renderer, EverySampleRendersBothParts) {
    for (const EventSpec& event : events()) {
        const mail::Message m = render_ok(event.name, testing::sample_data(event.name));
        EXPECT_EQ(m.from.header_value(), "Boritrader <noreply@boritrader.com>") << event.name;
        ASSERT_EQ(m.to.size(), 1u);
        EXPECT_EQ(m.to[0].addr_spec(), "ada@example.com");
        EXPECT_EQ(m.to[0].display_name, "Ada Lovelace");
        EXPECT_FALSE(m.subject.empty()) << event.name;
        EXPECT_THAT(m.text, StartsWith("Hi Ada Lovelace,\n\n")) << event.name;
        EXPECT_THAT(m.text, HasSubstr("support@boritrader.com")) << event.name;
        EXPECT_THAT(m.text, HasSubstr("Boritrade LLC")) << event.name;
        ASSERT_TRUE(m.html) << event.name;
        EXPECT_THAT(*m.html, StartsWith("<!DOCTYPE html>\n<html lang=\"en\"")) << event.name;
        EXPECT_THAT(*m.html, HasSubstr("<title>" + m.subject + "</title>")) << event.name;
        EXPECT_THAT(*m.html, HasSubstr("<h1 ")) << event.name;
        EXPECT_THAT(*m.html, HasSubstr("Boritrade LLC")) << event.name;
        EXPECT_THAT(*m.html, HasSubstr("mailto:support@boritrader.com")) << event.name;
        // No remote images or scripts in what we ship.
        EXPECT_THAT(*m.html, Not(HasSubstr("<img"))) << event.name;
        EXPECT_THAT(*m.html, Not(HasSubstr("<script"))) << event.name;
        EXPECT_THAT(m.headers,
                    ::testing::Contains(mail::Header{"Auto-Submitted", "auto-generated"}));
    }
}

TEST(Renderer, LinksUseSiteUrlWithoutDoubleSlashes) {
    const mail::Message m = render_ok("password_changed", testing::sample_data("password_changed"));
    EXPECT_THAT(m.text, HasSubstr("https://boritrader.com/accounts/password_reset/"));
    EXPECT_THAT(*m.html, HasSubstr("href=\"https://boritrader.com/accounts/password_reset/\""));
    EXPECT_THAT(*m.html, Not(HasSubstr("boritrader.com//")));
}

TEST(Renderer, PasswordChangedSaysWhenAndFromWhere) {
    const mail::Message m = render_ok("password_changed", testing::sample_data("password_changed"));
    for (const std::string& body : {m.text, *m.html}) {
        EXPECT_THAT(body, HasSubstr("December 24, 2026 at 09:41 UTC"));
        EXPECT_THAT(body, HasSubstr("203.0.113.42"));
        EXPECT_THAT(body, HasSubstr("Firefox 133 on macOS"));
    }
    json bare = testing::sample_data("password_changed");
    bare.erase("ip");
    bare.erase("user_agent");
    const mail::Message plain = render_ok("password_changed", bare);
    EXPECT_THAT(plain.text, Not(HasSubstr("IP address")));
    EXPECT_THAT(*plain.html, Not(HasSubstr("IP address")));
    EXPECT_THAT(plain.text, Not(HasSubstr("Device")));
}

TEST(Renderer, PaymentFailedLinksTheHostedInvoiceWhenGiven) {
    json data = testing::sample_data("payment_failed");
    const mail::Message with = render_ok("payment_failed", data);
    const std::string invoice = data["hosted_invoice_url"];
    EXPECT_THAT(*with.html, HasSubstr("href=\"" + invoice + "\""));
    EXPECT_THAT(with.text, HasSubstr(invoice));
    EXPECT_THAT(with.subject, HasSubstr("$29.00"));
    EXPECT_THAT(*with.html, HasSubstr("$29.00"));

    data.erase("hosted_invoice_url");
    const mail::Message without = render_ok("payment_failed", data);
    EXPECT_THAT(*without.html, HasSubstr("href=\"https://boritrader.com/account/billing/\""));
    EXPECT_THAT(without.text, HasSubstr("https://boritrader.com/account/billing/"));
}

TEST(Renderer, ViewStatusChangeShowsBadgesByTone) {
    const mail::Message m =
        render_ok("view_status_changed", testing::sample_data("view_status_changed"));
    EXPECT_EQ(m.subject, "AAPL: our view changed from BUY to SELL");
    EXPECT_THAT(m.text, HasSubstr("BUY  →  SELL"));
    // BUY is drawn green, SELL red (layout/status_badge.html).
    EXPECT_THAT(*m.html, HasSubstr("background-color:#dcfce7;color:#14532d;border:1px solid "
                                   "#86efac;\">BUY</span>"));
    EXPECT_THAT(*m.html, HasSubstr("background-color:#fee2e2;color:#7f1d1d;border:1px solid "
                                   "#fca5a5;\">SELL</span>"));
    EXPECT_THAT(m.text, HasSubstr("not investment advice"));
    EXPECT_THAT(*m.html, HasSubstr("not investment advice"));
}

TEST(Renderer, SubscriptionUpdatedShowsOldNewAndDate) {
    const mail::Message m =
        render_ok("subscription_updated", testing::sample_data("subscription_updated"));
    EXPECT_THAT(m.text, HasSubstr("Basic → Pro"));
    EXPECT_THAT(m.text, HasSubstr("January 24, 2027"));
    EXPECT_THAT(*m.html, HasSubstr(">Basic</p>"));
    EXPECT_THAT(*m.html, HasSubstr(">Pro</p>"));
    EXPECT_THAT(*m.html, HasSubstr("January 24, 2027"));
}

TEST(Renderer, HostileDataIsEscapedInHtmlAndKeptInText) {
    json data = testing::sample_data("password_changed");
    data["user"]["name"] = hostile_name;
    data["user_agent"] = "Mozilla/5.0 <img src=x onerror=alert(1)> & \"quoted\"";
    const mail::Message m = render_ok("password_changed", data);
    EXPECT_THAT(m.text, HasSubstr("Hi <script>alert(\"x\")</script> Tom & Jerry's \"Shop\" 😀 "
                                  "Bcc: victim@example.com,"));
    EXPECT_THAT(m.text, HasSubstr("Mozilla/5.0 <img src=x onerror=alert(1)> & \"quoted\""));
    EXPECT_THAT(*m.html, HasSubstr("Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom "
                                   "&amp; Jerry&#39;s &quot;Shop&quot; 😀 Bcc:"));
    EXPECT_THAT(*m.html, HasSubstr("Mozilla/5.0 &lt;img src=x onerror=alert(1)&gt; &amp; "
                                   "&quot;quoted&quot;"));
    EXPECT_THAT(*m.html, Not(HasSubstr("<script>")));
    EXPECT_THAT(*m.html, Not(HasSubstr("<img")));
    EXPECT_THAT(m.to[0].display_name, Not(HasSubstr("\n")));
}

TEST(Renderer, SubjectStaysOneLineWhateverTheTemplateDoes) {
    testing::TempDirectory dir;
    std::filesystem::create_directories(dir / "password_changed");
    // Triple braces skip escaping: the subject must still come out as one line.
    dir.write("password_changed/subject.txt", "For {{user.name}}\n{{{user_agent}}}\n\n");
    const Renderer custom = testing::notify_renderer(
        testing::notify_settings().with("TXMAIL_TEMPLATE_DIR", dir.path().string()));
    json data = testing::sample_data("password_changed");
    data["user"]["name"] = hostile_name;
    data["user_agent"] = "evil\r\nBcc: x@example.com\r\n\r\nbody" + std::string(10'000, 'z');
    const mail::Message m = render_ok("password_changed", data, custom);
    EXPECT_THAT(m.subject, Not(HasSubstr("\n")));
    EXPECT_THAT(m.subject, Not(HasSubstr("\r")));
    EXPECT_THAT(m.subject, StartsWith("For <script>alert(\"x\")</script> Tom & Jerry's \"Shop\" 😀 "
                                      "Bcc: victim@example.com evil Bcc: x@example.com body"));
    EXPECT_THAT(m.subject, EndsWith("…"));
    EXPECT_LE(m.subject.size(), 200u * 4);
}

TEST(Renderer, LongFieldsAreKeptInBothBodies) {
    json data = testing::sample_data("subscription_updated");
    const std::string long_plan(10'000, 'P');
    data["new_plan"] = long_plan;
    const mail::Message m = render_ok("subscription_updated", data);
    EXPECT_THAT(m.text, HasSubstr(long_plan));
    EXPECT_THAT(*m.html, HasSubstr(long_plan));
    EXPECT_LE(m.subject.size(), 200u * 4);
}

TEST(Renderer, GreetsUsersWithoutAName) {
    const mail::Message m =
        render_ok("welcome", {{"user", {{"id", 9}, {"email", "anon@example.com"}}}});
    EXPECT_THAT(m.text, StartsWith("Hi there,\n"));
    EXPECT_THAT(*m.html, HasSubstr("Hi there,"));
    EXPECT_TRUE(m.to[0].display_name.empty());
}

TEST(Renderer, TextIsTidy) {
    for (const EventSpec& event : events()) {
        json data = testing::sample_data(event.name);
        // Optional fields absent leave the most gaps.
        for (const FieldSpec& field : event.fields) {
            if (!field.required && !field.name.starts_with("user."))
                data.erase(std::string(field.name));
        }
        const mail::Message m = render_ok(event.name, data);
        EXPECT_THAT(m.text, Not(HasSubstr("\n\n\n"))) << event.name;
        EXPECT_THAT(m.text, Not(HasSubstr(" \n"))) << event.name;
        EXPECT_THAT(m.text, EndsWith("\n")) << event.name;
        EXPECT_THAT(m.text, Not(EndsWith("\n\n"))) << event.name;
    }
}

TEST(Renderer, InvalidDataIsTheValidationError) {
    auto message = renderer().render("welcome", json{{"user", {{"id", 1}}}});
    ASSERT_FALSE(message);
    EXPECT_EQ(message.error().field, "user.email");
    auto unknown = renderer().render("welcome_back", testing::sample_data("welcome"));
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().field, "event");
}

TEST(Renderer, BrandSettingsAreChecked) {
    const auto error_field = [](std::string_view name, std::string value) {
        auto made = Renderer::from_settings(testing::notify_settings().with(name, value));
        EXPECT_FALSE(made) << name << "=" << value;
        return made ? std::string() : made.error().field;
    };
    EXPECT_EQ(error_field("SITE_URL", "boritrader.com"), "SITE_URL");
    EXPECT_EQ(error_field("SITE_URL", "https://boritrader.com/\"><script>"), "SITE_URL");
    EXPECT_EQ(error_field("SUPPORT_EMAIL", "support at boritrader"), "SUPPORT_EMAIL");
    EXPECT_EQ(error_field("DEFAULT_FROM_EMAIL", "noreply"), "DEFAULT_FROM_EMAIL");
}

// Snapshots of subject + text body, compared exactly. TXMAIL_UPDATE_SNAPSHOTS=1 rewrites them
// (then review the diff).
TEST(Renderer, TextSnapshots) {
    const bool update = std::getenv("TXMAIL_UPDATE_SNAPSHOTS") != nullptr &&
                        std::string_view(std::getenv("TXMAIL_UPDATE_SNAPSHOTS")) == "1";
    for (const EventSpec& event : events()) {
        const mail::Message m = render_ok(event.name, testing::sample_data(event.name));
        const std::string actual = "Subject: " + m.subject + "\n\n" + m.text;
        const std::string path =
            std::string(TXMAIL_FIXTURES_DIR) + "/notify/" + std::string(event.name) + ".txt";
        if (update) {
            std::ofstream(path, std::ios::binary) << actual;
            continue;
        }
        ASSERT_TRUE(std::filesystem::exists(path))
            << path << " is missing: run with TXMAIL_UPDATE_SNAPSHOTS=1";
        EXPECT_EQ(actual, testing::read_text_file(path))
            << event.name << ": rerun with TXMAIL_UPDATE_SNAPSHOTS=1 if the change is intended";
    }
}

}  // namespace
}  // namespace txmail::notify
