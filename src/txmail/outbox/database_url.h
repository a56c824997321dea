// TXMAIL_DATABASE_URL, parsed. SQLAlchemy's convention, as the Django project used it:
// `sqlite:///relative/path.db` (relative to the working directory), `sqlite:////absolute/path.db`,
// `postgresql://user:password@host[:port]/db`, and ours: `memory://` (one process, tests).
// Errors name TXMAIL_DATABASE_URL and show the value with any password masked
// (config::mask_url_password).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::outbox {

struct DatabaseUrl {
    enum class Kind { sqlite, postgresql, memory } kind = Kind::sqlite;
    std::filesystem::path path;  // sqlite: the database file
    std::string url;             // as given
};

Result<DatabaseUrl> parse_database_url(std::string_view url);

}  // namespace txmail::outbox
