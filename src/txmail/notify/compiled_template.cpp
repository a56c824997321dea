#include "txmail/notify/compiled_template.h"

#include <algorithm>

#include "txmail/util/strings.h"

namespace txmail::notify {
namespace {

// Deeper than any sane layout; a partial that includes itself stops here instead of looping.
constexpr int max_partial_depth = 16;

Result<std::string> inline_partials(const std::string& origin, std::string_view text,
                                    const Partials& partials, int depth) {
    if (depth > max_partial_depth) {
        return fail(
            Error::config("TXMAIL_TEMPLATE_DIR", origin + ": partials nested more than " +
                                                     std::to_string(max_partial_depth) +
                                                     " deep (does a partial include itself?)"));
    }
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (const PartialTag& tag : partial_tags(text)) {
        out.append(text.substr(copied, tag.begin - copied));
        copied = tag.end;
        const auto partial = partials.find(tag.name);
        if (partial == partials.end())
            continue;  // kainjow renders an unknown partial as nothing; TemplateSet refuses them
        auto expanded = inline_partials(origin, partial->second, partials, depth + 1);
        if (!expanded)
            return fail(expanded.error());
        out += *expanded;
    }
    out.append(text.substr(copied));
    return out;
}

}  // namespace

bool changes_delimiters(std::string_view text) {
    return text.find("{{=") != std::string_view::npos;
}

std::vector<PartialTag> partial_tags(std::string_view text) {
    std::vector<PartialTag> tags;
    for (std::size_t open = text.find("{{"); open != std::string_view::npos;
         open = text.find("{{", open + 2)) {
        const auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            break;
        const std::string_view tag = trim_blanks(text.substr(open + 2, close - open - 2));
        if (tag.starts_with('>'))
            tags.push_back({open, close + 2, trim_blanks(tag.substr(1))});
    }
    return tags;
}

Result<CompiledTemplate> CompiledTemplate::compile(std::string origin, const std::string& text,
                                                   const Partials& partials, Escape escape) {
    const bool inline_them =
        !changes_delimiters(text) && std::ranges::none_of(partials, [](const auto& partial) {
            return changes_delimiters(partial.second);
        });
    std::string source = text;
    if (inline_them) {
        auto inlined = inline_partials(origin, text, partials, 0);
        if (!inlined)
            return fail(inlined.error());
        source = std::move(*inlined);
    }
    kainjow::mustache::mustache parsed{source};
    if (!parsed.is_valid())
        return fail(Error::internal(origin + ": cannot parse: " + parsed.error_message()));
    parsed.set_custom_escape(escape);
    return CompiledTemplate(std::move(origin), std::move(parsed), inline_them);
}

Result<std::string> CompiledTemplate::render(const kainjow::mustache::data& context) const {
    const auto render_with = [&](kainjow::mustache::mustache& parsed) -> Result<std::string> {
        std::string out;
        parsed.render(context, [&out](const std::string& piece) { out += piece; });
        if (!parsed.is_valid())
            return fail(Error::internal(origin_ + ": cannot render: " + parsed.error_message()));
        return out;
    };
    if (partials_inlined_)
        return render_with(parsed_);
    kainjow::mustache::mustache copy = parsed_;
    return render_with(copy);
}

}  // namespace txmail::notify
