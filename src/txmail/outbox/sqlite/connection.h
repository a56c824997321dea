// A SQLite connection for the outbox: RAII over sqlite3*, cached prepared statements, and the
// settings durability needs (WAL, synchronous=FULL so a commit survives power loss, foreign keys,
// a busy timeout so several processes can share one file).
//
// One Connection is used by one thread at a time (the stores hold a mutex around each); it is
// opened in SQLite's multi-thread mode. Errors carry SQLite's message and the file name; a
// database still locked by another process after the busy timeout is a transient error.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::outbox::sqlite {

class Connection;

// A cached prepared statement, borrowed for one use: bind, step, read; reset when it goes out of
// scope. Binding indexes start at 1, column indexes at 0 (SQLite's own convention). There is one
// sqlite3_stmt per SQL text, so the same SQL is not prepared again while a borrow is alive.
class Statement {
  public:
    Statement(Connection& connection, sqlite3_stmt* statement);
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_optional(int index, const std::optional<std::string>& text);  // or NULL
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);

    Result<bool> step();  // true: a row is ready to read; false: done
    Result<void> run();   // steps to the end, for statements without rows

    bool is_null(int column) const;
    std::int64_t integer(int column) const;
    std::string text(int column) const;
    std::optional<std::string> optional_text(int column) const;
    std::string blob(int column) const;

  private:
    Connection* connection_;
    sqlite3_stmt* statement_;  // null once moved from
    int bind_error_ = SQLITE_OK;
};

class Connection {
  public:
    struct Options {
        std::chrono::milliseconds busy_timeout{30'000};
        // false: synchronous=NORMAL, a commit does not wait for the disk. In WAL mode that is
        // still safe against a crash of the process; a power cut can lose the commits made
        // since the WAL was last synced. Every connection to a file appends to the same WAL,
        // so the next synchronous=FULL commit on any of them (an outbox enqueue) makes the
        // earlier ones durable too.
        bool durable_commits = true;
        // Bytes the WAL file is cut back to when this connection starts it again from the
        // beginning after a complete checkpoint (PRAGMA journal_size_limit); -1: never cut.
        // SQLite reuses the file rather than shrink it, so a WAL that a burst (or a long reader,
        // which holds checkpoints back) made grow would otherwise keep its size for good: the
        // HTTP benchmark's webhook load left one of 224 MB.
        std::int64_t wal_size_limit = -1;
    };

    // Opens (creating it if needed) and applies WAL, synchronous (FULL unless the options say
    // otherwise) and foreign keys.
    static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& path,
                                                    const Options& options);
    static Result<std::unique_ptr<Connection>> open(const std::filesystem::path& path) {
        return open(path, Options{});
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // Runs one or more statements without results (schema scripts, BEGIN/COMMIT).
    Result<void> execute(std::string_view sql);
    // Switches synchronous between FULL (true) and NORMAL for the commits that follow.
    Result<void> set_durable_commits(bool durable);
    // The statement for `sql`, prepared once and cached for the connection's lifetime.
    Result<Statement> prepare(std::string_view sql);
    // Reads `table` without reading a row of it: the file opens, reads, and has the table.
    Result<void> probe(std::string_view table);

    // What a checkpoint found in the WAL (frames) and had copied into the database by its end
    // (backfilled, counting what earlier checkpoints copied).
    struct CheckpointProgress {
        int frames = 0;
        int backfilled = 0;
    };
    // A PASSIVE checkpoint: copies into the database what the WAL holds, as far as no reader
    // still needs it, without waiting for any lock. Beside the writer, it copies what was
    // committed before it began.
    Result<CheckpointProgress> checkpoint();
    // `hook` is called with the WAL's size in frames after each commit through this connection,
    // on the committing thread, before COMMIT returns; it replaces SQLite's automatic checkpoint.
    // Set it before any other thread uses the connection.
    void on_commit(std::function<void(int frames)> hook);

    std::int64_t changes() const;
    // The rowid of this connection's last INSERT. Used instead of RETURNING, which makes SQLite
    // build and drop a temporary b-tree for the returned rows at every insert, on the one writer
    // thread every write of the process waits behind.
    std::int64_t last_insert_rowid() const;
    const std::filesystem::path& path() const { return path_; }
    // The database's write-ahead log file, as SQLite names it.
    std::filesystem::path wal_path() const;
    // The error for the last failed call, as "SQLite <what> failed on <file>: <message>".
    Error error(std::string_view what, int code) const;

  private:
    Connection(sqlite3* db, std::filesystem::path path);
    struct Finalize {
        void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
    };

    static int wait_while_busy(void* connection, int attempt);
    static int committed(void* connection, sqlite3* db, const char* schema, int frames);

    sqlite3* db_;
    std::filesystem::path path_;
    std::map<std::string, std::unique_ptr<sqlite3_stmt, Finalize>, std::less<>> statements_;
    std::chrono::milliseconds busy_timeout_{};
    std::chrono::steady_clock::time_point busy_since_{};
    std::function<void(int)> commit_hook_;
};

}  // namespace txmail::outbox::sqlite
