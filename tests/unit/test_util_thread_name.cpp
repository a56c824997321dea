// name_this_thread and named_thread (util/thread_name.h): the name the kernel keeps for the
// calling thread, cut to Linux's 15 bytes, and only that thread's; a named thread has its name
// before its body runs.
#include "txmail/util/thread_name.h"

#include <pthread.h>

#include <array>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace txmail {
namespace {

std::string current_thread_name() {
    std::array<char, 16> name{};
    EXPECT_EQ(pthread_getname_np(pthread_self(), name.data(), name.size()), 0);
    return name.data();
}

// The name a thread started by named_thread() reads back in its body.
std::string name_read_back_by_a_thread_named(std::string_view name) {
    std::string read_back;
    named_thread(std::string(name), [&read_back] { read_back = current_thread_name(); }).join();
    return read_back;
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
    const std::string before = current_thread_name();
    EXPECT_EQ(name_read_back_by_a_thread_named("sqlite-writer"), "sqlite-writer");
    EXPECT_EQ(current_thread_name(), before);
}

TEST(ThreadName, ALongNameIsCutToWhatLinuxKeeps) {
    EXPECT_EQ(name_read_back_by_a_thread_named("dispatch-worker-number-12"), "dispatch-worker");
}

}  // namespace
}  // namespace txmail
