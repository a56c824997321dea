#include "txmail/notify/template_set.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>

#include <kainjow/mustache.hpp>

#include "txmail/config/settings.h"
#include "txmail/notify/embedded_templates.h"
#include "txmail/notify/escaping.h"
#include "txmail/notify/event_catalogue.h"

namespace txmail::notify {
namespace {

namespace fs = std::filesystem;

constexpr std::array parts{Part::subject, Part::preheader, Part::text_body, Part::html_body};
constexpr std::string_view layout_folder = "layout/";
constexpr std::string_view setting = "TXMAIL_TEMPLATE_DIR";

bool has_template_extension(std::string_view name) {
    return name.ends_with(".txt") || name.ends_with(".html");
}

bool is_layout_name(std::string_view name) {
    return name.starts_with(layout_folder) &&
           name.find('/', layout_folder.size()) == std::string_view::npos &&
           has_template_extension(name);
}

bool is_event_part_name(std::string_view name) {
    const auto slash = name.find('/');
    if (slash == std::string_view::npos || !lookup_event(name.substr(0, slash)))
        return false;
    const std::string_view file = name.substr(slash + 1);
    return std::ranges::any_of(parts, [&](Part part) { return file_name(part) == file; });
}

std::string expected_names() {
    return "<event>/{subject.txt,preheader.txt,body.txt,body.html} for the events " +
           event_names() + ", or layout/<name>.{html,txt}";
}

bool built_in(const Template& t) {
    return t.origin.starts_with("built-in ");
}

Error template_error(const Template& t, std::string message) {
    if (built_in(t))
        return Error::internal(std::move(message));
    return Error::config(std::string(setting), std::move(message));
}

std::size_t line_at(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// kainjow reports positions as byte offsets ("Unclosed tag at 123"); people want lines.
std::string located(const Template& t, const std::string& problem) {
    std::string what = problem;
    std::size_t line = 1;
    const auto at = problem.rfind(" at ");
    if (at != std::string::npos &&
        problem.find_first_not_of("0123456789", at + 4) == std::string::npos &&
        at + 4 < problem.size()) {
        line = line_at(t.text, std::stoul(problem.substr(at + 4)));
        what = problem.substr(0, at);
    }
    return t.origin + ":" + std::to_string(line) + ": " + what;
}

// Every {{> name}} must name a partial of the template's format. Templates that change the tag
// delimiters are checked by the parser only.
Result<void> check_partials(const Template& t, const Partials& partials) {
    if (changes_delimiters(t.text))
        return {};
    for (const PartialTag& tag : partial_tags(t.text)) {
        if (!partials.contains(tag.name)) {
            std::string known;
            for (const auto& [partial, text] : partials)
                known += (known.empty() ? "" : ", ") + partial;
            return fail(template_error(t, t.origin + ":" +
                                              std::to_string(line_at(t.text, tag.begin)) +
                                              ": unknown partial \"" + std::string(tag.name) +
                                              "\"; known partials: " + known));
        }
    }
    return {};
}

Result<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    if (in)
        content << in.rdbuf();
    if (!in || in.bad()) {
        return fail(Error::config(std::string(setting), "cannot read template " + path.string()));
    }
    return content.str();
}

Result<void> apply_overrides(const fs::path& dir,
                             std::map<std::string, Template, std::less<>>& templates) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return fail(Error::config(std::string(setting), std::string(setting) + "=" + dir.string() +
                                                            " is not a directory"));
    }
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        if (it->path().filename().string().starts_with('.')) {
            if (it->is_directory())
                it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && has_template_extension(it->path().filename().string()))
            files.push_back(it->path());
    }
    if (ec) {
        return fail(Error::config(
            std::string(setting),
            "cannot list " + std::string(setting) + "=" + dir.string() + ": " + ec.message()));
    }
    std::ranges::sort(files);
    for (const fs::path& file : files) {
        const std::string name = file.lexically_relative(dir).generic_string();
        if (!is_layout_name(name) && !is_event_part_name(name)) {
            return fail(Error::config(
                std::string(setting),
                "unknown template file " + file.string() + ": expected " + expected_names()));
        }
        auto text = read_file(file);
        if (!text)
            return fail(text.error());
        templates[name] = Template{name, file.string(), std::move(*text)};
    }
    return {};
}

}  // namespace

