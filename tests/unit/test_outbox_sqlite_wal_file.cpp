// WalFile (sqlite/wal_file.h): syncs the write-ahead log SQLite names for a connection, and a
// log it cannot open is an error naming the file.
#include "txmail/outbox/sqlite/wal_file.h"

#include <gtest/gtest.h>

#include "support/temp_directory.h"
#include "txmail/outbox/sqlite/connection.h"

namespace txmail::outbox::sqlite {
namespace {

TEST(WalFile, SyncsTheLogOfAConnectionThatHasCommitted) {
    testing::TempDirectory directory;
    auto connection = Connection::open(directory / "wal.db", {.durable_commits = false});
    ASSERT_TRUE(connection) << connection.error().describe();
    ASSERT_TRUE((*connection)->execute("CREATE TABLE t (x); INSERT INTO t VALUES (1);"));
    const std::filesystem::path wal = (*connection)->wal_path();
    EXPECT_EQ(wal, directory / "wal.db-wal");
    ASSERT_TRUE(std::filesystem::exists(wal));
    WalFile file(wal);
    auto synced = file.sync();
    EXPECT_TRUE(synced) << synced.error().describe();
    EXPECT_TRUE(file.sync()) << "the descriptor is kept for the next sync";
}

TEST(WalFile, ALogThatCannotBeOpenedIsAnErrorNamingIt) {
    testing::TempDirectory directory;
    WalFile file(directory / "missing.db-wal");
    auto synced = file.sync();
    ASSERT_FALSE(synced);
    EXPECT_NE(synced.error().message.find("missing.db-wal"), std::string::npos)
        << synced.error().message;
    EXPECT_NE(synced.error().message.find("No such file"), std::string::npos)
        << synced.error().message;
}

}  // namespace
}  // namespace txmail::outbox::sqlite
