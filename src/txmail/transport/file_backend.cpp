#include "txmail/transport/file_backend.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "txmail/util/random.h"

namespace txmail::transport {
namespace {

// Closes the descriptor on every path out of a function.
class FileDescriptor {
  public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release_and_close() {
        int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

  private:
    int fd_;
};

Error io_error(std::string_view what, const std::filesystem::path& path, int error_number) {
    return Error::transient("file backend: cannot " + std::string(what) + " " + path.string() +
                            ": " + std::strerror(error_number));
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[32];
    std::size_t length = std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &parts);
    return std::string(text, length);
}

Result<void> write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return fail(io_error("write", path, errno));
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return {};
}

// Writes a complete, durable file at `path`, which must not exist yet (O_EXCL).
Result<void> write_durably(const std::filesystem::path& path, std::string_view bytes) {
    // 0600: messages hold personal data and links that act on an account.
    FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd.valid())
        return fail(io_error("create", path, errno));
    if (auto written = write_all(fd.get(), bytes, path); !written)
        return written;
    if (::fsync(fd.get()) != 0)
        return fail(io_error("sync", path, errno));
    if (fd.release_and_close() != 0)
        return fail(io_error("close", path, errno));
    return {};
}

// Makes a rename durable (the directory entry itself).
Result<void> sync_directory(const std::filesystem::path& directory) {
    FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid() || ::fsync(fd.get()) != 0)
        return fail(io_error("sync directory", directory, errno));
    return {};
}

// Renames without replacing; EEXIST when `to` exists. Falls back to link + unlink on file
// systems without RENAME_NOREPLACE, which gives the same guarantee.
int rename_no_replace(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    if (::link(from.c_str(), to.c_str()) != 0)
        return errno;
    ::unlink(from.c_str());
    return 0;
}

Error config_error(const std::filesystem::path& directory, std::string_view problem) {
    return Error::config("EMAIL_FILE_PATH",
                         "EMAIL_FILE_PATH \"" + directory.string() + "\" " + std::string(problem));
}

}  // namespace

FileBackend::FileBackend(std::filesystem::path directory, Clock clock)
    : directory_(std::move(directory)), clock_(std::move(clock)), instance_(random_token(4)) {}

Result<std::unique_ptr<FileBackend>> FileBackend::create(const std::filesystem::path& directory,
                                                         Clock clock) {
    if (directory.empty())
        return fail(Error::config("EMAIL_FILE_PATH",
                                  "EMAIL_FILE_PATH must name a directory for the file backend"));
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(directory, ec);
    if (ec)
        return fail(config_error(directory, "cannot be resolved: " + ec.message()));
    std::filesystem::create_directories(absolute, ec);
    if (ec && !std::filesystem::is_directory(absolute))
        return fail(config_error(directory, "cannot be created: " + ec.message()));
    if (!std::filesystem::is_directory(absolute))
        return fail(config_error(directory, "is not a directory"));
    if (::access(absolute.c_str(), W_OK | X_OK) != 0)
        return fail(
            config_error(directory, std::string("is not writable: ") + std::strerror(errno)));
    return std::unique_ptr<FileBackend>(new FileBackend(absolute, std::move(clock)));
}

std::string FileBackend::next_file_name() {
    return utc_timestamp(clock_()) + "-" + instance_ + "-" + std::to_string(++sequence_) + ".eml";
}

Result<std::string> FileBackend::deliver(const mail::RenderedMessage& message) {
    std::string name = next_file_name();
    // Hidden and not ending in .eml: nobody looking for messages picks it up half-written.
    std::filesystem::path temporary = directory_ / ("." + name + ".tmp");
    if (auto written = write_durably(temporary, message.bytes); !written) {
        ::unlink(temporary.c_str());
        return fail(written.error());
    }
    // A clash is only possible with a clock that stands still across processes sharing the
    // random instance token; take the next sequence number rather than replace a message.
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::filesystem::path target = directory_ / name;
        int error_number = rename_no_replace(temporary, target);
        if (error_number == 0) {
            if (auto synced = sync_directory(directory_); !synced)
                return fail(synced.error());
            return target.string();
        }
        if (error_number != EEXIST) {
            ::unlink(temporary.c_str());
            return fail(io_error("rename into", target, error_number));
        }
        name = next_file_name();
    }
    ::unlink(temporary.c_str());
    return fail(Error::internal("file backend: no free file name in " + directory_.string()));
}

}  // namespace txmail::transport
