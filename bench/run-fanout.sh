#!/usr/bin/env bash
# Fan-out (issue 7): one ticker's view change queued for N watchers (default 10,000) in one
# transaction, on a SQLite outbox and, beside it, on the in-memory store (rendering alone).
# Prints the medians of 5 rounds and the machine's load. Usage: bench/run-fanout.sh [build dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
WATCHERS=${WATCHERS:-10000}
bin="$BUILD/bench/fanout_bench"
if [ ! -x "$bin" ]; then
    echo "missing $bin: cmake --build $BUILD --target fanout_bench" >&2
    exit 1
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
"$bin" "$WATCHERS"
