#include "txmail/outbox/sqlite/wal_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace txmail::outbox::sqlite {

WalFile::WalFile(std::filesystem::path path) : path_(std::move(path)) {}

WalFile::~WalFile() {
    if (descriptor_ >= 0)
        ::close(descriptor_);
}

Result<void> WalFile::sync() {
    int descriptor = -1;
    {
        std::lock_guard lock(opening_);
        if (descriptor_ < 0)
            descriptor_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (descriptor_ < 0)
            return fail(Error::internal("cannot open the write-ahead log " + path_.string() +
                                        " to sync it: " + std::strerror(errno)));
        descriptor = descriptor_;
    }
    int rc;
    do {
        rc = ::fdatasync(descriptor);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0)
        // After a failed fsync the kernel may have dropped the dirty pages: whether the commit
        // survives a power cut is unknown, so it is reported as failed.
        return fail(Error::internal("fsync of the write-ahead log " + path_.string() +
                                    " failed: " + std::strerror(errno)));
    return {};
}

}  // namespace txmail::outbox::sqlite
