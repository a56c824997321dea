// Outbox end-to-end latency: a producer queues messages at a fixed rate (default 200/s) into a
// SQLite outbox (durable: synchronous=FULL, group commit) and notifies the dispatcher, whose
// workers deliver them over SMTP to postfix's smtp-sink with no rate limit. Latency is from the
// start of enqueue() to the server's 250 after DATA, per message; p50/p99/max are printed.
//
// `--direct` is the floor for comparison: the producer sends each message itself over one open
// SMTP connection at the same rate, with no outbox at all.
//
//   outbox_latency_bench --port P [--host H] [--rate 200] [--seconds 20] [--workers 2]
//                        [--database sqlite:///path.db] [--direct]
// Prints "mode=outbox sent=N of M p50_ms=... p90_ms=... p99_ms=... max_ms=...", and for the outbox
// a second line, mode=enqueue-only, with the durable enqueue's own share (commit and fsync).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "txmail/config/settings.h"
#include "txmail/mail/mime_writer.h"
#include "txmail/outbox/dispatcher.h"
#include "txmail/transport/backend.h"

namespace {

using namespace txmail;
using Steady = std::chrono::steady_clock;

struct Options {
    std::string host = "127.0.0.1";
    std::string port;
    double rate = 200;
    double seconds = 20;
    int workers = 2;
    std::string database;
    bool direct = false;
};

mail::RenderedMessage make_message(long index) {
    mail::Message message;
    message.from = *mail::Address::parse("Boritrader <noreply@txmail.test>", "from");
    message.to = {*mail::Address::parse("user@txmail.test", "to")};
    message.subject = "latency " + std::to_string(index);
    message.text = "A password-changed sized message body.\n";
    return *mail::prepare(message);
}

double percentile(std::vector<double> values, double p) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(rank, values.size() - 1)];
}

void report(const char* mode, const std::vector<double>& latencies_ms, long expected) {
    std::printf("mode=%s sent=%zu of %ld p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", mode,
                latencies_ms.size(), expected, percentile(latencies_ms, 0.50),
                percentile(latencies_ms, 0.90), percentile(latencies_ms, 0.99),
                percentile(latencies_ms, 1.0));
}

// Calls `tick(i)` at start + i / rate for i in [0, count).
template <class Tick>
void paced(long count, double rate, Tick tick) {
    const auto start = Steady::now();
    for (long i = 0; i < count; ++i) {
        std::this_thread::sleep_until(start + std::chrono::duration_cast<Steady::duration>(
                                                  std::chrono::duration<double>(i / rate)));
        tick(i);
    }
}

int run_direct(const config::Settings& settings, const Options& options, long count) {
    auto backend = transport::make_backend(settings);
    if (!backend) {
        std::cerr << backend.error().describe() << '\n';
        return 1;
    }
    std::vector<double> latencies;
    paced(count, options.rate, [&](long i) {
        const auto message = make_message(i);
        const auto started = Steady::now();
        if ((*backend)->send(message))
            latencies.push_back(
                std::chrono::duration<double, std::milli>(Steady::now() - started).count());
    });
    (*backend)->close();
    report("direct", latencies, count);
    return latencies.size() == static_cast<std::size_t>(count) ? 0 : 1;
}

// Timestamps each message the moment the server's 250 is back, before the dispatcher records
// the attempt: the latency measured is the delivery's, not the bookkeeping's.
class TimedBackend final : public transport::Backend {
  public:
    TimedBackend(std::unique_ptr<transport::Backend> inner, std::mutex& mutex,
                 std::map<std::string, Steady::time_point>& accepted_at)
        : inner_(std::move(inner)), mutex_(mutex), accepted_at_(accepted_at) {}
    std::string_view name() const override { return inner_->name(); }
    void close() override { inner_->close(); }
    std::vector<transport::SendResult> send_messages(
        std::span<const mail::RenderedMessage> messages) override {
        auto results = inner_->send_messages(messages);
        const auto now = Steady::now();
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < results.size() && i < messages.size(); ++i)
            if (results[i])
                accepted_at_[messages[i].message_id] = now;
        return results;
    }

  private:
    std::unique_ptr<transport::Backend> inner_;
    std::mutex& mutex_;
    std::map<std::string, Steady::time_point>& accepted_at_;
};

