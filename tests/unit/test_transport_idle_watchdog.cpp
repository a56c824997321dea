#include "txmail/transport/idle_watchdog.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

namespace txmail::transport {
namespace {

// A connected pair of sockets: the watchdog watches one end; reading it blocks until shutdown.
struct SocketPair {
    SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds.data()), 0); }
    ~SocketPair() { ::close(fds[1]); }
    std::array<int, 2> fds{};
};

TEST(IdleWatchdog, ShutsDownAnIdleSocketSoABlockedReadReturns) {
    SocketPair pair;
    IdleWatchdog watchdog(std::chrono::milliseconds(50));
    watchdog.watch_socket(pair.fds[0]);
    watchdog.arm();
    char byte;
    // Blocks until the watchdog shuts the socket down; then reads end-of-file.
    EXPECT_EQ(::read(pair.fds[0], &byte, 1), 0);
    EXPECT_TRUE(watchdog.disarm());
    EXPECT_EQ(watchdog.close_socket(pair.fds[0]), 0);
}

TEST(IdleWatchdog, DoesNothingWhileDisarmedOrBusy) {
    SocketPair pair;
    IdleWatchdog watchdog(std::chrono::hours(1));
    watchdog.watch_socket(pair.fds[0]);
    watchdog.arm();
    watchdog.activity();
    EXPECT_FALSE(watchdog.disarm());
    ASSERT_EQ(::write(pair.fds[1], "x", 1), 1);
    char byte;
    EXPECT_EQ(::read(pair.fds[0], &byte, 1), 1);  // still open
    EXPECT_EQ(watchdog.close_socket(pair.fds[0]), 0);
}

}  // namespace
}  // namespace txmail::transport
