// Fan-out benchmark (issue 7): a ticker with N watchers (default 10,000) in a SQLite outbox in a
// temp directory; times the whole of `POST /v1/tickers/{symbol}/view-status` minus HTTP: read the
// watchers, render one message each, enqueue them all in one transaction. Prints the median of 5.
//   build-*/fanout_bench [watchers]
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

template <class T>
T must(Result<T> result) {
    if (!result) {
        std::fprintf(stderr, "fanout_bench: %s\n", result.error().describe().c_str());
        std::exit(1);
    }
    return std::move(*result);
}

int main(int argc, char** argv) {
    const int watchers = argc > 1 ? std::atoi(argv[1]) : 10'000;
    std::string pattern = (std::filesystem::temp_directory_path() / "txmail-fanout-XXXXXX");
    if (!::mkdtemp(pattern.data()))
        return 1;
    const std::string url = "sqlite:///" + pattern + "/txmail.db";
    auto store = must(outbox::open_store(url));
    auto contacts = must(service::open_contact_store(url));
    for (int n = 0; n < watchers; ++n) {
        const std::string id = std::to_string(n);
        (void)must(contacts->upsert({id, "w" + id + "@example.com", "W " + id, {}, {}, {}}));
        if (auto set = contacts->set_watchlist(id, {"AAPL"}); !set)
            return 1;
    }
    const auto renderer = must(notify::Renderer::from_settings(config::Settings::from_map({})));
    service::Notifier notifier(renderer, *store);
    std::vector<double> seconds;
    for (int round = 0; round < 5; ++round) {
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
            return 1;
    }
    std::ranges::sort(seconds);
    std::printf(
        "fan-out of %d watchers (read, render, one transaction): median %.0f ms, "
        "min %.0f ms, max %.0f ms\n",
        watchers, seconds[2] * 1000, seconds[0] * 1000, seconds[4] * 1000);
    std::filesystem::remove_all(pattern);
    return 0;
}
