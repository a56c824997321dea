// A notification template parsed once, at start-up, and rendered many times.
//
// Why it exists: kainjow::mustache parses a template when it is constructed and parses a partial
// again at every {{> name}} it meets while rendering. Fan-out renders the same template for
// thousands of watchers, and parsing was most of that time. So the partials' text is written into
// the template in place of their tags before the one parse: kainjow renders a partial into the
// same context and line buffer as the tag it stands for, so the output is the same.
// A template that changes the tag delimiters ({{=…=}}) keeps its partial tags (their text could
// not be read with the new delimiters); render() then needs the partials in the context.
//
// render() is const and may run on several threads at once. kainjow's render() is not const, but
// walking the parsed tree only reads it; it writes (its error message) only when a partial or a
// lambda fails. Inlined templates have no partial tags left and our data holds no lambdas, so they
// share one tree; a template that kept its partial tags renders a copy.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <kainjow/mustache.hpp>

#include "txmail/util/error.h"

namespace txmail::notify {

using Partials = std::map<std::string, std::string, std::less<>>;
// How values are escaped in one part (escaping.h); fixed per template, so set once.
using Escape = std::string (*)(const std::string&);

// Where each {{> name}} tag is in a template with the default delimiters; `name` is trimmed.
struct PartialTag {
    std::size_t begin = 0;  // of "{{"
    std::size_t end = 0;    // one past "}}"
    std::string_view name;
};
std::vector<PartialTag> partial_tags(std::string_view text);
bool changes_delimiters(std::string_view text);

class CompiledTemplate {
  public:
    // `origin` names the template in errors; `partials` are those of its format, all known to
    // exist (TemplateSet checked every {{> name}} before).
    static Result<CompiledTemplate> compile(std::string origin, const std::string& text,
                                            const Partials& partials, Escape escape);

    // False when the partials are still tags (a template that changes delimiters).
    bool partials_inlined() const { return partials_inlined_; }

    Result<std::string> render(const kainjow::mustache::data& context) const;

  private:
    CompiledTemplate(std::string origin, kainjow::mustache::mustache parsed, bool inlined)
        : origin_(std::move(origin)), parsed_(std::move(parsed)), partials_inlined_(inlined) {}

    std::string origin_;
    mutable kainjow::mustache::mustache parsed_;  // see the top of this file
    bool partials_inlined_ = true;
};

}  // namespace txmail::notify
