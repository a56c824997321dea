#include "txmail/outbox/sqlite/oldest_rows_purge.h"

#include <string>
#include <vector>

namespace txmail::outbox::sqlite {

namespace {

struct Batch {
    std::vector<std::int64_t> purgeable_ids;
    std::int64_t walked_to = 0;  // the last id before the cutoff
    bool reached_cutoff = false;
};

Result<Batch> walk_batch(Connection& connection, const std::string& walk_sql, std::int64_t after,
                         std::int64_t before_ms) {
    auto walk = connection.prepare(walk_sql);
    if (!walk)
        return fail(walk.error());
    walk->bind(1, after).bind(2, static_cast<std::int64_t>(purge_batch));
    Batch batch{{}, after, false};
    std::size_t walked = 0;
    for (;;) {
        auto row = walk->step();
        if (!row)
            return fail(row.error());
        if (!*row)
            break;
        ++walked;
        if (walk->integer(1) >= before_ms) {
            batch.reached_cutoff = true;
            return batch;
        }
        batch.walked_to = walk->integer(0);
        if (walk->integer(2) != 0)
            batch.purgeable_ids.push_back(batch.walked_to);
    }
    batch.reached_cutoff = walked < purge_batch;  // the table's end
    return batch;
}

}  // namespace

Result<std::int64_t> purge_oldest_rows(GroupCommit& commits, const OldestRows& rows,
                                       std::int64_t before_ms, std::stop_token stop) {
    const std::string walk_sql = "SELECT rowid, " + std::string(rows.time_column) + ", (" +
                                 std::string(rows.purgeable) + ") FROM " + std::string(rows.table) +
                                 " WHERE rowid > ?1 ORDER BY rowid LIMIT ?2";
    const std::string delete_sql = "DELETE FROM " + std::string(rows.table) + " WHERE rowid = ?1";
    std::int64_t purged = 0;
    Batch batch;
    do {
        const std::int64_t after = batch.walked_to;
        auto written = commits.run([&](Connection& connection) -> Result<void> {
            auto walked = walk_batch(connection, walk_sql, after, before_ms);
            if (!walked)
                return fail(walked.error());
            batch = std::move(*walked);
            for (std::int64_t id : batch.purgeable_ids) {
                auto remove = connection.prepare(delete_sql);
                if (!remove)
                    return fail(remove.error());
                if (auto removed = remove->bind(1, id).run(); !removed)
                    return removed;
            }
            return {};
        });
        if (!written)
            return fail(written.error());
        purged += static_cast<std::int64_t>(batch.purgeable_ids.size());
    } while (!batch.reached_cutoff && !stop.stop_requested());
    return purged;
}

}  // namespace txmail::outbox::sqlite
