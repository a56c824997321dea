// Retention for the tables that grow with every message and every webhook: deletes the oldest
// rows of a table, up to a cutoff time, in short transactions through the file's group commit.
//
// The walk goes by rowid from the oldest row, and ends at the first row stamped at or after the
// cutoff: ids grow with time (one writer per file hands them out as it stamps the rows), so what
// follows is newer. A purge thus costs what it deletes, not the size of the table, and needs no
// index on the time. Rows the caller must keep (a message still waiting, a request whose event
// is not acted on yet) are passed over, however old.
#pragma once

#include <cstdint>
#include <stop_token>
#include <string_view>

#include "txmail/outbox/sqlite/group_commit.h"
#include "txmail/util/error.h"

namespace txmail::outbox::sqlite {

struct OldestRows {
    std::string_view table;
    std::string_view time_column;  // unix milliseconds
    std::string_view purgeable;    // an SQL condition on the row; rows failing it stay
};

// At most this many rows are walked per transaction: `txmail serve`'s answers, which share the
// writer, wait behind one batch at most, never behind the whole purge. A finished message with its
// body and attempt takes ~27 µs to delete (bench/run-outbox-purge.sh), so 100 hold the writer
// ~3 ms, about one commit's wait.
inline constexpr std::size_t purge_batch = 100;

// Deletes the rows of `rows.table` stamped before `before_ms` that are `rows.purgeable`, and
// returns how many. Foreign keys' cascades remove what refers to them. Ends after the batch in
// hand once `stop` is requested.
Result<std::int64_t> purge_oldest_rows(GroupCommit& commits, const OldestRows& rows,
                                       std::int64_t before_ms, std::stop_token stop);

}  // namespace txmail::outbox::sqlite
