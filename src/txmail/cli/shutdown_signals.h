// SIGTERM/SIGINT for long-running commands (`txmail dispatch`, `txmail serve`): blocks both in the
// calling thread, so the threads started after it inherit the mask and only wait_for() sees the
// signals (no handler ever runs on a worker or an I/O thread). Construct it before any thread.
#pragma once

#include <signal.h>

#include <chrono>
#include <ctime>
#include <optional>

namespace txmail::cli {

class ShutdownSignals {
  public:
    ShutdownSignals() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    }
    ~ShutdownSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
    ShutdownSignals(const ShutdownSignals&) = delete;
    ShutdownSignals& operator=(const ShutdownSignals&) = delete;

    // The signal received within `timeout`, or nullopt.
    std::optional<int> wait_for(std::chrono::milliseconds timeout) const {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
        const timespec wait{static_cast<time_t>(seconds.count()),
                            static_cast<long>((timeout - seconds).count() * 1'000'000)};
        const int signal = sigtimedwait(&set_, nullptr, &wait);
        if (signal > 0)
            return signal;
        return std::nullopt;
    }

  private:
    sigset_t set_{};
    sigset_t previous_{};
};

}  // namespace txmail::cli
