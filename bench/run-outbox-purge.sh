#!/usr/bin/env bash
# The retention purge (`txmail outbox purge --older-than`, outbox/sqlite/oldest_rows_purge.h) on a
# large SQLite outbox: MESSAGES sent messages with bodies of BODY bytes and one attempt each, the
# oldest OLD of them 40 days old. Times, for ROUNDS rounds on a fresh copy each:
#   - a purge with nothing to delete (every message newer than 30 days): what the hourly purge of
#     TXMAIL_RETENTION costs on a file that is up to date (the walk ends at the first row);
#   - the purge of the OLD messages, and the time per message deleted.
# The rows are written by sqlite3 directly (the schema from `txmail migrate`): queuing and
# delivering a million messages through txmail would take the benchmark's whole time.
# docs/benchmarks.md ("Outbox: retention purge") quotes its output.
#
#   bench/run-outbox-purge.sh           (BUILD=build MESSAGES=300000 OLD=100000 BODY=6000 ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MESSAGES=${MESSAGES:-300000}
OLD=${OLD:-100000}
BODY=${BODY:-6000}
ROUNDS=${ROUNDS:-3}
txmail=$(realpath "$BUILD/txmail" 2>/dev/null || true)
[ -x "$txmail" ] || { echo "$BUILD/txmail is missing: run make build first" >&2; exit 1; }

# On the build's disk, as the service's database would be (not a tmpfs).
work=$(mktemp -d "$BUILD/outbox-purge-XXXXXX")
trap 'rm -rf "$work"' EXIT
export TXMAIL_ENV_FILE=/dev/null
now_ms=$(($(date +%s) * 1000))
TXMAIL_DATABASE_URL="sqlite:///$work/template.db" "$txmail" migrate > /dev/null
sqlite3 "$work/template.db" > /dev/null <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $MESSAGES)
INSERT INTO messages (id, event, status, priority, sender, recipients, subject, message_id,
    created_at, next_attempt_at, lease_owner, attempt_count, last_error)
SELECT i, 'welcome', 'sent', 0, 'noreply@example.com', '["a@example.com"]', 'Welcome',
    'm' || i || '@example.com', $now_ms - 86400000 + i, $now_ms - 86400000 + i, '', 1, ''
FROM n;
INSERT INTO message_bodies (message_id, bytes) SELECT id, randomblob($BODY) FROM messages;
INSERT INTO attempts (message_id, number, started_at, duration_ms, backend, accepted)
    SELECT id, 1, created_at, 3, 'smtp', 1 FROM messages;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "file: $MESSAGES sent messages of $BODY-byte bodies, $(du -m "$work/template.db" | cut -f1) MB"

# elapsed COMMAND...: runs it, prints its output's last line and its wall-clock seconds.
elapsed() {
    /usr/bin/python3 -c '
import subprocess, sys, time
start = time.monotonic()
out = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True).stdout
print(out.strip().splitlines()[-1] if out.strip() else "", f"{time.monotonic() - start:.3f}")' "$@"
}
for round in $(seq "$ROUNDS"); do
    cp "$work/template.db" "$work/outbox.db"
    export TXMAIL_DATABASE_URL="sqlite:///$work/outbox.db"
    read -r _ nothing <<< "$(elapsed "$txmail" outbox purge --older-than 30d --json)"
    sqlite3 "$work/outbox.db" \
        "UPDATE messages SET created_at = created_at - 40 * 86400000 WHERE id <= $OLD;"
    read -r purged old <<< "$(elapsed "$txmail" outbox purge --older-than 30d --json)"
    /usr/bin/python3 -c '
import json, sys
round_, nothing, purged, seconds = sys.argv[1:]
messages = json.loads(purged)["messages"]
print(f"round {round_}: nothing to purge {nothing} s; {messages} purged in {seconds} s, "
      f"{float(seconds) * 1e6 / messages:.1f} us per message")' "$round" "$nothing" "$purged" "$old"
done
