// One lease from a SQLite outbox with a backlog, side by side for the two definitions of the
// index the lease walks (messages_due): migration 4's, which carries the columns the walk tests
// (status, due time, lease end, sender), and migration 3's, which carried only the lease order.
// Two leases are timed:
//   blocked  the backlog's one sender is excluded (out of tokens under Microsoft 365's 30 a
//            minute, or paused): the walk passes every row and leases nothing. The dispatcher
//            makes this lease after each send, and at each idle wake-up, while its sender waits.
//   free     nothing excluded: one message is leased (and released again, so the backlog stays).
// The backlog is one database; the index is swapped between rounds (DROP, CREATE), so both
// definitions see the same rows, page cache and machine. Prints the medians of every round.
//
//   outbox_lease --db PATH [--messages 10000] [--size 6000] [--rounds 5] [--leases 20]
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bench_message.h"
#include "txmail/outbox/sqlite/migrations.h"
#include "txmail/outbox/sqlite/sqlite_store.h"

namespace {

using namespace txmail;
using namespace std::chrono_literals;

struct Options {
    std::string db;
    long messages = 10'000;
    long size = 6'000;  // a rendered notification with its HTML part
    long rounds = 5;
    long leases = 20;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "outbox_lease: %s\nusage: outbox_lease --db PATH [--messages N] [--size BYTES] "
                 "[--rounds R] [--leases L]\n",
                 problem.c_str());
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            usage(std::string(arg) + " needs a value");
        const std::string_view text = argv[++i];
        if (arg == "--db") {
            options.db = text;
            continue;
        }
        long* target = arg == "--messages" ? &options.messages
                       : arg == "--size"   ? &options.size
                       : arg == "--rounds" ? &options.rounds
                       : arg == "--leases" ? &options.leases
                                           : nullptr;
        if (!target)
            usage("unknown argument " + std::string(arg));
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *target);
        if (error != std::errc{} || end != text.data() + text.size() || *target < 1)
            usage(std::string(arg) + " wants a positive number, not \"" + std::string(text) + "\"");
    }
    if (options.db.empty())
        usage("--db is required");
    return options;
}

[[noreturn]] void stop(const std::string& problem) {
    std::fprintf(stderr, "outbox_lease: %s\n", problem.c_str());
    std::exit(1);
}

struct IndexDefinition {
    const char* name;
    std::string sql;  // drops messages_due and creates it again
};

// The definition the service runs is migration 4's own SQL, so the figures follow it if it
// changes; migration 3's (the index as migration 1 created it) is history and stays as it was.
std::vector<IndexDefinition> index_definitions() {
    const auto all = outbox::sqlite::migrations();
    const auto fourth = std::ranges::find(all, 4, &outbox::sqlite::Migration::version);
    if (fourth == all.end())
        stop("this build has no migration 4");
    return {{"migration 4 (tested in the index)", std::string(fourth->sql)},
            {"migration 3 (order only)",
             "DROP INDEX messages_due; CREATE INDEX messages_due ON messages (priority DESC, "
             "created_at, id) WHERE status IN ('queued', 'retry', 'sending');"}};
}

void define_index(const std::string& db, const IndexDefinition& definition) {
    sqlite3* connection = nullptr;
    char* error = nullptr;
    if (sqlite3_open(db.c_str(), &connection) != SQLITE_OK ||
        sqlite3_exec(connection, definition.sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        stop(std::string("cannot define the index: ") +
             (error ? error : sqlite3_errmsg(connection)));
    }
    sqlite3_close(connection);
}

template <typename T>
T check(Result<T> result) {
    if (!result)
        stop(result.error().describe());
    if constexpr (!std::is_void_v<T>)
        return std::move(*result);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    const std::string sender = "noreply@example.com";
    {
        auto store = check(outbox::sqlite::SqliteStore::open(options.db));
        std::vector<outbox::NewMessage> batch;
        for (long i = 0; i < options.messages; ++i) {
            batch.push_back(bench::bench_message(std::to_string(i), options.size));
            if (batch.size() == 1000 || i + 1 == options.messages) {
                check(store->enqueue_batch(batch));
                batch.clear();
            }
        }
    }

    const std::vector<IndexDefinition> definitions = index_definitions();
    std::vector<double> blocked[2], free[2];
    for (long round = 0; round < options.rounds; ++round) {
        for (int d = 0; d < 2; ++d) {
            define_index(options.db, definitions[d]);
            auto store = check(outbox::sqlite::SqliteStore::open(options.db));
            const auto now = outbox::Clock::now() + 1min;
            // One lease, its time added to `samples`.
            auto timed_lease = [&](const std::set<std::string>& excluded,
                                   std::vector<double>& samples) {
                const auto began = std::chrono::steady_clock::now();
                auto leased = check(store->lease_due("bench/1", now, 2min, 1, excluded));
                samples.push_back(std::chrono::duration<double, std::micro>(
                                      std::chrono::steady_clock::now() - began)
                                      .count());
                return leased;
            };
            for (long i = 0; i < options.leases; ++i) {
                if (!timed_lease({sender}, blocked[d]).empty())
                    stop("a lease with the only sender excluded leased a message");
                auto one = timed_lease({}, free[d]);
                if (one.size() != 1)
                    stop("a lease with nothing excluded leased no message");
                // Released as the dispatcher releases a message it may not send: still due.
                check(store->complete(one[0].id, "bench/1", std::nullopt,
                                      {outbox::Outcome::Kind::release, {}, "bench"}));
            }
        }
    }
    std::printf(
        "outbox lease: %ld messages of %ld bytes from one sender, %ld rounds of %ld "
        "leases, medians in microseconds\n",
        options.messages, options.size, options.rounds, options.leases);
    std::printf("%-36s %12s %12s\n", "messages_due", "blocked", "free");
    for (int d = 0; d < 2; ++d)
        std::printf("%-36s %12.0f %12.0f\n", definitions[d].name, median(blocked[d]),
                    median(free[d]));
    std::printf("ratio (migration 3 / migration 4)     %11.1fx %11.2fx\n",
                median(blocked[1]) / median(blocked[0]), median(free[1]) / median(free[0]));
    return 0;
}
