// The ContactStore in the outbox's SQLite file (tables users and watchlist, migration 2 in
// outbox/sqlite/migrations.cpp). Writes go through the file's shared writer
// (outbox/sqlite/shared_writer.h) and wait until they are durable; each read-check-write is one
// unit of its IMMEDIATE transaction. Reads use a connection of their own behind a mutex. Errors
// carry SQLite's message.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/shared_writer.h"
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
    Result<std::optional<Contact>> by_stripe_customer(const std::string& customer_id) override;
    Result<std::optional<Contact>> by_email(const std::string& email) override;
    Result<void> link_stripe_customer(const std::string& user_id,
                                      const std::string& customer_id) override;
    Result<void> ping() override;

  private:
    explicit SqliteContactStore(outbox::sqlite::StoreFile file)
        : writer_(std::move(file.writer)), reader_(std::move(file.reader)) {}
    Result<void> write(const outbox::sqlite::GroupCommit::Work& work);
    // The first contact by id matching `condition` (SQL over users, one parameter ?1).
    Result<std::optional<Contact>> first_where(std::string_view condition,
                                               const std::string& value);

    std::shared_ptr<outbox::sqlite::SharedWriter> writer_;
    std::mutex reader_mutex_;
    std::unique_ptr<outbox::sqlite::Connection> reader_;
};

}  // namespace txmail::service
