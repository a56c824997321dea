#include "txmail/service/memory_stripe_webhook_ledger.h"

#include <algorithm>
#include <ranges>

#include "txmail/util/strings.h"

namespace txmail::service {

std::int64_t MemoryStripeWebhookLedger::insert_request(const WebhookRequest& request) {
    const std::int64_t id = requests_.empty() ? 1 : requests_.rbegin()->first + 1;
    requests_[id] = request;
    requests_[id].id = id;
    return id;
}

Result<std::int64_t> MemoryStripeWebhookLedger::record_request(const WebhookRequest& request) {
    std::lock_guard lock(mutex_);
    return insert_request(request);
}

Result<std::vector<WebhookRequest>> MemoryStripeWebhookLedger::requests(
    const WebhookRequestFilter& filter) {
    std::lock_guard lock(mutex_);
    std::vector<WebhookRequest> newest_first;
    for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
        if (newest_first.size() >= filter.limit)
            break;
        if (filter.before_id && it->first >= *filter.before_id)
            continue;
        if (filter.event_id && it->second.event_id != *filter.event_id)
            continue;
        newest_first.push_back(it->second);
    }
    return newest_first;
}

Result<RecordedRequest> MemoryStripeWebhookLedger::store_event_and_record(
    const StripeEventRecord& record, const WebhookRequest& request,
    WebhookClock::time_point stale_before) {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = events_.try_emplace(record.event_id, record);
    if (!inserted && is_stale_claim(it->second, stale_before)) {
        it->second = record;
        inserted = true;
    }
    if (inserted)
        return RecordedRequest{insert_request(request), true};
    WebhookRequest redelivery = request;
    const bool in_progress = mark_redelivery(redelivery, it->second);
    return RecordedRequest{insert_request(redelivery), false, in_progress};
}

// Due first, then in the order they arrived, as SQLite's index (claimed_at, rowid) gives them.
Result<std::vector<ReceivedEvent>> MemoryStripeWebhookLedger::received_events(
    WebhookClock::time_point now, std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<WebhookClock::time_point, ReceivedEvent>> due;
    for (const auto& [id, request] : requests_) {
        if (request.outcome != stripe_event_status::received)
            continue;
        auto event = events_.find(request.event_id);
        if (event != events_.end() && event->second.status == stripe_event_status::received &&
            event->second.claimed_at <= now)
            due.push_back({event->second.claimed_at, {request.event_id, id, request.body}});
    }
    std::ranges::stable_sort(due, {}, [](const auto& entry) { return entry.first; });
    std::vector<ReceivedEvent> oldest;
    for (auto& entry : due | std::views::take(limit))
        oldest.push_back(std::move(entry.second));
    return oldest;
}

Result<std::int64_t> MemoryStripeWebhookLedger::count_received() {
    std::lock_guard lock(mutex_);
    return std::ranges::count(events_ | std::views::values, stripe_event_status::received,
                              &StripeEventRecord::status);
}

Result<bool> MemoryStripeWebhookLedger::finish_received(const StripeEventRecord& record,
                                                        std::int64_t request_id,
                                                        std::string_view request_outcome) {
    std::lock_guard lock(mutex_);
    auto event = events_.find(record.event_id);
    if (event == events_.end() || event->second.status != stripe_event_status::received)
        return false;
    StripeEventRecord& stored = event->second;
    stored.status = record.status;
    stored.result = record.result;
    stored.customer_id = record.customer_id;
    stored.message_ids = record.message_ids;
    stored.payload = record.payload;
    stored.claimed_at = record.claimed_at;
    stored.for_user_id = record.for_user_id;
    stored.for_email = record.for_email;
    if (auto request = requests_.find(request_id); request != requests_.end()) {
        request->second.outcome = request_outcome;
        request->second.reason = record.result;
        request->second.message_ids = record.message_ids;
    }
    return true;
}

