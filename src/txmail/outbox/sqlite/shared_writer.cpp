#include "txmail/outbox/sqlite/shared_writer.h"

#include <map>
#include <mutex>
#include <tuple>

#include "txmail/outbox/sqlite/migrations.h"

namespace txmail::outbox::sqlite {

Result<std::shared_ptr<SharedWriter>> shared_writer(const std::filesystem::path& path,
                                                    std::chrono::milliseconds busy_timeout,
                                                    GroupCommit::Options options) {
    using Key = std::tuple<std::string, std::size_t, bool>;
    static std::mutex mutex;
    static std::map<Key, std::weak_ptr<SharedWriter>> writers;

    std::error_code ignored;
    // Two spellings of one file must find one writer; a file not created yet has no canonical
    // name, and the absolute one serves.
    std::filesystem::path name = std::filesystem::weakly_canonical(path, ignored);
    if (name.empty())
        name = std::filesystem::absolute(path, ignored);
    const Key key{name.string(), options.max_batch, options.pipelined_sync};

    std::lock_guard lock(mutex);
    if (auto existing = writers[key].lock())
        return existing;
    // The group commit syncs the WAL itself once COMMIT has returned (group_commit.h), so the
    // writer's COMMIT need not wait for the disk. The writer is the connection that starts the
    // WAL again, so its limit is the one that cuts it back.
    constexpr std::int64_t wal_size_limit = 64LL << 20;
    auto connection =
        Connection::open(path, {busy_timeout, /*durable_commits=*/false, wal_size_limit});
    if (!connection)
        return fail(connection.error());
    if (auto migrated = migrate(**connection); !migrated)
        return fail(migrated.error());
    auto checkpointing = Connection::open(path, {busy_timeout});
    if (!checkpointing)
        return fail(checkpointing.error());
    auto writer =
        std::make_shared<SharedWriter>(std::move(*connection), std::move(*checkpointing), options);
    writers[key] = writer;
    std::erase_if(writers, [](const auto& entry) { return entry.second.expired(); });
    return writer;
}

Result<StoreFile> open_store_file(const std::filesystem::path& path,
                                  std::chrono::milliseconds busy_timeout,
                                  GroupCommit::Options options) {
    auto writer = shared_writer(path, busy_timeout, std::move(options));
    if (!writer)
        return fail(writer.error());
    auto reader = Connection::open(path, {busy_timeout});
    if (!reader)
        return fail(reader.error());
    return StoreFile{std::move(*writer), std::move(*reader)};
}

}  // namespace txmail::outbox::sqlite
