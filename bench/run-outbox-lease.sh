#!/usr/bin/env bash
# One lease from the SQLite outbox with a backlog of 10,000 and 50,000 messages of ~6 KB from one
# sender, for the two definitions of the index the lease walks, side by side in one run
# (bench/outbox_lease.cpp says how). docs/benchmarks.md ("Outbox: a lease with a backlog") quotes
# its output.
#
#   bench/run-outbox-lease.sh            (BUILD=build ROUNDS=5 LEASES=20)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bin=$BUILD/bench/outbox_lease
[ -x "$bin" ] || { echo "$bin is missing: run make build first" >&2; exit 1; }

# On the build's disk, as the service's database would be (not a tmpfs).
work=$(mktemp -d "$BUILD/outbox-lease-XXXXXX")
trap 'rm -rf "$work"' EXIT

for messages in 10000 50000; do
    rm -f "$work"/outbox.db*
    "$bin" --db "$work/outbox.db" --messages "$messages" --rounds "${ROUNDS:-5}" \
           --leases "${LEASES:-20}"
done
