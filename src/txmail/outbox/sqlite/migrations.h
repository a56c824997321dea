// Versioned schema migrations for the SQLite database (outbox tables, and the tables other
// modules add later). schema_migrations(version, name, applied_at) records what was applied;
// each migration runs in its own BEGIN IMMEDIATE transaction and is skipped when another process
// applied it first, so `txmail migrate` and every start-up may run it at any time, concurrently.
//
// To change the schema, append one line to the list in migrations.cpp; never edit an applied
// migration. A database migrated by a newer txmail (a version this build does not know) is a
// config error: running old code on it could corrupt it.
#pragma once

#include <span>
#include <string_view>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/store.h"

namespace txmail::outbox::sqlite {

struct Migration {
    int version;  // 1, 2, 3... in order, no gaps
    std::string_view name;
    std::string_view sql;  // one or more statements
    // Rebuilds a table other tables refer to: applied with foreign keys off (else dropping the old
    // table would cascade to its children), then checked with PRAGMA foreign_key_check.
    bool foreign_keys_off = false;
};

std::span<const Migration> migrations();

// 0 for a database no migration has touched.
Result<int> schema_version(Connection& connection);
// Applies the migrations `connection` lacks, in order; the list is a parameter for tests.
Result<MigrationReport> migrate(Connection& connection,
                                std::span<const Migration> list = migrations());

}  // namespace txmail::outbox::sqlite
