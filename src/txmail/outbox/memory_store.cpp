#include "txmail/outbox/memory_store.h"

#include <algorithm>

#include "txmail/outbox/lifecycle.h"
#include "txmail/util/strings.h"

namespace txmail::outbox {

namespace {

bool has_recipient(const StoredMessage& message, std::string_view recipient) {
    const auto& recipients = message.message.envelope.recipients;
    return std::ranges::any_of(
        recipients, [&](const std::string& each) { return iequals_ascii(each, recipient); });
}

bool due_first(const StoredMessage& a, const StoredMessage& b) {
    if (a.priority != b.priority)
        return a.priority > b.priority;
    if (a.created_at != b.created_at)
        return a.created_at < b.created_at;
    return a.id < b.id;
}

}  // namespace

Result<void> MemoryStore::check_keys(std::span<const NewMessage> messages) const {
    // The keys the batch itself stores before each message, with the ids they would get.
    std::map<std::string_view, KeyedMessage> earlier;
    for (const auto& message : messages) {
        if (!message.idempotency_key)
            continue;
        const KeyedMessage* seen = nullptr;
        if (auto it = by_idempotency_key_.find(*message.idempotency_key);
            it != by_idempotency_key_.end())
            seen = &it->second;
        else if (auto in_batch = earlier.find(*message.idempotency_key); in_batch != earlier.end())
            seen = &in_batch->second;
        if (!seen) {
            const MessageId id = next_id_ + static_cast<MessageId>(earlier.size());
            earlier.emplace(*message.idempotency_key, KeyedMessage{id, message.request_digest});
        } else if (auto same = check_same_request(message.request_digest, *seen); !same) {
            return fail(same.error());
        }
    }
    return {};
}

Enqueued MemoryStore::insert(const NewMessage& message, TimePoint now) {
    if (message.idempotency_key) {
        if (auto seen = by_idempotency_key_.find(*message.idempotency_key);
            seen != by_idempotency_key_.end())
            return {seen->second.id, false};
    }
    const MessageId id = next_id_++;
    StoredMessage& stored = rows_[id].message;
    stored.id = id;
    stored.event = message.event;
    stored.status = Status::queued;
    stored.priority = message.priority;
    stored.message = message.message;
    stored.idempotency_key = message.idempotency_key;
    stored.created_at = now;
    stored.next_attempt_at = message.not_before ? truncate_to_ms(*message.not_before) : now;
    if (message.idempotency_key)
        by_idempotency_key_.emplace(*message.idempotency_key,
                                    KeyedMessage{id, message.request_digest});
    return {id, true};
}

StoredMessage MemoryStore::snapshot(const Row& row) {
    StoredMessage copy = row.message;
    if (!row.attempts.empty())
        copy.last_attempt = row.attempts.back();
    return copy;
}

Result<Enqueued> MemoryStore::enqueue(const NewMessage& message) {
    if (auto valid = validate(message); !valid)
        return fail(valid.error());
    std::lock_guard lock(mutex_);
    if (auto keys = check_keys({&message, 1}); !keys)
        return fail(keys.error());
    return insert(message, truncate_to_ms(Clock::now()));
}

Result<std::vector<Enqueued>> MemoryStore::enqueue_batch(std::span<const NewMessage> messages) {
    // All or nothing: everything that can fail is checked before the first row goes in.
    for (const auto& message : messages)
        if (auto valid = validate(message); !valid)
            return fail(valid.error());
    std::lock_guard lock(mutex_);
    if (auto keys = check_keys(messages); !keys)
        return fail(keys.error());
    const TimePoint now = truncate_to_ms(Clock::now());
    std::vector<Enqueued> out;
    out.reserve(messages.size());
    for (const auto& message : messages)
        out.push_back(insert(message, now));
    return out;
}

Result<std::vector<StoredMessage>> MemoryStore::lease_due(const std::string& worker, TimePoint now,
                                                          std::chrono::milliseconds lease_for,
                                                          std::size_t max,
                                                          const std::set<std::string>& paused) {
    now = truncate_to_ms(now);
    std::lock_guard lock(mutex_);
    std::vector<Row*> due;
    for (auto& [id, row] : rows_) {
        const StoredMessage& m = row.message;
        if (is_due(m.status, m.next_attempt_at, m.lease_until, now) &&
            !paused.contains(m.message.envelope.sender))
            due.push_back(&row);
    }
    const std::size_t count = std::min(max, due.size());
    std::partial_sort(due.begin(), due.begin() + static_cast<std::ptrdiff_t>(count), due.end(),
                      [](const Row* a, const Row* b) { return due_first(a->message, b->message); });
    std::vector<StoredMessage> leased;
    leased.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        StoredMessage& m = due[i]->message;
        if (m.status == Status::sending)
            m.last_error = lease_expired_note(m.lease_owner, *m.lease_until);
        m.status = Status::sending;
        m.lease_owner = worker;
        m.lease_until = now + lease_for;
        leased.push_back(snapshot(*due[i]));
    }
    return leased;
}

Result<void> MemoryStore::complete(MessageId id, const std::string& worker,
                                   const std::optional<Attempt>& attempt, const Outcome& outcome) {
    std::lock_guard lock(mutex_);
    auto found = rows_.find(id);
    if (found == rows_.end())
        return fail(message_not_found(id));
    Row& row = found->second;
    StoredMessage& m = row.message;
    if (m.status != Status::sending || m.lease_owner != worker)
        return fail(lease_not_held(id, worker, m.status, m.lease_owner));
    if (attempt) {
        Attempt kept = *attempt;
        kept.number = ++m.attempt_count;
        kept.started_at = truncate_to_ms(kept.started_at);
        kept.duration = kept.stored_duration();
        row.attempts.push_back(std::move(kept));
    }
    Transition next = transition_for(outcome, attempt, m.attempt_count, m.last_error);
    m.status = next.status;
    if (next.next_attempt_at)
        m.next_attempt_at = *next.next_attempt_at;
    m.last_error = std::move(next.last_error);
    m.lease_owner.clear();
    m.lease_until.reset();
    return {};
}

