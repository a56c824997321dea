// JSON forms of outbox values, one shape for `txmail outbox ... --json` and the HTTP admin API.
// Times are ISO 8601 UTC strings, absent values null, statuses and error kinds their words.
// A message's bytes are not included (only their size): callers that want them ask for them.
#pragma once

#include <nlohmann/json.hpp>

#include "txmail/outbox/store.h"

namespace txmail::outbox {

nlohmann::json to_json(const Attempt& attempt);
// Summary fields, the envelope, last_error and last_attempt.
nlohmann::json to_json(const StoredMessage& message);
nlohmann::json to_json(const SenderPause& pause);
// {"by_status": {"queued": n, ...}, "oldest_queued": ..., "paused_senders": [...]}
nlohmann::json to_json(const Stats& stats);

}  // namespace txmail::outbox
