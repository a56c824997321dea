// Fan-out benchmark (issue 7): a ticker with N watchers (default 10,000); times the whole of
// `POST /v1/tickers/{symbol}/view-status` minus HTTP: read the watchers, render one message each,
// enqueue them all in one transaction. Run twice: on a SQLite outbox in a temp directory (what
// `txmail serve` does) and on the in-memory store (rendering alone, no disk), so the two costs can
// be told apart. Prints the median of 5 rounds of each.
//   build/bench/fanout_bench [watchers]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "txmail/config/settings.h"
#include "txmail/notify/renderer.h"
#include "txmail/outbox/store.h"
#include "txmail/service/contact_store.h"
#include "txmail/service/notifier.h"

using namespace txmail;

namespace {

constexpr int rounds = 5;

template <class T>
T must(Result<T> result) {
    if (!result) {
        std::fprintf(stderr, "fanout_bench: %s\n", result.error().describe().c_str());
        std::exit(1);
    }
    return std::move(*result);
}

// Median seconds of `rounds` fan-outs to every watcher of AAPL in `url`'s stores.
double median_fan_out(const std::string& url, const notify::Renderer& renderer, int watchers) {
    auto store = must(outbox::open_store(url));
    auto contacts = must(service::open_contact_store(url));
    for (int n = 0; n < watchers; ++n) {
        const std::string id = std::to_string(n);
        (void)must(contacts->upsert({id, "w" + id + "@example.com", "W " + id, {}, {}, {}}));
        if (auto set = contacts->set_watchlist(id, {"AAPL"}); !set)
            std::exit(1);
    }
    service::Notifier notifier(renderer, *store);
    std::vector<double> seconds;
    for (int round = 0; round < rounds; ++round) {
        const auto start = std::chrono::steady_clock::now();
        std::vector<service::Notification> batch;
        for (const auto& watcher : must(contacts->watchers("AAPL")))
            batch.push_back(
                {"view_status_changed",
                 {{"user", {{"id", watcher.id}, {"email", watcher.email}, {"name", watcher.name}}},
                  {"ticker", "AAPL"},
                  {"old_status", "BUY"},
                  {"new_status", "SELL"}},
                 "round" + std::to_string(round) + ":" + watcher.id});
        const auto queued = must(notifier.fan_out(batch));
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (queued.size() != static_cast<std::size_t>(watchers))
            std::exit(1);
    }
    std::ranges::sort(seconds);
    return seconds[rounds / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int watchers = argc > 1 ? std::atoi(argv[1]) : 10'000;
    std::string dir = (std::filesystem::temp_directory_path() / "txmail-fanout-XXXXXX");
    if (!::mkdtemp(dir.data()))
        return 1;
    const auto renderer = must(notify::Renderer::from_settings(config::Settings::from_map({})));
    const double sqlite = median_fan_out("sqlite:///" + dir + "/txmail.db", renderer, watchers);
    const double memory = median_fan_out("memory://", renderer, watchers);
    std::filesystem::remove_all(dir);
    std::printf(
        "fan-out of %d watchers, median of %d: SQLite outbox %.0f ms (%.1f us/message), "
        "in-memory store (render only) %.0f ms (%.1f us/message)\n",
        watchers, rounds, sqlite * 1000, sqlite * 1e6 / watchers, memory * 1000,
        memory * 1e6 / watchers);
    return 0;
}
