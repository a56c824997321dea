// EMAIL_BACKEND=file: one .eml file per message under EMAIL_FILE_PATH (Django's filebased
// backend writes one file per connection; one per message is easier to open and to test).
//
// Names are `%Y%m%d-%H%M%S-<instance>-<n>.eml` (UTC, from the injected clock; <instance> is random
// per backend object), so a listing sorts by time and two processes never pick the same name.
// Each file is written to a hidden temporary name in the same directory, fsync'd, then renamed
// without replacing anything (renameat2 RENAME_NOREPLACE), and the directory is fsync'd: a reader
// never sees half a message and an accepted message survives a crash.
//
// create() makes the directory if it is missing and fails with a config error naming
// EMAIL_FILE_PATH when it cannot, or when it is not a writable directory. A failed write (disk
// full, directory removed since) is a transient error naming the path; no partial file remains.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "txmail/transport/per_message_backend.h"

namespace txmail::transport {

class FileBackend : public PerMessageBackend {
  public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;

    static Result<std::unique_ptr<FileBackend>> create(
        const std::filesystem::path& directory, Clock clock = std::chrono::system_clock::now);

    std::string_view name() const override { return "file"; }
    const std::filesystem::path& directory() const { return directory_; }

  protected:
    Result<std::string> deliver(const mail::RenderedMessage& message) override;

  private:
    FileBackend(std::filesystem::path directory, Clock clock);
    std::string next_file_name();

    std::filesystem::path directory_;  // absolute, so Accepted::detail is too
    Clock clock_;
    std::string instance_;
    unsigned long sequence_ = 0;
};

}  // namespace txmail::transport
