// The one writer of a SQLite file in this process: a connection and the group commit over it,
// shared by every store on that file (the outbox, the Stripe webhook ledger).
//
// Why shared: SQLite lets one connection write at a time. Two writer connections in one process
// (the outbox's and the ledger's) queued for the lock behind each other's commits and slept in
// the busy handler; one group commit writes everything the process has for the file in a single
// transaction per batch. Opening it migrates the file to the current schema (migrations.h), so
// every store on it may assume its tables exist. It lives while any store holds it.
#pragma once

#include <filesystem>
#include <memory>

#include "txmail/outbox/sqlite/checkpointer.h"
#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/group_commit.h"

namespace txmail::outbox::sqlite {

struct SharedWriter {
    SharedWriter(std::unique_ptr<Connection> c, std::unique_ptr<Connection> checkpointing,
                 GroupCommit::Options options)
        : connection(std::move(c)),
          checkpointer(*connection, std::move(checkpointing)),
          commits(*connection, copying_between_batches(std::move(options))) {}

    std::unique_ptr<Connection> connection;  // used only through `commits`
    Checkpointer checkpointer;  // hooked onto the connection before `commits` writes, gone after
    GroupCommit commits;

  private:
    GroupCommit::Options copying_between_batches(GroupCommit::Options options) {
        options.between_batches = [this] { checkpointer.copy_if_due(); };
        return options;
    }
};

// The writer for `path` with these options, opened (and the file migrated) on first use. Stores
// asking for other options (the benchmark's one-fsync-per-write baseline) get their own.
Result<std::shared_ptr<SharedWriter>> shared_writer(const std::filesystem::path& path,
                                                    std::chrono::milliseconds busy_timeout,
                                                    GroupCommit::Options options);

// What a store on the file holds: the shared writer for its writes, and a connection of its own
// for its reads (in WAL mode a reader never waits for the writer).
struct StoreFile {
    std::shared_ptr<SharedWriter> writer;
    std::unique_ptr<Connection> reader;
};

Result<StoreFile> open_store_file(const std::filesystem::path& path,
                                  std::chrono::milliseconds busy_timeout = std::chrono::seconds(30),
                                  GroupCommit::Options options = {});

}  // namespace txmail::outbox::sqlite
