#include "txmail/notify/template_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/notify_fixtures.h"
#include "support/temp_directory.h"
#include "txmail/notify/event_catalogue.h"

namespace txmail::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TempDirectory;

// Writes `content` at `name` (which may hold folders) below `dir`.
void put(const TempDirectory& dir, const std::string& name, std::string_view content) {
    std::filesystem::create_directories((dir / name).parent_path());
    dir.write(name, content);
}

// Loads `dir` with one file put in it, expects a config error about TXMAIL_TEMPLATE_DIR and
// returns its message.
std::string override_error(const TempDirectory& dir, const std::string& name,
                           std::string_view content) {
    put(dir, name, content);
    auto set = TemplateSet::load(dir.path());
    EXPECT_FALSE(set) << name;
    if (set)
        return {};
    EXPECT_EQ(set.error().kind, ErrorKind::config);
    EXPECT_EQ(set.error().field, "TXMAIL_TEMPLATE_DIR");
    return set.error().message;
}

TEST(TemplateSet, DefaultsCoverEveryEventAndPart) {
    auto set = TemplateSet::load(std::nullopt);
    ASSERT_TRUE(set) << set.error().describe();
    for (const EventSpec& event : events()) {
        for (Part part : {Part::subject, Part::preheader, Part::text_body, Part::html_body}) {
            const Template& t = set->get(event.name, part);
            EXPECT_FALSE(t.text.empty()) << t.name;
            EXPECT_THAT(t.origin, StartsWith("built-in templates/")) << t.name;
        }
    }
    EXPECT_TRUE(set->partials(Part::html_body).contains("layout/header"));
    EXPECT_TRUE(set->partials(Part::html_body).contains("layout/footer"));
    EXPECT_TRUE(set->partials(Part::text_body).contains("layout/footer"));
    EXPECT_FALSE(set->partials(Part::text_body).contains("layout/header"));
}

TEST(TemplateSet, DefaultsAreTheRepositoryFiles) {
    auto set = TemplateSet::load(std::nullopt);
    ASSERT_TRUE(set);
    for (const Template* t : set->all()) {
        EXPECT_EQ(t->text,
                  testing::read_text_file(std::string(TXMAIL_SOURCE_DIR) + "/templates/" + t->name))
            << t->name;
    }
}

TEST(TemplateSet, OverrideReplacesOneFileAndKeepsTheRest) {
    TempDirectory dir;
    put(dir, "welcome/subject.txt", "Hello from {{site_name}}\n");
    put(dir, "README.md", "not a template, ignored");
    put(dir, ".git/config.txt", "hidden, ignored");
    auto set = TemplateSet::load(dir.path());
    ASSERT_TRUE(set) << set.error().describe();
    const Template& subject = set->get("welcome", Part::subject);
    EXPECT_EQ(subject.text, "Hello from {{site_name}}\n");
    EXPECT_EQ(subject.origin, (dir / "welcome/subject.txt").string());
    EXPECT_THAT(set->get("welcome", Part::html_body).origin, StartsWith("built-in"));
}

TEST(TemplateSet, OverrideMayAddLayoutPartials) {
    TempDirectory dir;
    put(dir, "layout/legal.txt", "Registered in Delaware.");
    put(dir, "welcome/body.txt", "Hi.\n{{> layout/legal}}\n");
    auto set = TemplateSet::load(dir.path());
    ASSERT_TRUE(set) << set.error().describe();
    EXPECT_EQ(set->partials(Part::text_body).at("layout/legal"), "Registered in Delaware.");
}

TEST(TemplateSet, ParseErrorNamesTheFileAndLine) {
    TempDirectory dir;
    const std::string message =
        override_error(dir, "payment_failed/body.html",
                       "<p>one</p>\n<p>two</p>\n{{#amount_due}}\n<p>{{amount_due}}</p>\n");
    EXPECT_THAT(message, HasSubstr((dir / "payment_failed/body.html").string() + ":3: "));
    EXPECT_THAT(message, HasSubstr("Unclosed section \"amount_due\""));
}

TEST(TemplateSet, UnclosedTagIsReportedOnItsLine) {
    TempDirectory dir;
    const std::string message =
        override_error(dir, "layout/footer.txt", "line 1\nline 2\nline 3 {{site_name\n");
    EXPECT_THAT(message, HasSubstr((dir / "layout/footer.txt").string() + ":3: "));
    EXPECT_THAT(message, HasSubstr("Unclosed tag"));
}

TEST(TemplateSet, UnknownPartialIsReportedWithItsLine) {
    TempDirectory dir;
    const std::string message =
        override_error(dir, "welcome/body.html", "{{> layout/header}}\n\n{{> layout/sidebar}}\n");
    EXPECT_THAT(message, HasSubstr((dir / "welcome/body.html").string() + ":3: "));
    EXPECT_THAT(message, HasSubstr("unknown partial \"layout/sidebar\""));
    EXPECT_THAT(message, HasSubstr("layout/footer"));
}

TEST(TemplateSet, TextTemplatesCannotUseHtmlPartials) {
    TempDirectory dir;
    EXPECT_THAT(override_error(dir, "welcome/body.txt", "{{> layout/header}}\n"),
                HasSubstr("unknown partial \"layout/header\""));
}

TEST(TemplateSet, MisspeltFileIsRefused) {
    TempDirectory dir;
    const std::string message = override_error(dir, "welcome/subjet.txt", "Hello\n");
    EXPECT_THAT(message, HasSubstr("welcome/subjet.txt"));
    EXPECT_THAT(message, HasSubstr("subject.txt"));
    TempDirectory other;
    EXPECT_THAT(override_error(other, "welcom/subject.txt", "Hello\n"),
                HasSubstr("welcom/subject.txt"));
}

TEST(TemplateSet, MissingDirectoryIsAConfigError) {
    auto set = TemplateSet::load(std::filesystem::path("/nonexistent/txmail-templates"));
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().field, "TXMAIL_TEMPLATE_DIR");
    EXPECT_THAT(set.error().message, HasSubstr("/nonexistent/txmail-templates"));
}

TEST(TemplateSet, FromSettingsReadsTheTemplateDir) {
    TempDirectory dir;
    put(dir, "welcome/subject.txt", "Custom\n");
    auto set = TemplateSet::from_settings(
        testing::notify_settings().with("TXMAIL_TEMPLATE_DIR", dir.path().string()));
    ASSERT_TRUE(set) << set.error().describe();
    EXPECT_EQ(set->get("welcome", Part::subject).text, "Custom\n");
}

}  // namespace
}  // namespace txmail::notify
