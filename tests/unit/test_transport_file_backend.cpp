#include "txmail/transport/file_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/rendered_messages.h"
#include "support/temp_directory.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

std::vector<fs::path> files_in(const fs::path& directory) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory))
        files.push_back(entry.path());
    std::ranges::sort(files);
    return files;
}

// 2026-03-04 05:06:07 UTC
std::chrono::system_clock::time_point fixed_time() {
    return std::chrono::sys_days{std::chrono::year{2026} / 3 / 4} + std::chrono::hours{5} +
           std::chrono::minutes{6} + std::chrono::seconds{7};
}

std::unique_ptr<FileBackend> make(const fs::path& directory) {
    auto backend = FileBackend::create(directory, fixed_time);
    EXPECT_TRUE(backend.has_value()) << backend.error().describe();
    return backend ? std::move(*backend) : nullptr;
}

SendResult send_one(FileBackend& backend, const mail::RenderedMessage& message) {
    auto results = backend.send_messages(std::span(&message, 1));
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? fail(Error::internal("no result")) : results.front();
}

TEST(FileBackend, WritesOneEmlWithTheExactBytesAndReturnsItsPath) {
    testing::TempDirectory tmp;
    auto backend = make(tmp / "var/mail");  // created, parents included
    ASSERT_TRUE(backend);
    auto message = testing::rendered_message("1");
    auto result = send_one(*backend, message);
    ASSERT_TRUE(result.has_value()) << result.error().describe();
    EXPECT_EQ(result->message_id, "msg1@example.com");

    auto files = files_in(tmp / "var/mail");
    ASSERT_EQ(files.size(), 1u);  // no temporary file left behind
    EXPECT_EQ(result->detail, files[0].string());
    EXPECT_TRUE(fs::path(result->detail).is_absolute());
    EXPECT_THAT(files[0].filename().string(), MatchesRegex("20260304-050607-[0-9a-f]{8}-1\\.eml"));
    EXPECT_EQ(read_file(files[0]), message.bytes);

    struct stat info {};
    ASSERT_EQ(::stat(files[0].c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);  // personal data: owner only
}

TEST(FileBackend, EveryMessageGetsItsOwnFileEvenWithinOneSecond) {
    testing::TempDirectory tmp;
    auto first = make(tmp.path());
    auto second = make(tmp.path());  // another process or worker, same clock second
    ASSERT_TRUE(first && second);
    std::set<std::string> paths;
    for (int i = 0; i < 10; ++i) {
        for (FileBackend* backend : {first.get(), second.get()}) {
            auto result = send_one(*backend, testing::rendered_message(std::to_string(i)));
            ASSERT_TRUE(result.has_value());
            paths.insert(result->detail);
        }
    }
    EXPECT_EQ(paths.size(), 20u);
    EXPECT_EQ(files_in(tmp.path()).size(), 20u);
}

TEST(FileBackend, AReaderNeverSeesAPartialMessage) {
    testing::TempDirectory tmp;
    auto backend = make(tmp.path());
    ASSERT_TRUE(backend);
    auto message = testing::rendered_message();
    message.bytes += std::string(2 * 1024 * 1024, 'x') + "\r\n";

    std::atomic<bool> done = false;
    std::atomic<int> checked = 0, partial = 0;
    std::jthread reader([&] {
        while (!done) {
            for (const auto& entry : fs::directory_iterator(tmp.path())) {
                if (entry.path().extension() != ".eml")
                    continue;
                if (read_file(entry.path()).size() != message.bytes.size())
                    ++partial;
                ++checked;
            }
        }
    });
    for (int i = 0; i < 10; ++i)
        ASSERT_TRUE(send_one(*backend, message).has_value());
    done = true;
    reader.join();
    EXPECT_EQ(partial, 0);
    EXPECT_GT(checked, 0);
}

TEST(FileBackend, PathThatIsAFileIsAConfigErrorNamingTheSetting) {
    testing::TempDirectory tmp;
    auto file = tmp.write("not-a-dir", "x");
    for (const fs::path& bad : {file, file / "sub"}) {
        auto backend = FileBackend::create(bad);
        ASSERT_FALSE(backend.has_value()) << bad;
        EXPECT_EQ(backend.error().kind, ErrorKind::config);
        EXPECT_EQ(backend.error().field, "EMAIL_FILE_PATH");
        EXPECT_THAT(backend.error().message, HasSubstr(bad.string()));
    }
    auto empty = FileBackend::create("");
    ASSERT_FALSE(empty.has_value());
    EXPECT_EQ(empty.error().field, "EMAIL_FILE_PATH");
}

TEST(FileBackend, DirectoryRemovedAfterStartIsATransientErrorNamingThePath) {
    testing::TempDirectory tmp;
    auto backend = make(tmp / "mail");
    ASSERT_TRUE(backend);
    fs::remove_all(tmp / "mail");
    auto result = send_one(*backend, testing::rendered_message());
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, ErrorKind::transient);
    EXPECT_THAT(result.error().message, HasSubstr((tmp / "mail").string()));
}

}  // namespace
}  // namespace txmail::transport
