#include "txmail/notify/renderer.h"

#include <kainjow/mustache.hpp>

#include "txmail/notify/display_format.h"

namespace txmail::notify {
namespace {

namespace mustache = kainjow::mustache;
using json = nlohmann::json;

// A subject longer than this is cut: clients show about 60 characters and a long one only
// helps data that should not be there.
constexpr std::size_t max_subject_chars = 200;

mustache::data to_data(const json& value) {
    if (value.is_object()) {
        mustache::data out{mustache::data::type::object};
        for (const auto& [key, item] : value.items())
            out.set(key, to_data(item));
        return out;
    }
    if (value.is_array()) {
        mustache::data out{mustache::data::type::list};
        for (const json& item : value)
            out.push_back(to_data(item));
        return out;
    }
    if (value.is_string())
        return mustache::data{value.get<std::string>()};
    if (value.is_boolean())
        return mustache::data{value.get<bool>()};
    return mustache::data{value.dump()};
}

// Plain text reads best without trailing blanks and with at most one empty line between
// paragraphs (optional sections leave gaps); it ends with exactly one newline.
std::string tidy_text(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    std::size_t blank_run = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string_view line(text.data() + start, end - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
            line.remove_suffix(1);
        if (line.empty()) {
            ++blank_run;
        } else {
            if (!out.empty())
                out.append(blank_run > 0 ? "\n\n" : "\n");
            out.append(line);
            blank_run = 0;
        }
        start = end + 1;
    }
    out += '\n';
    return out;
}

mustache::data template_context(const EventData& event, const Brand& brand) {
    mustache::data context = to_data(event.display);
    context.set("raw", to_data(event.raw));
    mustache::data badges{mustache::data::type::object};
    for (const FieldSpec& field : event.spec->fields) {
        if (field.type != FieldType::status || !event.display.contains(field.name))
            continue;
        const std::string label = event.display[std::string(field.name)].get<std::string>();
        mustache::data badge{mustache::data::type::object};
        badge.set("label", label);
        badge.set(std::string(to_string(status_tone(label))), true);
        badges.set(std::string(field.name), badge);
    }
    context.set("badge", badges);
    context.set("event", std::string(event.spec->name));
    context.set("site_name", brand.site_name);
    context.set("site_url", brand.site_url);
    context.set("support_email", brand.support_email);
    context.set("company_name", brand.company_name);
    return context;
}

}  // namespace

Renderer::Renderer(TemplateSet templates, Brand brand)
    : templates_(std::move(templates)), brand_(std::move(brand)) {}

Result<Renderer> Renderer::from_settings(const config::Settings& settings) {
    auto brand = Brand::from_settings(settings);
    if (!brand)
        return fail(brand.error());
    auto templates = TemplateSet::from_settings(settings);
    if (!templates)
        return fail(templates.error());
    return Renderer(std::move(*templates), std::move(*brand));
}

Result<mail::Message> Renderer::render(std::string_view event, const nlohmann::json& data) const {
    auto validated = validate_event_data(event, data);
    if (!validated)
        return fail(validated.error());
    return render(*validated);
}

Result<mail::Message> Renderer::render(const EventData& data) const {
    mustache::data context = template_context(data, brand_);
    const auto render_part = [&](Part part) -> Result<std::string> {
        const CompiledTemplate& compiled = templates_.compiled(data.spec->name, part);
        if (!compiled.partials_inlined()) {
            for (const auto& [name, text] : templates_.partials(part))
                context.set(name, text);
        }
        return compiled.render(context);
    };

    auto subject = render_part(Part::subject);
    if (!subject)
        return fail(subject.error());
    context.set("subject", one_line(*subject, max_subject_chars));
    auto preheader = render_part(Part::preheader);
    if (!preheader)
        return fail(preheader.error());
    context.set("preheader", one_line(*preheader, max_subject_chars));
    auto text = render_part(Part::text_body);
    if (!text)
        return fail(text.error());
    auto html = render_part(Part::html_body);
    if (!html)
        return fail(html.error());

    mail::Message message;
    message.from = brand_.from;
    message.to = {data.recipient};
    message.subject = one_line(*subject, max_subject_chars);
    message.text = tidy_text(*text);
    message.html = std::move(*html);
    message.headers.push_back({"Auto-Submitted", "auto-generated"});
    return message;
}

}  // namespace txmail::notify
