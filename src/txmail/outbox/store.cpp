#include "txmail/outbox/store.h"

#include <filesystem>
#include <system_error>

#include "txmail/config/settings.h"
#include "txmail/outbox/database_url.h"
#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/outbox/sqlite/migrations.h"
#include "txmail/outbox/sqlite/sqlite_store.h"

namespace txmail::outbox {

std::string_view to_string(Status status) {
    switch (status) {
        case Status::queued:
            return "queued";
        case Status::sending:
            return "sending";
        case Status::sent:
            return "sent";
        case Status::retry:
            return "retry";
        case Status::dead:
            return "dead";
        case Status::canceled:
            return "canceled";
    }
    return "dead";
}

std::optional<Status> parse_status(std::string_view text) {
    for (Status status : all_statuses)
        if (to_string(status) == text)
            return status;
    return std::nullopt;
}

namespace {

// The database's directory is created on first use, as `make run` expects with var/ absent.
Result<DatabaseUrl> parse_and_prepare(const std::string& database_url) {
    auto url = parse_database_url(database_url);
    if (!url)
        return fail(url.error());
    if (url->kind == DatabaseUrl::Kind::postgresql)
        return fail(Error::config("TXMAIL_DATABASE_URL",
                                  "TXMAIL_DATABASE_URL is \"" +
                                      config::mask_url_password(database_url) +
                                      "\": the postgresql store is not built yet; use "
                                      "sqlite:///path.db"));
    if (url->kind == DatabaseUrl::Kind::sqlite) {
        const auto directory = url->path.parent_path();
        std::error_code error;
        if (!directory.empty())
            std::filesystem::create_directories(directory, error);
        if (error)
            return fail(Error::config("TXMAIL_DATABASE_URL",
                                      "cannot create the directory " + directory.string() +
                                          " for the database " + url->path.string() + ": " +
                                          error.message()));
    }
    return url;
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(const std::string& database_url) {
    auto url = parse_and_prepare(database_url);
    if (!url)
        return fail(url.error());
    if (url->kind == DatabaseUrl::Kind::memory)
        return std::unique_ptr<Store>(std::make_unique<MemoryStore>());
    auto store = sqlite::SqliteStore::open(url->path);
    if (!store)
        return fail(store.error());
    return std::unique_ptr<Store>(std::move(*store));
}

Result<MigrationReport> migrate_database(const std::string& database_url) {
    auto url = parse_and_prepare(database_url);
    if (!url)
        return fail(url.error());
    if (url->kind == DatabaseUrl::Kind::memory)
        return fail(Error::config("TXMAIL_DATABASE_URL",
                                  "TXMAIL_DATABASE_URL is memory://: an in-process store has no "
                                  "schema to migrate"));
    auto connection = sqlite::Connection::open(url->path);
    if (!connection)
        return fail(connection.error());
    return sqlite::migrate(**connection);
}

}  // namespace txmail::outbox
