#include "txmail/service/sqlite_stripe_webhook_ledger.h"

#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/sqlite/oldest_rows_purge.h"
#include "txmail/outbox/sqlite/rows.h"
#include "txmail/util/wait_for_answer.h"

namespace txmail::service {
namespace {

using outbox::sqlite::Statement;

std::string ids_json(const std::vector<std::int64_t>& ids) {
    return nlohmann::json(ids).dump();
}

std::vector<std::int64_t> ids_from(const std::string& text) {
    return nlohmann::json::parse(text, nullptr, false).get<std::vector<std::int64_t>>();
}

// What the request carried lives in stripe_webhook_request_contents (c), apart from the row (r)
// its outcome later rewrites (migration 6).
constexpr std::string_view request_columns =
    "r.id, r.received_at, r.source_ip, c.headers, c.body, r.valid, r.reason, r.event_id, "
    "r.event_type, r.outcome, r.message_ids";

WebhookRequest read_request(const Statement& row) {
    WebhookRequest request;
    request.id = row.integer(0);
    request.received_at = outbox::from_unix_ms(row.integer(1));
    request.source_ip = row.text(2);
    request.headers = nlohmann::json::parse(row.text(3), nullptr, false);
    request.body = row.blob(4);
    request.valid = row.integer(5) != 0;
    request.reason = row.text(6);
    request.event_id = row.text(7);
    request.event_type = row.text(8);
    request.outcome = row.text(9);
    request.message_ids = ids_from(row.text(10));
    return request;
}

constexpr std::string_view event_columns =
    "id, type, created, customer_id, status, result, message_ids, payload, claimed_at, "
    "for_user_id, for_email";

StripeEventRecord read_event(const Statement& row) {
    return {row.text(0),           row.text(1), row.integer(2),
            row.text(3),           row.text(4), row.text(5),
            ids_from(row.text(6)), row.blob(7), outbox::from_unix_ms(row.integer(8)),
            row.text(9),           row.text(10)};
}

Result<std::optional<StripeEventRecord>> load_event(outbox::sqlite::Connection& connection,
                                                    const std::string& id) {
    auto query = connection.prepare("SELECT " + std::string(event_columns) +
                                    " FROM stripe_events WHERE id = ?1");
    if (!query)
        return fail(query.error());
    query->bind(1, id);
    return outbox::sqlite::first_row<StripeEventRecord>(*query, read_event);
}

Result<std::optional<SubscriptionState>> load_subscription(outbox::sqlite::Connection& connection,
                                                           const std::string& id) {
    auto query =
        connection.prepare("SELECT last_created, deleted FROM stripe_subscriptions WHERE id = ?1");
    if (!query)
        return fail(query.error());
    query->bind(1, id);
    return outbox::sqlite::first_row<SubscriptionState>(*query, [](const Statement& row) {
        return SubscriptionState{row.integer(0), row.integer(1) != 0};
    });
}

// A pending_customer event is all there is of its email until the customer is linked: its
// finish waits for the disk.
outbox::sqlite::GroupCommit::Await finish_await(const StripeEventRecord& record) {
    return record.status == stripe_event_status::pending_customer
               ? outbox::sqlite::GroupCommit::Await::durable
               : outbox::sqlite::GroupCommit::Await::committed;
}

// One write on the writer's thread whose value reaches `done` once it is committed as `await`
// says, or its error: the shape of every async write here.
template <class T>
void submit_for(outbox::sqlite::GroupCommit& commits, outbox::sqlite::GroupCommit::Await await,
                std::function<Result<T>(outbox::sqlite::Connection&)> work,
                std::function<void(Result<T>)> done) {
    auto value = std::make_shared<T>();
    commits.submit(
        [value, work = std::move(work)](outbox::sqlite::Connection& connection) -> Result<void> {
            auto made = work(connection);
            if (!made)
                return fail(made.error());
            *value = std::move(*made);
            return {};
        },
        await,
        [value, done = std::move(done)](Result<void> written) {
            done(written ? Result<T>(std::move(*value)) : fail(written.error()));
        });
}

}  // namespace

Result<std::unique_ptr<SqliteStripeWebhookLedger>> SqliteStripeWebhookLedger::open(
    const std::filesystem::path& path) {
    auto file = outbox::sqlite::open_store_file(path);
    if (!file)
        return fail(file.error());
    return std::unique_ptr<SqliteStripeWebhookLedger>(
        new SqliteStripeWebhookLedger(std::move(*file)));
}

// Most of the ledger's writes do not wait for the disk: a webhook once made four fsyncs in a row
// (claim, enqueue, finish, audit), ~226 webhooks/s on the shared disk (docs/benchmarks.md). They
// need not: they become durable with the sync that follows each batch, and what a 200 to Stripe
// stands on is made durable by the one write that waits for the disk, the event's store (as
// received) with its audit row (store_event_and_record). What acting on it writes later (the
// subscription's order, the email's enqueue, finish_received) is lost in a power cut only with
// the syncs still to come, and the event is then still received and acted on again; the outbox's
// key stripe:<event id> keeps that from queueing a second email. An event kept for its unknown
// customer waits for the disk when a claim on it is finished (finish_await).
Result<void> SqliteStripeWebhookLedger::write(const Work& work, Await await) {
    return writer_->commits.run(work, await);
}

Result<std::int64_t> SqliteStripeWebhookLedger::insert_request(
    outbox::sqlite::Connection& connection, const WebhookRequest& request) {
    auto insert = connection.prepare(
        "INSERT INTO stripe_webhook_requests (received_at, source_ip, valid, reason, event_id, "
        "event_type, outcome, message_ids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert)
        return fail(insert.error());
    const std::string message_ids = ids_json(request.message_ids);
    if (auto done = insert->bind(1, outbox::to_unix_ms(request.received_at))
                        .bind(2, request.source_ip)
                        .bind(3, std::int64_t{request.valid})
                        .bind(4, request.reason)
                        .bind(5, request.event_id)
                        .bind(6, request.event_type)
                        .bind(7, request.outcome)
                        .bind(8, message_ids)
                        .run();
        !done)
        return fail(done.error());
    const std::int64_t id = connection.last_insert_rowid();
    auto contents = connection.prepare(
        "INSERT INTO stripe_webhook_request_contents (request_id, headers, body) "
        "VALUES (?1, ?2, ?3)");
    if (!contents)
        return fail(contents.error());
    if (auto done =
            contents->bind(1, id).bind(2, request.headers.dump()).bind_blob(3, request.body).run();
        !done)
        return fail(done.error());
    return id;
}

Result<bool> SqliteStripeWebhookLedger::store_event(outbox::sqlite::Connection& connection,
                                                    const StripeEventRecord& record,
                                                    WebhookClock::time_point stale_before) {
    auto store = connection.prepare(
        "INSERT INTO stripe_events (id, type, created, customer_id, status, result, "
        "message_ids, payload, claimed_at, for_user_id, for_email) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?10, ?11) "
        "ON CONFLICT (id) DO UPDATE SET type = ?2, created = ?3, customer_id = ?4, status = ?5, "
        "result = ?6, message_ids = ?7, payload = ?8, claimed_at = 0, for_user_id = ?10, "
        "for_email = ?11 WHERE status = 'processing' AND claimed_at < ?9");
    if (!store)
        return fail(store.error());
    if (auto done = store->bind(1, record.event_id)
                        .bind(2, record.type)
                        .bind(3, record.created)
                        .bind(4, record.customer_id)
                        .bind(5, record.status)
                        .bind(6, record.result)
                        .bind(7, ids_json(record.message_ids))
                        .bind_blob(8, record.payload)
                        .bind(9, outbox::to_unix_ms(stale_before))
                        .bind(10, record.for_user_id)
                        .bind(11, record.for_email)
                        .run();
        !done)
        return fail(done.error());
    return connection.changes() > 0;
}

Result<std::int64_t> SqliteStripeWebhookLedger::record_request(const WebhookRequest& request) {
    return wait_for_answer<Result<std::int64_t>>(
        [&](RecordDone done) { record_request_async(request, std::move(done)); });
}

void SqliteStripeWebhookLedger::record_request_async(WebhookRequest request, RecordDone done) {
    submit_for<std::int64_t>(
        writer_->commits, Await::committed,
        [request = std::move(request)](outbox::sqlite::Connection& connection) {
            return insert_request(connection, request);
        },
        std::move(done));
}

Result<std::vector<WebhookRequest>> SqliteStripeWebhookLedger::requests(
    const WebhookRequestFilter& filter) {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare(
        "SELECT " + std::string(request_columns) +
        " FROM stripe_webhook_requests r JOIN stripe_webhook_request_contents c "
        "ON c.request_id = r.id WHERE (?1 IS NULL OR r.id < ?1) AND (?2 IS NULL OR "
        "r.event_id = ?2) ORDER BY r.id DESC LIMIT ?3");
    if (!query)
        return fail(query.error());
    if (filter.before_id)
        query->bind(1, *filter.before_id);
    else
        query->bind_null(1);
    query->bind_optional(2, filter.event_id).bind(3, static_cast<std::int64_t>(filter.limit));
    return outbox::sqlite::all_rows<WebhookRequest>(*query, read_request);
}

Result<RecordedRequest> SqliteStripeWebhookLedger::store_event_and_record(
    const StripeEventRecord& record, const WebhookRequest& request,
    WebhookClock::time_point stale_before) {
    return wait_for_answer<Result<RecordedRequest>>([&](StoreDone done) {
        store_event_and_record_async(record, request, stale_before, std::move(done));
    });
}

void SqliteStripeWebhookLedger::store_event_and_record_async(StripeEventRecord record,
                                                             WebhookRequest request,
                                                             WebhookClock::time_point stale_before,
                                                             StoreDone done) {
    submit_for<RecordedRequest>(
        writer_->commits, Await::durable,
        [record = std::move(record), request = std::move(request),
         stale_before](outbox::sqlite::Connection& connection) -> Result<RecordedRequest> {
            auto stored = store_event(connection, record, stale_before);
            if (!stored)
                return fail(stored.error());
            Result<std::int64_t> inserted = 0;
            bool in_progress = false;
            if (*stored) {
                inserted = insert_request(connection, request);
            } else {
                auto first = load_event(connection, record.event_id);
                if (!first)
                    return fail(first.error());
                WebhookRequest redelivery = request;
                if (*first)
                    in_progress = mark_redelivery(redelivery, **first);
                inserted = insert_request(connection, redelivery);
            }
            if (!inserted)
                return fail(inserted.error());
            return RecordedRequest{*inserted, *stored, in_progress};
        },
        std::move(done));
}

// Oldest first is rowid order: the partial index stripe_events_received (migration 5) holds
// (claimed_at, rowid) for the received events only, so the walk never sorts nor reads the
// events already acted on.
Result<std::vector<ReceivedEvent>> SqliteStripeWebhookLedger::received_events(
    WebhookClock::time_point now, std::size_t limit) {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare(
        "SELECT e.id, r.id, c.body FROM stripe_events e INDEXED BY stripe_events_received "
        "JOIN stripe_webhook_requests r ON r.event_id = e.id AND r.outcome = 'received' "
        "JOIN stripe_webhook_request_contents c ON c.request_id = r.id "
        "WHERE e.status = 'received' AND e.claimed_at <= ?1 ORDER BY e.claimed_at, e.rowid "
        "LIMIT ?2");
    if (!query)
        return fail(query.error());
    query->bind(1, outbox::to_unix_ms(now)).bind(2, static_cast<std::int64_t>(limit));
    return outbox::sqlite::all_rows<ReceivedEvent>(*query, [](const Statement& row) {
        return ReceivedEvent{row.text(0), row.integer(1), row.blob(2)};
    });
}

Result<std::int64_t> SqliteStripeWebhookLedger::count_received() {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare(
        "SELECT count(*) FROM stripe_events INDEXED BY stripe_events_received "
        "WHERE status = 'received'");
    if (!query)
        return fail(query.error());
    auto count = outbox::sqlite::first_row<std::int64_t>(
        *query, [](const Statement& row) { return row.integer(0); });
    if (!count)
        return fail(count.error());
    return count->value_or(0);
}

Result<bool> SqliteStripeWebhookLedger::update_received(outbox::sqlite::Connection& connection,
                                                        const StripeEventRecord& record,
                                                        std::int64_t request_id,
                                                        std::string_view request_outcome) {
    auto finish = connection.prepare(
        "UPDATE stripe_events SET status = ?2, result = ?3, customer_id = ?4, message_ids = ?5, "
        "payload = ?6, claimed_at = ?7, for_user_id = ?8, for_email = ?9 "
        "WHERE id = ?1 AND status = 'received'");
    if (!finish)
        return fail(finish.error());
    const std::string message_ids = ids_json(record.message_ids);
    if (auto done = finish->bind(1, record.event_id)
                        .bind(2, record.status)
                        .bind(3, record.result)
                        .bind(4, record.customer_id)
                        .bind(5, message_ids)
                        .bind_blob(6, record.payload)
                        .bind(7, outbox::to_unix_ms(record.claimed_at))
                        .bind(8, record.for_user_id)
                        .bind(9, record.for_email)
                        .run();
        !done)
        return fail(done.error());
    if (connection.changes() == 0)
        return false;
    auto audit = connection.prepare(
        "UPDATE stripe_webhook_requests SET outcome = ?2, reason = ?3, message_ids = ?4 "
        "WHERE id = ?1");
    if (!audit)
        return fail(audit.error());
    if (auto done = audit->bind(1, request_id)
                        .bind(2, request_outcome)
                        .bind(3, record.result)
                        .bind(4, message_ids)
                        .run();
        !done)
        return fail(done.error());
    return true;
}

Result<bool> SqliteStripeWebhookLedger::finish_received(const StripeEventRecord& record,
                                                        std::int64_t request_id,
                                                        std::string_view request_outcome) {
    return wait_for_answer<Result<bool>>([&](FinishDone done) {
        finish_received_async(record, request_id, std::string(request_outcome), std::move(done));
    });
}

void SqliteStripeWebhookLedger::finish_received_async(StripeEventRecord record,
                                                      std::int64_t request_id,
                                                      std::string request_outcome,
                                                      FinishDone done) {
    submit_for<bool>(
        writer_->commits, Await::committed,
        [record = std::move(record), request_id,
         request_outcome = std::move(request_outcome)](outbox::sqlite::Connection& connection) {
            return update_received(connection, record, request_id, request_outcome);
        },
        std::move(done));
}

Result<bool> SqliteStripeWebhookLedger::claim_pending(const std::string& event_id,
                                                      WebhookClock::time_point now) {
    return outbox::sqlite::changed_any(
        writer_->commits,
        [&](outbox::sqlite::Connection& connection) -> Result<void> {
            auto claim = connection.prepare(
                "UPDATE stripe_events SET status = 'processing', claimed_at = ?2 "
                "WHERE id = ?1 AND status = 'pending_customer'");
            if (!claim)
                return fail(claim.error());
            return claim->bind(1, event_id).bind(2, outbox::to_unix_ms(now)).run();
        },
        Await::committed);
}

Result<void> SqliteStripeWebhookLedger::finish_event(const StripeEventRecord& record,
                                                     std::string_view request_outcome) {
    return write(
        [&](outbox::sqlite::Connection& connection) -> Result<void> {
            auto finish = connection.prepare(
                "UPDATE stripe_events SET status = ?2, result = ?3, customer_id = ?4, "
                "message_ids = ?5, for_user_id = ?6, for_email = ?7 WHERE id = ?1");
            if (!finish)
                return fail(finish.error());
            if (auto done = finish->bind(1, record.event_id)
                                .bind(2, record.status)
                                .bind(3, record.result)
                                .bind(4, record.customer_id)
                                .bind(5, ids_json(record.message_ids))
                                .bind(6, record.for_user_id)
                                .bind(7, record.for_email)
                                .run();
                !done)
                return done;
            if (connection.changes() == 0)
                return fail(
                    Error::internal("Stripe event " + record.event_id + " was never stored"));
            auto audit = connection.prepare(
                "UPDATE stripe_webhook_requests SET outcome = ?2, reason = ?3, message_ids = ?4 "
                "WHERE event_id = ?1 AND outcome = 'pending_customer'");
            if (!audit)
                return fail(audit.error());
            return audit->bind(1, record.event_id)
                .bind(2, request_outcome)
                .bind(3, record.result)
                .bind(4, ids_json(record.message_ids))
                .run();
        },
        finish_await(record));
}

Result<std::optional<StripeEventRecord>> SqliteStripeWebhookLedger::find_event(
    const std::string& event_id) {
    std::lock_guard lock(reader_mutex_);
    return load_event(*reader_, event_id);
}

Result<std::vector<StripeEventRecord>> SqliteStripeWebhookLedger::pending_for_customer(
    const std::string& customer_id) {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare("SELECT " + std::string(event_columns) +
                                  " FROM stripe_events WHERE customer_id = ?1 AND "
                                  "status = 'pending_customer' ORDER BY created, id");
    if (!query)
        return fail(query.error());
    query->bind(1, customer_id);
    return outbox::sqlite::all_rows<StripeEventRecord>(*query, read_event);
}

Result<std::vector<StripeEventRecord>> SqliteStripeWebhookLedger::pending_for_user(
    const std::string& user_id, const std::string& email) {
    std::lock_guard lock(reader_mutex_);
    // Through the index of pending events: a walk over the few that wait, never over every
    // event ever received, at each save of a contact.
    auto query = reader_->prepare(
        "SELECT " + std::string(event_columns) +
        " FROM stripe_events INDEXED BY stripe_events_pending WHERE status = 'pending_customer' "
        "AND ((?1 <> '' AND for_user_id = ?1) OR (?2 <> '' AND lower(for_email) = lower(?2))) "
        "ORDER BY created, id");
    if (!query)
        return fail(query.error());
    query->bind(1, user_id).bind(2, email);
    return outbox::sqlite::all_rows<StripeEventRecord>(*query, read_event);
}

Result<bool> SqliteStripeWebhookLedger::advance_subscription(const std::string& subscription_id,
                                                             std::int64_t created, bool deletes) {
    bool admitted = false;
    // Read and written in one unit of the writer's IMMEDIATE transaction: no other delivery of
    // this subscription's events can come between the two.
    auto written = write([&](outbox::sqlite::Connection& connection) -> Result<void> {
        admitted = false;
        auto state = load_subscription(connection, subscription_id);
        if (!state)
            return fail(state.error());
        SubscriptionState next = state->value_or(SubscriptionState{});
        if (!next.admits(created, deletes))
            return {};
        next.last_created = std::max(next.last_created, created);
        next.deleted = next.deleted || deletes;
        auto save = connection.prepare(
            "INSERT INTO stripe_subscriptions (id, last_created, deleted) VALUES (?1, ?2, ?3) "
            "ON CONFLICT (id) DO UPDATE SET last_created = ?2, deleted = ?3");
        if (!save)
            return fail(save.error());
        auto saved = save->bind(1, subscription_id)
                         .bind(2, next.last_created)
                         .bind(3, std::int64_t{next.deleted})
                         .run();
        admitted = bool(saved);
        return saved;
    });
    if (!written)
        return fail(written.error());
    return admitted;
}

Result<std::optional<SubscriptionState>> SqliteStripeWebhookLedger::subscription(
    const std::string& subscription_id) {
    std::lock_guard lock(reader_mutex_);
    return load_subscription(*reader_, subscription_id);
}

Result<std::int64_t> SqliteStripeWebhookLedger::purge_requests(
    WebhookClock::time_point received_before, std::stop_token stop) {
    // The cascade removes the headers and the body.
    return outbox::sqlite::purge_oldest_rows(
        writer_->commits, {"stripe_webhook_requests", "received_at", "outcome <> 'received'"},
        outbox::to_unix_ms(received_before), std::move(stop));
}

}  // namespace txmail::service
