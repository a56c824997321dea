#include "txmail/service/retention.h"

#include "txmail/util/duration.h"
#include "txmail/util/thread_name.h"

namespace txmail::service {

Result<Purged> purge_before(outbox::Store& store, StripeWebhookLedger& ledger,
                            outbox::TimePoint before, std::stop_token stop) {
    Purged purged;
    auto messages = store.purge_finished(before, stop);
    if (!messages)
        return fail(messages.error());
    purged.messages = *messages;
    if (stop.stop_requested())
        return purged;
    auto requests = ledger.purge_requests(before, stop);
    if (!requests)
        return fail(requests.error());
    purged.webhook_requests = *requests;
    return purged;
}

namespace {

std::string counted(std::int64_t count, const std::string& noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace

std::string describe(const Purged& purged) {
    return counted(purged.messages, "finished message") + " and " +
           counted(purged.webhook_requests, "Stripe webhook request");
}

Result<std::optional<std::chrono::milliseconds>> retention_from(const config::Settings& settings) {
    const std::optional<std::string> value = settings.get("TXMAIL_RETENTION");
    if (!value)
        return std::optional<std::chrono::milliseconds>{};
    auto keep = parse_duration(*value, "TXMAIL_RETENTION");
    if (!keep)
        return fail(keep.error());
    if (auto long_enough = check_retention(*keep, "TXMAIL_RETENTION", *value); !long_enough)
        return fail(long_enough.error());
    return std::optional<std::chrono::milliseconds>{*keep};
}

Result<void> check_retention(std::chrono::milliseconds keep, const std::string& name,
                             const std::string& text) {
    if (keep >= shortest_retention)
        return {};
    return fail(Error::config(name, name + " must be at least " +
                                        format_duration(shortest_retention) + " (got \"" + text +
                                        "\"): a shorter one would delete messages before anyone "
                                        "could look at why they failed"));
}

void RetentionWorker::start() {
    thread_ = named_thread("retention", [this] { run(); });
}

void RetentionWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    purge_stop_.request_stop();
    stop_requested_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void RetentionWorker::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        const auto purged =
            purge_before(store_, ledger_, outbox::Clock::now() - keep_, purge_stop_.get_token());
        if (purged)
            report_("retention: purged " + describe(*purged) + " older than " +
                    format_duration(keep_));
        else
            report_("retention: the purge failed, tried again in " + format_duration(every_) +
                    ": " + purged.error().describe());
        lock.lock();
        stop_requested_.wait_for(lock, every_, [this] { return stopping_; });
    }
}

}  // namespace txmail::service
