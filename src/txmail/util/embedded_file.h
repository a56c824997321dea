// A file compiled into the binary at build time (cmake/embed_files.cmake): default templates,
// the OpenAPI document. The text has static storage duration.
#pragma once

#include <span>
#include <string_view>

namespace txmail {

struct EmbeddedFile {
    std::string_view name;  // path below the embedded root, '/'-separated: "welcome/body.html"
    std::string_view text;
};

}  // namespace txmail
