// Bounds how long a blocking network exchange may go without progress: while armed, if nothing
// has happened (activity()) for `limit`, it shuts the watched sockets down, so the blocked caller
// wakes at once with an error instead of waiting on. Knows nothing of SMTP.
//
// Why: libcurl's SMTP reply timeout counts whole seconds, checks about once a second (a reply
// due at 2 s can time out at 3), and after a timeout it still sends QUIT and waits a whole
// timeout again for the answer. EMAIL_TIMEOUT promises "fails within the timeout + 1 s". Shutting
// the socket down ends both waits on time, and libcurl's own QUIT then fails at once.
//
// The sockets are registered by whoever opens and closes them (libcurl's open/close socket
// callbacks); close_socket() closes under the watchdog's lock, so a shutdown can never hit a
// descriptor number that was closed and reused meanwhile. One thread per watchdog, asleep unless
// armed; arm()/disarm() are cheap. activity() is lock-free (an atomic time stamp).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace txmail::transport {

class IdleWatchdog {
  public:
    explicit IdleWatchdog(std::chrono::milliseconds limit);
    ~IdleWatchdog();
    IdleWatchdog(const IdleWatchdog&) = delete;
    IdleWatchdog& operator=(const IdleWatchdog&) = delete;

    void watch_socket(int fd);
    int close_socket(int fd);  // stops watching and closes it; returns close()'s result

    void arm();  // start the clock now
    void activity() noexcept;
    bool disarm();  // stop; true when it fired since arm()

    std::chrono::milliseconds limit() const { return limit_; }

  private:
    void run();

    const std::chrono::milliseconds limit_;
    std::atomic<std::int64_t> last_activity_{0};  // steady_clock ticks
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<int> sockets_;
    bool armed_ = false;
    bool fired_ = false;
    bool stopping_ = false;
    bool parked_ = false;  // the thread waits for arm(), with no deadline
    std::thread thread_;
};

}  // namespace txmail::transport
