// Captures what the `security` logger writes while the object lives, for tests that check the
// log lines (the sinks are swapped for an in-memory one and put back afterwards). Tests that use
// it must not run in parallel threads with other users of the logger.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <string>
#include <vector>

#include "txmail/log/log_format.h"
#include "txmail/log/security_log.h"

namespace txmail::testing {

class SecurityLogCapture {
  public:
    SecurityLogCapture()
        : logger_(log::security_logger()),
          saved_(logger_->sinks()),
          sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_)) {
        sink_->set_formatter(log::make_formatter(log::current_log_format(), log::Payload::event));
        logger_->sinks() = {sink_};
    }
    ~SecurityLogCapture() { logger_->sinks() = saved_; }
    SecurityLogCapture(const SecurityLogCapture&) = delete;
    SecurityLogCapture& operator=(const SecurityLogCapture&) = delete;

    std::string text() const { return stream_.str(); }
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        std::istringstream in(stream_.str());
        for (std::string line; std::getline(in, line);)
            out.push_back(line);
        return out;
    }

  private:
    std::shared_ptr<spdlog::logger> logger_;
    std::vector<spdlog::sink_ptr> saved_;
    std::ostringstream stream_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

}  // namespace txmail::testing
