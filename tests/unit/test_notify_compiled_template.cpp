#include "txmail/notify/compiled_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "txmail/notify/escaping.h"

namespace txmail::notify {
namespace {

namespace mustache = kainjow::mustache;
using ::testing::HasSubstr;

std::string keep(const std::string& text) {
    return text;
}

// What kainjow itself renders when it is handed the partials at render time (the old way).
std::string rendered_by_kainjow(const std::string& text, const Partials& partials,
                                mustache::data context, Escape escape) {
    for (const auto& [name, partial] : partials)
        context.set(name, partial);
    mustache::mustache parsed{text};
    parsed.set_custom_escape(escape);
    return parsed.render(context);
}

mustache::data sample_context() {
    mustache::data context{mustache::data::type::object};
    context.set("name", "Ann <ann@example.com>");
    context.set("ip", "203.0.113.7");
    mustache::data rows{mustache::data::type::list};
    for (const char* label : {"one", "two"}) {
        mustache::data row{mustache::data::type::object};
        row.set("label", label);
        rows.push_back(row);
    }
    context.set("rows", rows);
    return context;
}

const Partials partials = {
    {"layout/row_start", "<tr><td>"},
    {"layout/row_end", "</td></tr>"},
    {"layout/greeting", "Hello {{name}},\n{{#ip}}from {{ip}}{{/ip}}"},
    {"layout/outer", "[{{> layout/row_start}}{{label}}{{> layout/row_end}}]"},
};

TEST(CompiledTemplate, RendersWhatKainjowRendersWithPartialsGivenAtRenderTime) {
    const std::string text =
        "{{> layout/greeting}}\n"
        "{{#rows}}\n{{> layout/row_start}}{{label}}{{> layout/row_end}}\n{{/rows}}\n"
        "{{#rows}}{{> layout/outer}}{{/rows}}\n"
        "{{^missing}}  {{>layout/row_start }}none{{> layout/row_end}}{{/missing}}\nend\n";
    for (Escape escape : {escape_for(Part::html_body), escape_for(Part::text_body)}) {
        auto compiled = CompiledTemplate::compile("test", text, partials, escape);
        ASSERT_TRUE(compiled) << compiled.error().message;
        EXPECT_TRUE(compiled->partials_inlined());
        auto out = compiled->render(sample_context());
        ASSERT_TRUE(out) << out.error().message;
        EXPECT_EQ(*out, rendered_by_kainjow(text, partials, sample_context(), escape));
        EXPECT_THAT(*out, HasSubstr("<tr><td>two</td></tr>"));
    }
}

TEST(CompiledTemplate, HtmlEscapingIsFixedAtCompileTime) {
    auto compiled = CompiledTemplate::compile("test", "{{name}}", {}, escape_for(Part::html_body));
    ASSERT_TRUE(compiled);
    EXPECT_EQ(compiled->render(sample_context()).value(), "Ann &lt;ann@example.com&gt;");
}

TEST(CompiledTemplate, APartialThatIncludesItselfIsAnErrorNotALoop) {
    const Partials looping = {{"a", "x{{> b}}"}, {"b", "y{{> a}}"}};
    auto compiled =
        CompiledTemplate::compile("built-in welcome/body.txt", "{{> a}}", looping, keep);
    ASSERT_FALSE(compiled);
    EXPECT_THAT(compiled.error().message, HasSubstr("built-in welcome/body.txt"));
    EXPECT_THAT(compiled.error().message, HasSubstr("include itself"));
}

TEST(CompiledTemplate, ATemplateThatChangesDelimitersKeepsItsPartialTags) {
    const std::string text = "{{=<% %>=}}<% name %>|<%> layout/row_start %>";
    auto compiled = CompiledTemplate::compile("test", text, partials, keep);
    ASSERT_TRUE(compiled) << compiled.error().message;
    EXPECT_FALSE(compiled->partials_inlined());
    mustache::data context = sample_context();
    for (const auto& [name, partial] : partials)
        context.set(name, partial);
    EXPECT_EQ(compiled->render(context).value(),
              rendered_by_kainjow(text, partials, sample_context(), keep));
}

TEST(CompiledTemplate, RendersTheSameOnSeveralThreadsAtOnce) {
    auto compiled =
        CompiledTemplate::compile("test", "{{> layout/greeting}} {{#rows}}{{label}}{{/rows}}",
                                  partials, escape_for(Part::html_body));
    ASSERT_TRUE(compiled);
    const std::string expected = compiled->render(sample_context()).value();
    std::vector<std::string> seen(4);
    {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < seen.size(); ++t)
            threads.emplace_back([&, t] {
                const mustache::data context = sample_context();
                for (int i = 0; i < 200; ++i) {
                    auto out = compiled->render(context);
                    if (!out || *out != expected)
                        return;
                }
                seen[t] = expected;
            });
    }
    for (const std::string& result : seen)
        EXPECT_EQ(result, expected);
}

}  // namespace
}  // namespace txmail::notify
