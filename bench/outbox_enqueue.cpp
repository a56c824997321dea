// Durable enqueues per second into the SQLite outbox: P producer threads enqueue N rendered
// messages of about 4 KB in total, each call returning only once its row is committed
// (synchronous=FULL). --no-group-commit gives each enqueue its own transaction and fsync, the
// naive baseline that bench/run-outbox-enqueue.sh runs side by side.
//
// --print-ids writes each id to stdout as soon as its enqueue has returned (the crash test in
// tests/integration/test_outbox_store.py kills this process with SIGKILL and checks that every
// printed id is in the database); --messages 0 then enqueues until killed.
//
//   outbox_enqueue --producers 16 --messages 20000 --db /path/outbox.db [--no-group-commit]
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <latch>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_message.h"
#include "txmail/outbox/sqlite/sqlite_store.h"

namespace {

using namespace txmail;

struct Options {
    int producers = 1;
    long messages = 10'000;  // 0: until killed
    std::string db;
    bool group_commit = true;
    bool print_ids = false;
    std::size_t size = 4096;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "outbox_enqueue: %s\nusage: outbox_enqueue --producers P --messages N --db PATH "
                 "[--no-group-commit] [--print-ids] [--size BYTES]\n",
                 problem.c_str());
    std::exit(2);
}

long number(std::string_view flag, const char* text) {
    long value = 0;
    const std::string_view digits(text);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc{} || end != digits.data() + digits.size() || value < 0)
        usage(std::string(flag) + " wants a non-negative number, not \"" + text + "\"");
    return value;
}

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc)
                usage(std::string(arg) + " needs a value");
            return argv[++i];
        };
        if (arg == "--producers")
            options.producers = static_cast<int>(number(arg, value()));
        else if (arg == "--messages")
            options.messages = number(arg, value());
        else if (arg == "--db")
            options.db = value();
        else if (arg == "--size")
            options.size = static_cast<std::size_t>(number(arg, value()));
        else if (arg == "--no-group-commit")
            options.group_commit = false;
        else if (arg == "--print-ids")
            options.print_ids = true;
        else
            usage("unknown argument " + std::string(arg));
    }
    if (options.db.empty())
        usage("--db is required");
    if (options.producers < 1)
        usage("--producers must be at least 1");
    return options;
}

void print_id(outbox::MessageId id) {
    // One write(2) per line: atomic on a pipe, and nothing waits in a stdio buffer at SIGKILL.
    char line[32];
    auto [end, error] = std::to_chars(line, line + sizeof line - 1, id);
    *end++ = '\n';
    if (::write(STDOUT_FILENO, line, static_cast<std::size_t>(end - line)) < 0)
        std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    outbox::sqlite::SqliteOptions store_options;
    store_options.group_commit = options.group_commit;
    auto store = outbox::sqlite::SqliteStore::open(options.db, store_options);
    if (!store) {
        std::fprintf(stderr, "outbox_enqueue: %s\n", store.error().describe().c_str());
        return 1;
    }

    std::atomic<bool> failed = false;
    std::latch start(options.producers + 1);
    std::vector<std::thread> producers;
    for (int p = 0; p < options.producers; ++p) {
        const long share = options.messages / options.producers +
                           (p < options.messages % options.producers ? 1 : 0);
        producers.emplace_back([&, p, share] {
            start.arrive_and_wait();
            for (long i = 0; options.messages == 0 || i < share; ++i) {
                auto enqueued = (*store)->enqueue(bench::bench_message(
                    std::to_string(p) + "-" + std::to_string(i), options.size));
                if (!enqueued) {
                    std::fprintf(stderr, "outbox_enqueue: %s\n",
                                 enqueued.error().describe().c_str());
                    failed = true;
                    return;
                }
                if (options.print_ids)
                    print_id(enqueued->id);
            }
        });
    }
    start.arrive_and_wait();
    const auto began = std::chrono::steady_clock::now();
    for (auto& producer : producers)
        producer.join();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - began;
    if (failed)
        return 1;

    std::FILE* report = options.print_ids ? stderr : stdout;
    std::fprintf(report,
                 "producers=%d messages=%ld group_commit=%s seconds=%.3f enqueues_per_second=%.0f "
                 "transactions=%llu\n",
                 options.producers, options.messages, options.group_commit ? "on" : "off",
                 took.count(), static_cast<double>(options.messages) / took.count(),
                 static_cast<unsigned long long>((*store)->transactions()));
    return 0;
}
