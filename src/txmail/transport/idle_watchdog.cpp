#include "txmail/transport/idle_watchdog.h"

#include <sys/socket.h>
#include <unistd.h>

#include "txmail/util/thread_name.h"

namespace txmail::transport {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_ticks() {
    return Clock::now().time_since_epoch().count();
}

}  // namespace

IdleWatchdog::IdleWatchdog(std::chrono::milliseconds limit)
    : limit_(limit), thread_(named_thread("idle-watchdog", [this] { run(); })) {}

IdleWatchdog::~IdleWatchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void IdleWatchdog::watch_socket(int fd) {
    std::lock_guard lock(mutex_);
    sockets_.push_back(fd);
}

int IdleWatchdog::close_socket(int fd) {
    std::lock_guard lock(mutex_);
    std::erase(sockets_, fd);
    return ::close(fd);
}

void IdleWatchdog::arm() {
    activity();
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        armed_ = true;
        fired_ = false;
        wake = parked_;
    }
    // A thread in a timed wait wakes by itself at a deadline no later than the new one, then
    // looks again; only a parked thread needs waking. So a busy connection costs no wake-ups.
    if (wake)
        wake_.notify_one();
}

void IdleWatchdog::activity() noexcept {
    last_activity_.store(now_ticks(), std::memory_order_relaxed);
}

bool IdleWatchdog::disarm() {
    std::lock_guard lock(mutex_);
    armed_ = false;
    return fired_;
}

void IdleWatchdog::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!armed_) {
            parked_ = true;
            wake_.wait(lock);
            parked_ = false;
            continue;
        }
        const Clock::time_point deadline =
            Clock::time_point(Clock::duration(last_activity_.load(std::memory_order_relaxed))) +
            limit_;
        if (Clock::now() < deadline) {
            wake_.wait_until(lock, deadline);
            continue;
        }
        fired_ = true;
        armed_ = false;
        for (int fd : sockets_)
            ::shutdown(fd, SHUT_RDWR);
    }
}

}  // namespace txmail::transport
