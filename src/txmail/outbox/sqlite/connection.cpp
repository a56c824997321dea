#include "txmail/outbox/sqlite/connection.h"

#include <algorithm>
#include <thread>
#include <utility>

namespace txmail::outbox::sqlite {

Statement::Statement(Connection& connection, sqlite3_stmt* statement)
    : connection_(&connection), statement_(statement) {}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      statement_(std::exchange(other.statement_, nullptr)),
      bind_error_(other.bind_error_) {}

Statement::~Statement() {
    if (statement_) {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }
}

// A failed bind is remembered and reported by step(), so call sites can chain binds.
Statement& Statement::bind(int index, std::int64_t value) {
    if (int rc = sqlite3_bind_int64(statement_, index, value); rc != SQLITE_OK && !bind_error_)
        bind_error_ = rc;
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (int rc = sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8);
        rc != SQLITE_OK && !bind_error_)
        bind_error_ = rc;
    return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
    return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    if (int rc =
            sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
        rc != SQLITE_OK && !bind_error_)
        bind_error_ = rc;
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (int rc = sqlite3_bind_null(statement_, index); rc != SQLITE_OK && !bind_error_)
        bind_error_ = rc;
    return *this;
}

Result<bool> Statement::step() {
    if (bind_error_)
        return fail(connection_->error("bind", bind_error_));
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return fail(connection_->error(sqlite3_sql(statement_), rc));
}

Result<void> Statement::run() {
    for (;;) {
        auto row = step();
        if (!row)
            return fail(row.error());
        if (!*row)
            return {};
    }
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

std::string Statement::text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
    return data ? std::string(reinterpret_cast<const char*>(data), size) : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const {
    if (is_null(column))
        return std::nullopt;
    return text(column);
}

std::string Statement::blob(int column) const {
    const void* data = sqlite3_column_blob(statement_, column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
    return data ? std::string(static_cast<const char*>(data), size) : std::string();
}

Connection::Connection(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Connection::~Connection() {
    statements_.clear();  // every statement is finalized before the connection closes
    sqlite3_close(db_);
}

Result<std::unique_ptr<Connection>> Connection::open(const std::filesystem::path& path,
                                                     const Options& options) {
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    // The Connection owns db from here, even when opening failed (SQLite still allocates it).
    std::unique_ptr<Connection> connection(new Connection(db, path));
    if (rc != SQLITE_OK)
        return fail(connection->error("open", rc));
    sqlite3_extended_result_codes(db, 1);
    connection->busy_timeout_ = options.busy_timeout;
    sqlite3_busy_handler(db, &Connection::wait_while_busy, connection.get());
    // WAL lets readers run beside the one writer; synchronous=FULL fsyncs the WAL at every commit,
    // which is what makes a returned enqueue survive power loss (https://sqlite.org/pragma.html).
    auto mode = connection->prepare("PRAGMA journal_mode=WAL");
    if (!mode)
        return fail(mode.error());
    auto row = mode->step();
    if (!row)
        return fail(row.error());
    if (!*row || mode->text(0) != "wal")
        return fail(Error::internal("SQLite could not switch " + path.string() +
                                    " to WAL journal mode (got \"" +
                                    (*row ? mode->text(0) : std::string()) + "\")"));
    if (auto pragmas = connection->execute("PRAGMA foreign_keys=ON;"); !pragmas)
        return fail(pragmas.error());
    if (auto durable = connection->set_durable_commits(options.durable_commits); !durable)
        return fail(durable.error());
    if (auto limited = connection->execute("PRAGMA journal_size_limit=" +
                                           std::to_string(options.wal_size_limit));
        !limited)
        return fail(limited.error());
    return connection;
}

// SQLite's own busy timeout sleeps 1, 2, 5, 10 ... up to 100 ms between tries: a connection
// waiting for another connection's commit (the webhook ledger behind an outbox fsync of a few
// milliseconds) overslept it by tens of milliseconds (p99 508 ms in the HTTP benchmark). This
// tries again after 50 us, doubling up to 1.6 ms, until busy_timeout has passed.
int Connection::wait_while_busy(void* opaque, int attempt) {
    auto* connection = static_cast<Connection*>(opaque);
    const auto now = std::chrono::steady_clock::now();
    if (attempt == 0)
        connection->busy_since_ = now;
    else if (now - connection->busy_since_ >= connection->busy_timeout_)
        return 0;
    std::this_thread::sleep_for(std::chrono::microseconds(50 << std::min(attempt, 5)));
    return 1;
}

Result<void> Connection::set_durable_commits(bool durable) {
    return execute(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

Result<void> Connection::execute(std::string_view sql) {
    std::string script(sql);
    char* message = nullptr;
    int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);  // error() reads the same text from the connection
    if (rc != SQLITE_OK)
        return fail(error(script, rc));
    return {};
}

Result<Statement> Connection::prepare(std::string_view sql) {
    auto cached = statements_.find(sql);
    if (cached == statements_.end()) {
        sqlite3_stmt* statement = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
        if (rc != SQLITE_OK)
            return fail(error(sql, rc));
        cached = statements_.emplace(std::string(sql), statement).first;
    }
    return Statement(*this, cached->second.get());
}

Result<Connection::CheckpointProgress> Connection::checkpoint() {
    CheckpointProgress progress;
    const int rc = sqlite3_wal_checkpoint_v2(db_, "main", SQLITE_CHECKPOINT_PASSIVE,
                                             &progress.frames, &progress.backfilled);
    if (rc != SQLITE_OK)
        return fail(error("checkpoint", rc));
    return progress;
}

void Connection::on_commit(std::function<void(int frames)> hook) {
    commit_hook_ = std::move(hook);
    sqlite3_wal_hook(db_, commit_hook_ ? &Connection::committed : nullptr, this);
}

int Connection::committed(void* opaque, sqlite3*, const char*, int frames) {
    static_cast<Connection*>(opaque)->commit_hook_(frames);
    return SQLITE_OK;
}

Result<void> Connection::probe(std::string_view table) {
    auto query = prepare("SELECT count(*) FROM " + std::string(table) + " WHERE 0");
    if (!query)
        return fail(query.error());
    if (auto row = query->step(); !row)
        return fail(row.error());
    return {};
}

std::filesystem::path Connection::wal_path() const {
    return sqlite3_filename_wal(sqlite3_db_filename(db_, "main"));
}

std::int64_t Connection::changes() const {
    return sqlite3_changes64(db_);
}

std::int64_t Connection::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

Error Connection::error(std::string_view what, int code) const {
    const char* detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    // `what` may be a whole statement; its start is enough to tell which one failed.
    constexpr std::size_t shown = 60;
    std::string message = "SQLite " + std::string(what.substr(0, shown)) +
                          (what.size() > shown ? "..." : "") + " failed on " + path_.string() +
                          ": " + (detail ? detail : sqlite3_errstr(code));
    const int primary = code & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return Error::transient(message + " (another process holds the database)");
    return Error::internal(std::move(message));
}

}  // namespace txmail::outbox::sqlite
