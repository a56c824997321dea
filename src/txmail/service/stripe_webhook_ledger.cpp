#include "txmail/service/stripe_webhook_ledger.h"

#include <algorithm>

namespace txmail::service {

Result<std::int64_t> MemoryStripeWebhookLedger::record_request(const WebhookRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    requests_.back().id = static_cast<std::int64_t>(requests_.size());
    return requests_.back().id;
}

Result<std::vector<WebhookRequest>> MemoryStripeWebhookLedger::requests(std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<WebhookRequest> newest_first(requests_.rbegin(), requests_.rend());
    if (newest_first.size() > limit)
        newest_first.resize(limit);
    return newest_first;
}

Result<std::optional<StripeEventRecord>> MemoryStripeWebhookLedger::find_event(
    const std::string& event_id) {
    std::lock_guard lock(mutex_);
    auto found = events_.find(event_id);
    if (found == events_.end())
        return std::optional<StripeEventRecord>{};
    return std::optional<StripeEventRecord>{found->second};
}

Result<void> MemoryStripeWebhookLedger::save_event(const StripeEventRecord& record) {
    std::lock_guard lock(mutex_);
    events_[record.event_id] = record;
    return {};
}

Result<std::vector<StripeEventRecord>> MemoryStripeWebhookLedger::pending_for_customer(
    const std::string& customer_id) {
    std::lock_guard lock(mutex_);
    std::vector<StripeEventRecord> pending;
    for (const auto& [id, record] : events_)
        if (record.status == stripe_event_status::pending_customer &&
            record.customer_id == customer_id)
            pending.push_back(record);
    std::ranges::stable_sort(pending, {}, &StripeEventRecord::created);
    return pending;
}

Result<std::optional<SubscriptionState>> MemoryStripeWebhookLedger::subscription(
    const std::string& subscription_id) {
    std::lock_guard lock(mutex_);
    auto found = subscriptions_.find(subscription_id);
    if (found == subscriptions_.end())
        return std::optional<SubscriptionState>{};
    return std::optional<SubscriptionState>{found->second};
}

Result<void> MemoryStripeWebhookLedger::save_subscription(const std::string& subscription_id,
                                                          const SubscriptionState& state) {
    std::lock_guard lock(mutex_);
    subscriptions_[subscription_id] = state;
    return {};
}

}  // namespace txmail::service
