// The ContactStore in the outbox's SQLite file (tables users and watchlist, migration 2 in
// outbox/sqlite/migrations.cpp, applied by outbox::open_store). One connection behind a mutex;
// SQLite's busy timeout covers the outbox writer sharing the file. Errors carry SQLite's message.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/service/contact_store.h"

namespace txmail::service {

class SqliteContactStore final : public ContactStore {
  public:
    // The file must already be migrated (open the outbox store on it first).
    static Result<std::unique_ptr<SqliteContactStore>> open(const std::filesystem::path& path);

    Result<bool> upsert(const Contact& contact) override;
    Result<std::optional<Contact>> get(const std::string& id) override;
    Result<bool> remove(const std::string& id) override;
    Result<void> set_watchlist(const std::string& user_id,
                               const std::vector<std::string>& tickers) override;
    Result<std::vector<std::string>> watchlist(const std::string& user_id) override;
    Result<std::vector<Contact>> watchers(const std::string& ticker) override;
    Result<void> ping() override;

  private:
    explicit SqliteContactStore(std::unique_ptr<outbox::sqlite::Connection> connection)
        : connection_(std::move(connection)) {}
    Result<void> transaction(const std::function<Result<void>()>& body);

    std::mutex mutex_;
    std::unique_ptr<outbox::sqlite::Connection> connection_;
};

}  // namespace txmail::service
