// The write-ahead log of a SQLite database, opened on its own so that a commit can be made durable
// outside SQLite's write lock (group_commit.h).
//
// fdatasync flushes the file, whichever descriptor names it, so syncing this read-only descriptor
// after a COMMIT made with synchronous=NORMAL makes that commit (and every earlier one) survive a
// power cut, as synchronous=FULL would have inside the COMMIT. SQLite keeps no lock on the -wal
// file itself (its locks are on the database and the -shm file), so this descriptor cannot
// release one when it closes.
#pragma once

#include <filesystem>
#include <mutex>

#include "txmail/util/error.h"

namespace txmail::outbox::sqlite {

class WalFile {
  public:
    explicit WalFile(std::filesystem::path path);
    ~WalFile();
    WalFile(const WalFile&) = delete;
    WalFile& operator=(const WalFile&) = delete;

    // Safe from several threads at once. Opens the file on first use: SQLite creates it with the
    // first write, so it exists once a COMMIT has returned.
    Result<void> sync();

  private:
    std::filesystem::path path_;
    std::mutex opening_;
    int descriptor_ = -1;
};

}  // namespace txmail::outbox::sqlite
