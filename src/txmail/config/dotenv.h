// The .env file: `KEY=value` lines, as python-dotenv and Docker Compose read them.
//
// Accepted: blank lines; `# comments` (whole lines, or after an unquoted value when preceded by
// whitespace); an optional `export ` prefix; whitespace around `=`; unquoted values (trimmed);
// 'single quoted' values (literal, may span lines); "double quoted" values (may span lines, with
// python-dotenv's escapes \n \t \r \" \' \\ \a \b \f \v; any other backslash is kept as written).
// Not done: ${VAR} expansion (a `$` in a password stays a `$`). A later line for the same key wins.
//
// Anything else (no `=`, a bad name, an unterminated quote, text after a closing quote) is a
// config error naming the file and the line. Errors never quote the line: it may hold a secret.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::config {

struct DotenvEntry {
    std::string name;
    std::string value;
    int line = 0;  // 1-based line where the entry starts
};

// file_name is only used in error messages.
Result<std::vector<DotenvEntry>> parse_dotenv(std::string_view text, std::string_view file_name);
// A missing file is no entries; an unreadable one (or a directory) is a config error.
Result<std::vector<DotenvEntry>> read_dotenv(const std::filesystem::path& path);

}  // namespace txmail::config
