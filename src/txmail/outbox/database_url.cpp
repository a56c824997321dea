#include "txmail/outbox/database_url.h"

#include "txmail/config/settings.h"

namespace txmail::outbox {

namespace {

constexpr std::string_view setting = "TXMAIL_DATABASE_URL";

Error bad_url(std::string_view url, std::string_view why) {
    return Error::config(std::string(setting), std::string(setting) + " is \"" +
                                                   config::mask_url_password(url) +
                                                   "\": " + std::string(why));
}

}  // namespace

Result<DatabaseUrl> parse_database_url(std::string_view url) {
    if (url == "memory://")
        return DatabaseUrl{DatabaseUrl::Kind::memory, {}, std::string(url)};
    if (url.starts_with("postgresql://") || url.starts_with("postgres://") ||
        url.starts_with("postgresql+"))
        return DatabaseUrl{DatabaseUrl::Kind::postgresql, {}, std::string(url)};
    constexpr std::string_view sqlite_prefix = "sqlite:///";
    if (url.starts_with(sqlite_prefix)) {
        // SQLAlchemy: three slashes then the path, so a fourth slash starts an absolute path.
        const auto path = url.substr(sqlite_prefix.size());
        if (path.empty() || path == "/")
            return fail(bad_url(url, "no database file after sqlite:///"));
        if (path == ":memory:")
            return fail(bad_url(url,
                                "an in-memory SQLite database is private to one connection; "
                                "use memory:// for an in-process store"));
        if (path.find('?') != std::string_view::npos)
            return fail(bad_url(url, "query parameters are not supported"));
        if (path.back() == '/')
            return fail(bad_url(url, "the path names a directory, not a database file"));
        return DatabaseUrl{DatabaseUrl::Kind::sqlite, std::filesystem::path(path),
                           std::string(url)};
    }
    if (url == "sqlite://")
        return fail(bad_url(url,
                            "no database file; use sqlite:///relative/path.db or "
                            "sqlite:////absolute/path.db"));
    return fail(bad_url(url,
                        "expected sqlite:///relative/path.db, sqlite:////absolute/path.db, "
                        "postgresql://user:password@host/db or memory://"));
}

}  // namespace txmail::outbox
