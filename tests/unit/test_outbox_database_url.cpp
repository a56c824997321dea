// TXMAIL_DATABASE_URL parsing (database_url.h) and open_store()/migrate_database() (store.h):
// SQLAlchemy's slashes, memory://, the PostgreSQL placeholder, errors that name the setting and
// show the value with its password masked, and the database's directory created on first use.
#include "txmail/outbox/database_url.h"

#include <gtest/gtest.h>

#include "support/temp_directory.h"
#include "txmail/outbox/store.h"

namespace txmail::outbox {
namespace {

TEST(DatabaseUrl, ThreeSlashesIsRelativeFourIsAbsolute) {
    auto relative = parse_database_url("sqlite:///var/txmail.db");
    ASSERT_TRUE(relative);
    EXPECT_EQ(relative->kind, DatabaseUrl::Kind::sqlite);
    EXPECT_EQ(relative->path, "var/txmail.db");
    auto absolute = parse_database_url("sqlite:////srv/txmail/outbox.db");
    ASSERT_TRUE(absolute);
    EXPECT_EQ(absolute->path, "/srv/txmail/outbox.db");
}

TEST(DatabaseUrl, MemoryAndPostgresql) {
    EXPECT_EQ(parse_database_url("memory://")->kind, DatabaseUrl::Kind::memory);
    EXPECT_EQ(parse_database_url("postgresql://u:p@db/txmail")->kind,
              DatabaseUrl::Kind::postgresql);
    EXPECT_EQ(parse_database_url("postgresql+psycopg2://db/txmail")->kind,
              DatabaseUrl::Kind::postgresql);
}

TEST(DatabaseUrl, BadValuesNameTheSettingAndTheValue) {
    for (const char* bad : {"", "txmail.db", "sqlite://", "sqlite:///", "sqlite:///:memory:",
                            "sqlite:///var/", "sqlite:///a.db?mode=ro", "mysql://db/txmail"}) {
        auto url = parse_database_url(bad);
        ASSERT_FALSE(url) << bad;
        EXPECT_EQ(url.error().kind, ErrorKind::config);
        EXPECT_EQ(url.error().field, "TXMAIL_DATABASE_URL");
        EXPECT_NE(url.error().message.find("TXMAIL_DATABASE_URL is \"" + std::string(bad) + "\""),
                  std::string::npos)
            << url.error().message;
    }
}

TEST(DatabaseUrl, PasswordsAreMaskedInErrors) {
    auto url = parse_database_url("mysql://admin:hunter2@db/txmail");
    ASSERT_FALSE(url);
    EXPECT_EQ(url.error().message.find("hunter2"), std::string::npos) << url.error().message;
    EXPECT_NE(url.error().message.find("mysql://admin:****@db/txmail"), std::string::npos)
        << url.error().message;
}

TEST(OpenStore, PostgresqlIsAClearConfigErrorWithoutThePassword) {
    auto store = open_store("postgresql://txmail:hunter2@db/txmail");
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().kind, ErrorKind::config);
    EXPECT_EQ(store.error().field, "TXMAIL_DATABASE_URL");
    EXPECT_NE(store.error().message.find("postgresql store is not built yet"), std::string::npos);
    EXPECT_EQ(store.error().message.find("hunter2"), std::string::npos);
}

TEST(OpenStore, CreatesTheDatabaseDirectoryAndMigrates) {
    testing::TempDirectory directory;
    const auto path = directory / "nested" / "var" / "txmail.db";
    auto store = open_store("sqlite:///" + path.string());  // path is absolute: four slashes
    ASSERT_TRUE(store) << store.error().describe();
    EXPECT_TRUE(std::filesystem::exists(path));
    auto report = migrate_database("sqlite:///" + path.string());
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_TRUE(report->applied.empty()) << "open_store migrated already";
    EXPECT_GE(report->version, 1);
}

TEST(OpenStore, MemoryStoreHasNoSchemaToMigrate) {
    auto store = open_store("memory://");
    ASSERT_TRUE(store);
    auto report = migrate_database("memory://");
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().field, "TXMAIL_DATABASE_URL");
}

}  // namespace
}  // namespace txmail::outbox
