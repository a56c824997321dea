// Every notification template and the shared layout, loaded and checked once, at start-up.
//
// Names are paths below the template root ('/'-separated):
//   <event>/subject.txt, <event>/preheader.txt, <event>/body.txt, <event>/body.html
//     for each catalogue event (the preheader is the preview line mail clients show);
//   layout/<name>.html, layout/<name>.txt: partials, used as {{> layout/<name>}}; the HTML body
//     gets the .html ones, subject, preheader and text body the .txt ones. One final newline is
//     dropped from a partial, so that it can stand inside a line (an href, a table cell).
// Defaults are compiled in (embedded_templates.h). TXMAIL_TEMPLATE_DIR, when set, replaces any
// single file that exists there and may add layout partials; other files in it that end in .txt
// or .html are refused, so a misspelt name cannot be silently ignored.
// Every template is parsed here; a parse error or a partial that does not exist is a config error
// reading "<file>:<line>: <what>" (the built-in name for defaults), so nothing fails at send time.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/notify/compiled_template.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::notify {

enum class Part { subject, preheader, text_body, html_body };
std::string_view file_name(Part part);  // "subject.txt", ..., "body.html"

struct Template {
    std::string name;    // "welcome/body.html"
    std::string origin;  // for errors: the file it was read from, or "built-in templates/<name>"
    std::string text;
};

class TemplateSet {
  public:
    // The defaults, overridden file by file from `override_dir` when given.
    static Result<TemplateSet> load(const std::optional<std::filesystem::path>& override_dir);
    static Result<TemplateSet> from_settings(const config::Settings& settings);

    // Present for every catalogue event and part once load() succeeded.
    const Template& get(std::string_view event, Part part) const;
    // The same, parsed once with its partials written in (compiled_template.h).
    const CompiledTemplate& compiled(std::string_view event, Part part) const;
    // Partial name ("layout/footer") -> text, for the given part's format.
    const Partials& partials(Part part) const;
    // Every template, sorted by name (for listings and tests).
    std::vector<const Template*> all() const;

  private:
    std::map<std::string, Template, std::less<>> templates_;
    std::map<std::string, CompiledTemplate, std::less<>> compiled_;  // event parts only
    Partials html_partials_;
    Partials text_partials_;
};

}  // namespace txmail::notify
