#include "txmail/outbox/message_json.h"

#include "txmail/util/iso8601.h"

namespace txmail::outbox {

namespace {

nlohmann::json time_or_null(const std::optional<TimePoint>& time) {
    return time ? nlohmann::json(format_iso8601_utc(*time)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const Attempt& attempt) {
    nlohmann::json out = {
        {"number", attempt.number},
        {"started_at", format_iso8601_utc(attempt.started_at)},
        {"duration_ms", attempt.stored_duration().count()},
        {"backend", attempt.backend},
        {"accepted", attempt.accepted},
        {"detail", attempt.detail},
        {"diagnosis", attempt.diagnosis},
        {"error", nullptr},
    };
    if (const auto& error = attempt.error)
        out["error"] = {
            {"kind", to_string(error->kind)},
            {"message", error->message},
            {"code", error->code},
            {"enhanced_status", error->enhanced_status},
            {"reply", error->reply},
        };
    return out;
}

nlohmann::json to_json(const StoredMessage& message) {
    return {
        {"id", message.id},
        {"event", message.event},
        {"status", to_string(message.status)},
        {"priority", message.priority},
        {"idempotency_key",
         message.idempotency_key ? nlohmann::json(*message.idempotency_key) : nullptr},
        {"sender", message.message.envelope.sender},
        {"recipients", message.message.envelope.recipients},
        {"subject", message.message.subject},
        {"message_id", message.message.message_id},
        {"size", message.message.bytes.size()},
        {"created_at", format_iso8601_utc(message.created_at)},
        {"next_attempt_at", format_iso8601_utc(message.next_attempt_at)},
        {"lease_owner", message.lease_owner.empty() ? nlohmann::json(nullptr)
                                                    : nlohmann::json(message.lease_owner)},
        {"lease_until", time_or_null(message.lease_until)},
        {"attempt_count", message.attempt_count},
        {"last_error", message.last_error},
        {"last_attempt",
         message.last_attempt ? to_json(*message.last_attempt) : nlohmann::json(nullptr)},
    };
}

nlohmann::json to_json(const SenderPause& pause) {
    return {{"sender", pause.sender},
            {"until", format_iso8601_utc(pause.until)},
            {"reason", pause.reason}};
}

nlohmann::json to_json(const Stats& stats) {
    nlohmann::json by_status = nlohmann::json::object();
    for (const auto& [status, count] : stats.by_status)
        by_status[std::string(to_string(status))] = count;
    nlohmann::json paused = nlohmann::json::array();
    for (const auto& pause : stats.paused_senders)
        paused.push_back(to_json(pause));
    return {{"by_status", by_status},
            {"oldest_queued", time_or_null(stats.oldest_queued)},
            {"paused_senders", paused}};
}

}  // namespace txmail::outbox
