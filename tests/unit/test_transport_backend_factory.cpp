#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/temp_directory.h"
#include "txmail/config/settings.h"
#include "txmail/transport/backend.h"
#include "txmail/transport/file_backend.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;

Result<std::unique_ptr<Backend>> make(std::map<std::string, std::string> values) {
    return make_backend(config::Settings::from_map(values));
}

TEST(BackendFactory, BuildsEachSimpleBackendByOurNameAndDjangos) {
    testing::TempDirectory tmp;
    const std::string dir = (tmp / "mail").string();
    const std::pair<std::string, std::string> cases[] = {
        {"console", "console"},
        {"memory", "memory"},
        {"dummy", "dummy"},
        {"file", "file"},
        {"django.core.mail.backends.console.EmailBackend", "console"},
        {"django.core.mail.backends.locmem.EmailBackend", "memory"},
        {"django.core.mail.backends.dummy.EmailBackend", "dummy"},
        {"django.core.mail.backends.filebased.EmailBackend", "file"},
    };
    for (const auto& [configured, expected] : cases) {
        auto backend = make({{"EMAIL_BACKEND", configured}, {"EMAIL_FILE_PATH", dir}});
        ASSERT_TRUE(backend.has_value()) << configured << ": " << backend.error().describe();
        EXPECT_EQ((*backend)->name(), expected);
    }
}

TEST(BackendFactory, DefaultIsTheFileBackendIntoItsDirectoryCreatedAtStartUp) {
    testing::TempDirectory tmp;
    auto backend = make({{"EMAIL_FILE_PATH", (tmp / "var/mail").string()}});
    ASSERT_TRUE(backend.has_value()) << backend.error().describe();
    EXPECT_EQ((*backend)->name(), "file");
    EXPECT_TRUE(std::filesystem::is_directory(tmp / "var/mail"));
    EXPECT_EQ(dynamic_cast<FileBackend&>(**backend).directory(), tmp / "var/mail");
}

TEST(BackendFactory, FileBackendMisconfigurationFailsAtStartUp) {
    testing::TempDirectory tmp;
    auto file = tmp.write("occupied", "");
    auto backend = make({{"EMAIL_BACKEND", "file"}, {"EMAIL_FILE_PATH", file.string()}});
    ASSERT_FALSE(backend.has_value());
    EXPECT_EQ(backend.error().field, "EMAIL_FILE_PATH");

    backend = make({{"EMAIL_BACKEND", "file"}, {"EMAIL_FILE_PATH", ""}});
    ASSERT_FALSE(backend.has_value());
    EXPECT_EQ(backend.error().field, "EMAIL_FILE_PATH");
}

TEST(BackendFactory, UnknownBackendIsAConfigError) {
    auto backend = make({{"EMAIL_BACKEND", "pigeon"}});
    ASSERT_FALSE(backend.has_value());
    EXPECT_EQ(backend.error().kind, ErrorKind::config);
    EXPECT_THAT(backend.error().message, HasSubstr("\"pigeon\""));
}

#if !__has_include("txmail/transport/smtp_backend.h")
TEST(BackendFactory, SmtpIsReportedAsNotAvailableUntilItIsBuilt) {
    auto backend = make({{"EMAIL_BACKEND", "smtp"}});
    ASSERT_FALSE(backend.has_value());
    EXPECT_EQ(backend.error().kind, ErrorKind::config);
    EXPECT_EQ(backend.error().message, "backend smtp is not available in this build");
}
#endif

}  // namespace
}  // namespace txmail::transport
