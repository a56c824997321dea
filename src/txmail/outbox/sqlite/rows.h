// Reading the rows of a prepared SQLite statement (connection.h) into values with
// a `read(const Statement&) -> T` function: every row, or the first one if any; and a write whose
// answer is whether it changed a row. Step errors come back unchanged.
#pragma once

#include <optional>
#include <vector>

#include "txmail/outbox/sqlite/connection.h"
#include "txmail/outbox/sqlite/group_commit.h"

namespace txmail::outbox::sqlite {

template <class T, class Read>
Result<std::vector<T>> all_rows(Statement& query, Read read) {
    std::vector<T> rows;
    while (true) {
        auto row = query.step();
        if (!row)
            return fail(row.error());
        if (!*row)
            return rows;
        rows.push_back(read(query));
    }
}

template <class T, class Read>
Result<std::optional<T>> first_row(Statement& query, Read read) {
    auto row = query.step();
    if (!row)
        return fail(row.error());
    if (!*row)
        return std::optional<T>{};
    return std::optional<T>{read(query)};
}

// Runs `work`, whose last statement changes rows, through the file's group commit; true when that
// statement changed at least one (a claim taken, a row deleted).
inline Result<bool> changed_any(GroupCommit& commits, const GroupCommit::Work& work,
                                GroupCommit::Await await) {
    bool changed = false;
    auto written = commits.run(
        [&](Connection& connection) -> Result<void> {
            auto done = work(connection);
            changed = done && connection.changes() > 0;
            return done;
        },
        await);
    if (!written)
        return fail(written.error());
    return changed;
}

}  // namespace txmail::outbox::sqlite