Result<bool> MemoryStripeWebhookLedger::claim_pending(const std::string& event_id,
                                                      WebhookClock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = events_.find(event_id);
    if (it == events_.end() || it->second.status != stripe_event_status::pending_customer)
        return false;
    it->second.status = stripe_event_status::processing;
    it->second.claimed_at = now;
    return true;
}

Result<void> MemoryStripeWebhookLedger::finish_event(const StripeEventRecord& record,
                                                     std::string_view request_outcome) {
    std::lock_guard lock(mutex_);
    auto it = events_.find(record.event_id);
    if (it == events_.end())
        return fail(Error::internal("Stripe event " + record.event_id + " was never stored"));
    StripeEventRecord& stored = it->second;
    stored.status = record.status;
    stored.result = record.result;
    stored.customer_id = record.customer_id;
    stored.message_ids = record.message_ids;
    stored.for_user_id = record.for_user_id;
    stored.for_email = record.for_email;
    for (auto& [id, request] : requests_) {
        if (request.event_id == record.event_id &&
            request.outcome == stripe_event_status::pending_customer) {
            request.outcome = request_outcome;
            request.reason = record.result;
            request.message_ids = record.message_ids;
        }
    }
    return {};
}

Result<std::optional<StripeEventRecord>> MemoryStripeWebhookLedger::find_event(
    const std::string& event_id) {
    std::lock_guard lock(mutex_);
    auto it = events_.find(event_id);
    if (it == events_.end())
        return std::optional<StripeEventRecord>{};
    return std::optional<StripeEventRecord>{it->second};
}

Result<std::vector<StripeEventRecord>> MemoryStripeWebhookLedger::pending_for_customer(
    const std::string& customer_id) {
    std::lock_guard lock(mutex_);
    std::vector<StripeEventRecord> pending;
    for (const auto& [id, stored] : events_)
        if (stored.status == stripe_event_status::pending_customer &&
            stored.customer_id == customer_id)
            pending.push_back(stored);
    std::ranges::stable_sort(pending, {}, &StripeEventRecord::created);
    return pending;
}

Result<std::vector<StripeEventRecord>> MemoryStripeWebhookLedger::pending_for_user(
    const std::string& user_id, const std::string& email) {
    std::lock_guard lock(mutex_);
    std::vector<StripeEventRecord> pending;
    for (const auto& [id, stored] : events_)
        if (stored.status == stripe_event_status::pending_customer &&
            ((!user_id.empty() && stored.for_user_id == user_id) ||
             (!email.empty() && iequals_ascii(stored.for_email, email))))
            pending.push_back(stored);
    std::ranges::stable_sort(pending, {}, &StripeEventRecord::created);
    return pending;
}

Result<bool> MemoryStripeWebhookLedger::advance_subscription(const std::string& subscription_id,
                                                             std::int64_t created, bool deletes) {
    std::lock_guard lock(mutex_);
    SubscriptionState& state = subscriptions_[subscription_id];
    if (!state.admits(created, deletes))
        return false;
    state.last_created = std::max(state.last_created, created);
    state.deleted = state.deleted || deletes;
    return true;
}

Result<std::optional<SubscriptionState>> MemoryStripeWebhookLedger::subscription(
    const std::string& subscription_id) {
    std::lock_guard lock(mutex_);
    auto it = subscriptions_.find(subscription_id);
    if (it == subscriptions_.end())
        return std::optional<SubscriptionState>{};
    return std::optional<SubscriptionState>{it->second};
}

// One pass under the mutex: nothing to stop between.
Result<std::int64_t> MemoryStripeWebhookLedger::purge_requests(
    WebhookClock::time_point received_before, std::stop_token) {
    std::lock_guard lock(mutex_);
    std::int64_t purged = 0;
    for (auto request = requests_.begin(); request != requests_.end();) {
        if (request->second.received_at >= received_before)
            break;
        if (request->second.outcome == stripe_event_status::received) {
            ++request;
            continue;
        }
        request = requests_.erase(request);
        ++purged;
    }
    return purged;
}

}  // namespace txmail::service
