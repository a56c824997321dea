// The default templates (the repository's templates/ folder), compiled into the library at build
// time by module.cmake / embed_templates.cmake, so that the binary needs no files to render.
#pragma once

#include <span>
#include <string_view>

namespace txmail::notify {

struct EmbeddedTemplate {
    std::string_view name;  // path below templates/, '/'-separated: "welcome/body.html"
    std::string_view text;
};

// Sorted by name.
std::span<const EmbeddedTemplate> embedded_templates();

}  // namespace txmail::notify