std::string_view file_name(Part part) {
    switch (part) {
        case Part::subject:
            return "subject.txt";
        case Part::preheader:
            return "preheader.txt";
        case Part::text_body:
            return "body.txt";
        case Part::html_body:
            return "body.html";
    }
    return "body.txt";
}

Result<TemplateSet> TemplateSet::load(const std::optional<std::filesystem::path>& override_dir) {
    TemplateSet set;
    // Embedded files of other folders (another module's templates) are not ours to judge.
    for (const EmbeddedTemplate& embedded : embedded_templates()) {
        if (is_layout_name(embedded.name) || is_event_part_name(embedded.name)) {
            const std::string name(embedded.name);
            set.templates_[name] =
                Template{name, "built-in templates/" + name, std::string(embedded.text)};
        }
    }
    if (override_dir) {
        if (auto applied = apply_overrides(*override_dir, set.templates_); !applied)
            return fail(applied.error());
    }
    for (const EventSpec& event : events()) {
        for (Part part : parts) {
            const std::string name = std::string(event.name) + "/" + std::string(file_name(part));
            if (!set.templates_.contains(name))
                return fail(Error::internal("built-in template templates/" + name + " is missing"));
        }
    }
    for (const auto& [name, t] : set.templates_) {
        if (!is_layout_name(name))
            continue;
        const auto dot = name.rfind('.');
        auto& partials = name.ends_with(".html") ? set.html_partials_ : set.text_partials_;
        // Partials are often used inside a line (a button's href); the newline every editor
        // ends a file with must not end up there.
        std::string_view text = t.text;
        if (text.ends_with('\n'))
            text.remove_suffix(text.ends_with("\r\n") ? 2 : 1);
        partials[name.substr(0, dot)] = std::string(text);
    }
    for (const auto& [name, t] : set.templates_) {
        const kainjow::mustache::mustache parsed{t.text};
        if (!parsed.is_valid())
            return fail(template_error(t, located(t, parsed.error_message())));
        const bool html = name.ends_with(".html");
        if (auto checked = check_partials(t, html ? set.html_partials_ : set.text_partials_);
            !checked)
            return fail(checked.error());
    }
    for (const EventSpec& event : events()) {
        for (Part part : parts) {
            const Template& t = set.get(event.name, part);
            auto compiled =
                CompiledTemplate::compile(t.origin, t.text, set.partials(part), escape_for(part));
            if (!compiled)
                return fail(template_error(t, compiled.error().message));
            set.compiled_.emplace(t.name, std::move(*compiled));
        }
    }
    return set;
}

Result<TemplateSet> TemplateSet::from_settings(const config::Settings& settings) {
    const auto dir = settings.get(setting);
    return load(dir ? std::optional<fs::path>(*dir) : std::nullopt);
}

const Template& TemplateSet::get(std::string_view event, Part part) const {
    const std::string name = std::string(event) + "/" + std::string(file_name(part));
    return templates_.at(name);
}

const CompiledTemplate& TemplateSet::compiled(std::string_view event, Part part) const {
    const std::string name = std::string(event) + "/" + std::string(file_name(part));
    return compiled_.at(name);
}

const Partials& TemplateSet::partials(Part part) const {
    return part == Part::html_body ? html_partials_ : text_partials_;
}

std::vector<const Template*> TemplateSet::all() const {
    std::vector<const Template*> out;
    for (const auto& [name, t] : templates_)
        out.push_back(&t);
    return out;
}

}  // namespace txmail::notify
