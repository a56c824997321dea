// txmail's version (the CMake project version), for `txmail version`, `--version` and anything
// that reports what is running (User-Agent, /metrics).
#pragma once

#include <string_view>

namespace txmail::cli {

std::string_view version();

}  // namespace txmail::cli
