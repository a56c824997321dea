// The default templates (the repository's templates/ folder), compiled into the library at build
// time by module.cmake / cmake/embed_files.cmake, so that the binary needs no files to render.
#pragma once

#include <span>
#include <string_view>

#include "txmail/util/embedded_file.h"

namespace txmail::notify {

using EmbeddedTemplate = EmbeddedFile;  // name: path below templates/, "welcome/body.html"

// Sorted by name.
std::span<const EmbeddedTemplate> embedded_templates();

}  // namespace txmail::notify