int run_outbox(const config::Settings& settings, const Options& options, long count) {
    auto store = outbox::open_store(options.database);
    if (!store) {
        std::cerr << store.error().describe() << '\n';
        return 1;
    }
    std::mutex mutex;
    std::condition_variable done;
    std::map<std::string, Steady::time_point> queued_at, accepted_at;
    std::vector<double> enqueue_ms;
    long completed = 0;

    outbox::DispatcherOptions dispatcher_options;
    dispatcher_options.workers = options.workers;
    outbox::Dispatcher dispatcher(
        **store,
        [&]() -> Result<std::unique_ptr<transport::Backend>> {
            auto backend = transport::make_backend(settings);
            if (!backend)
                return fail(backend.error());
            return std::make_unique<TimedBackend>(std::move(*backend), mutex, accepted_at);
        },
        dispatcher_options);
    dispatcher.set_observer(
        [&](const outbox::StoredMessage&, const outbox::Attempt&, const outbox::Outcome&) {
            std::lock_guard lock(mutex);
            ++completed;
            done.notify_all();
        });
    if (auto started = dispatcher.start(); !started) {
        std::cerr << started.error().describe() << '\n';
        return 1;
    }
    // Prepared beforehand: rendering is not what is measured.
    std::vector<outbox::NewMessage> messages;
    for (long i = 0; i < count; ++i)
        messages.push_back({.event = "password_changed",
                            .message = make_message(i),
                            .priority = outbox::priority::high});
    paced(count, options.rate, [&](long i) {
        const auto& message = messages[static_cast<std::size_t>(i)];
        const auto started = Steady::now();
        {
            std::lock_guard lock(mutex);
            queued_at[message.message.message_id] = started;
        }
        auto queued = (*store)->enqueue(message);
        const auto committed = Steady::now();
        if (!queued) {
            std::cerr << queued.error().describe() << '\n';
            return;
        }
        dispatcher.notify();
        enqueue_ms.push_back(
            std::chrono::duration<double, std::milli>(committed - started).count());
    });
    {
        std::unique_lock lock(mutex);
        done.wait_for(lock, std::chrono::seconds(30), [&] { return completed >= count; });
    }
    dispatcher.stop();
    std::vector<double> latencies;
    for (const auto& [id, at] : accepted_at)
        latencies.push_back(std::chrono::duration<double, std::milli>(at - queued_at[id]).count());
    report("outbox", latencies, count);
    report("enqueue-only", enqueue_ms, count);
    return latencies.size() == static_cast<std::size_t>(count) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--host")
            options.host = value();
        else if (arg == "--port")
            options.port = value();
        else if (arg == "--rate")
            options.rate = std::stod(value());
        else if (arg == "--seconds")
            options.seconds = std::stod(value());
        else if (arg == "--workers")
            options.workers = std::stoi(value());
        else if (arg == "--database")
            options.database = value();
        else if (arg == "--direct")
            options.direct = true;
        else {
            std::cerr << "outbox_latency_bench: unknown argument " << arg << '\n';
            return 2;
        }
    }
    if (options.port.empty() || (!options.direct && options.database.empty())) {
        std::cerr << "outbox_latency_bench: --port and (unless --direct) --database are needed\n";
        return 2;
    }
    const auto settings = config::Settings::from_map(
        {{"EMAIL_BACKEND", "smtp"}, {"EMAIL_HOST", options.host}, {"EMAIL_PORT", options.port}});
    const long count = static_cast<long>(options.rate * options.seconds);
    return options.direct ? run_direct(settings, options, count)
                          : run_outbox(settings, options, count);
}
