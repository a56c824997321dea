// name_this_thread (util/thread_name.h): the name the kernel keeps for the calling thread, cut
// to Linux's 15 bytes, and only that thread's.
#include "txmail/util/thread_name.h"

#include <pthread.h>

#include <array>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace txmail {
namespace {

std::string current_thread_name() {
    std::array<char, 16> name{};
    EXPECT_EQ(pthread_getname_np(pthread_self(), name.data(), name.size()), 0);
    return name.data();
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
    const std::string before = current_thread_name();
    std::string named;
    std::thread([&] {
        name_this_thread("sqlite-writer");
        named = current_thread_name();
    }).join();
    EXPECT_EQ(named, "sqlite-writer");
    EXPECT_EQ(current_thread_name(), before);
}

TEST(ThreadName, ALongNameIsCutToWhatLinuxKeeps) {
    std::string named;
    std::thread([&] {
        name_this_thread("dispatch-worker-number-12");
        named = current_thread_name();
    }).join();
    EXPECT_EQ(named, "dispatch-worker");
}

}  // namespace
}  // namespace txmail
