// Connection (sqlite/connection.h): a WAL that grew is cut back to the connection's limit once a
// checkpoint has copied all of it and the next commit starts it again; without a limit SQLite
// keeps the file at its largest. A probe reads a table without its rows.
#include "txmail/outbox/sqlite/connection.h"

#include <gtest/gtest.h>

#include "support/temp_directory.h"

namespace txmail::outbox::sqlite {
namespace {

// Writes ~4.5 MB in commits of 100 KB: SQLite's automatic checkpoint runs once the WAL passes
// 1,000 pages (~4 MB) and, with no reader, copies all of it; the commits after it start the WAL
// again from its beginning. Returns the WAL file's size at the end.
std::uintmax_t wal_size_after_a_burst(std::int64_t wal_size_limit) {
    testing::TempDirectory directory;
    auto connection = Connection::open(
        directory / "burst.db", {.durable_commits = false, .wal_size_limit = wal_size_limit});
    EXPECT_TRUE(connection) << connection.error().describe();
    if (!connection)
        return 0;
    EXPECT_TRUE((*connection)->execute("CREATE TABLE t (x BLOB)"));
    for (int i = 0; i < 45; ++i)
        EXPECT_TRUE((*connection)->execute("INSERT INTO t VALUES (zeroblob(100000))"));
    return std::filesystem::file_size((*connection)->wal_path());
}

TEST(SqliteConnection, AWalThatGrewIsCutBackToItsLimitOnceCheckpointed) {
    constexpr std::uintmax_t megabyte = 1 << 20;
    // What the commits after the checkpoint wrote (~0.5 MB), not the ~4 MB the burst reached.
    EXPECT_LT(wal_size_after_a_burst(64 * 1024), 1 * megabyte);
    EXPECT_GT(wal_size_after_a_burst(-1), 3 * megabyte)
        << "without a limit the file keeps its size";
}

TEST(SqliteConnection, AProbeReadsATableWithoutItsRowsAndNamesOneThatIsMissing) {
    testing::TempDirectory directory;
    auto connection = Connection::open(directory / "probe.db");
    ASSERT_TRUE(connection) << connection.error().describe();
    ASSERT_TRUE((*connection)->execute("CREATE TABLE present (x)"));
    EXPECT_TRUE((*connection)->probe("present"));
    auto missing = (*connection)->probe("absent");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("no such table: absent"), std::string::npos)
        << missing.error().message;
}

}  // namespace
}  // namespace txmail::outbox::sqlite