Result<std::optional<KeyedMessage>> MemoryStore::find_by_idempotency_key(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto seen = by_idempotency_key_.find(key);
    if (seen == by_idempotency_key_.end())
        return std::optional<KeyedMessage>{};
    return std::optional<KeyedMessage>{seen->second};
}

Result<std::optional<StoredMessage>> MemoryStore::get(MessageId id) {
    std::lock_guard lock(mutex_);
    auto found = rows_.find(id);
    if (found == rows_.end())
        return std::optional<StoredMessage>{};
    return std::optional<StoredMessage>{snapshot(found->second)};
}

Result<std::vector<Attempt>> MemoryStore::attempts(MessageId id) {
    std::lock_guard lock(mutex_);
    auto found = rows_.find(id);
    if (found == rows_.end())
        return std::vector<Attempt>{};
    return found->second.attempts;
}

Result<std::vector<StoredMessage>> MemoryStore::list(const ListFilter& filter) {
    std::lock_guard lock(mutex_);
    std::vector<StoredMessage> out;
    auto it = filter.after_id ? rows_.upper_bound(*filter.after_id) : rows_.begin();
    for (; it != rows_.end() && out.size() < filter.limit; ++it) {
        const StoredMessage& m = it->second.message;
        if (filter.status && m.status != *filter.status)
            continue;
        if (filter.event && m.event != *filter.event)
            continue;
        if (filter.recipient && !has_recipient(m, *filter.recipient))
            continue;
        out.push_back(snapshot(it->second));
    }
    return out;
}

Result<Stats> MemoryStore::stats() {
    std::lock_guard lock(mutex_);
    Stats stats;
    for (Status status : all_statuses)
        stats.by_status.emplace_back(status, 0);
    for (const auto& [id, row] : rows_) {
        const StoredMessage& m = row.message;
        ++stats.by_status[static_cast<std::size_t>(m.status)].second;
        const bool unfinished =
            m.status == Status::queued || m.status == Status::retry || m.status == Status::sending;
        if (unfinished && (!stats.oldest_queued || m.created_at < *stats.oldest_queued))
            stats.oldest_queued = m.created_at;
    }
    for (const auto& [sender, pause] : pauses_)
        stats.paused_senders.push_back(pause);
    return stats;
}

Result<std::vector<std::pair<Status, std::int64_t>>> MemoryStore::count(
    std::span<const Status> statuses) {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<Status, std::int64_t>> counts;
    for (Status status : statuses)
        counts.emplace_back(status, std::ranges::count_if(rows_, [&](const auto& entry) {
                                return entry.second.message.status == status;
                            }));
    return counts;
}

// One pass under the mutex: nothing to stop between.
Result<std::int64_t> MemoryStore::purge_finished(TimePoint created_before, std::stop_token) {
    std::lock_guard lock(mutex_);
    std::int64_t purged = 0;
    for (auto row = rows_.begin(); row != rows_.end();) {
        const StoredMessage& m = row->second.message;
        if (m.created_at >= created_before)
            break;
        if (!is_finished(m.status)) {
            ++row;
            continue;
        }
        if (m.idempotency_key)
            by_idempotency_key_.erase(*m.idempotency_key);
        row = rows_.erase(row);
        ++purged;
    }
    return purged;
}

Result<void> MemoryStore::retry(MessageId id, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto found = rows_.find(id);
    if (found == rows_.end())
        return fail(message_not_found(id));
    StoredMessage& m = found->second.message;
    if (auto allowed = check_can_retry(id, m.status); !allowed)
        return allowed;
    m.status = m.attempt_count > 0 ? Status::retry : Status::queued;
    m.next_attempt_at = truncate_to_ms(now);
    return {};
}

Result<void> MemoryStore::cancel(MessageId id, const std::string& reason) {
    std::lock_guard lock(mutex_);
    auto found = rows_.find(id);
    if (found == rows_.end())
        return fail(message_not_found(id));
    StoredMessage& m = found->second.message;
    if (auto allowed = check_can_cancel(id, m.status); !allowed)
        return allowed;
    m.status = Status::canceled;
    m.last_error = cancel_note(reason);
    return {};
}

Result<std::optional<TimePoint>> MemoryStore::next_due() {
    std::lock_guard lock(mutex_);
    std::optional<TimePoint> earliest;
    for (const auto& [id, row] : rows_) {
        const StoredMessage& m = row.message;
        std::optional<TimePoint> when;
        if (m.status == Status::queued || m.status == Status::retry)
            when = m.next_attempt_at;
        else if (m.status == Status::sending)
            when = m.lease_until;
        if (when && (!earliest || *when < *earliest))
            earliest = when;
    }
    return earliest;
}

Result<void> MemoryStore::pause_sender(const SenderPause& pause) {
    std::lock_guard lock(mutex_);
    SenderPause kept = pause;
    kept.until = truncate_to_ms(pause.until);
    pauses_.insert_or_assign(pause.sender, std::move(kept));
    return {};
}

Result<void> MemoryStore::resume_sender(const std::string& sender) {
    std::lock_guard lock(mutex_);
    pauses_.erase(sender);
    return {};
}

Result<std::vector<SenderPause>> MemoryStore::sender_pauses() {
    std::lock_guard lock(mutex_);
    std::vector<SenderPause> out;
    for (const auto& [sender, pause] : pauses_)
        out.push_back(pause);
    return out;
}

}  // namespace txmail::outbox
