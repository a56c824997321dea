#!/usr/bin/env bash
# Outbox end-to-end latency (issue 6, item 10): messages queued at RATE/s (default 200) into a
# durable SQLite outbox and delivered by the dispatcher (no rate limit) to postfix's smtp-sink,
# from the start of enqueue() to the server's 250. Side by side, in each run:
#   direct  the floor: the same messages sent over one open SMTP connection, no outbox at all;
#   memory  the outbox database on /dev/shm, where fsync costs nothing: the dispatcher's own share;
#   disk    the outbox database on disk (the build directory): what a deployment gets.
# RUNS runs (default 3), SECONDS_PER_RUN each (default 20); prints every run, then the medians of
# p50 and p99 and their ratios to the floor.
#   bench/run-outbox-latency.sh            (after building outbox_latency_bench in $BUILD)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
RATE=${RATE:-200}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
WORKERS=${WORKERS:-2}
bench=$(find "$BUILD" -name outbox_latency_bench -type f -perm -u+x | head -n1)
[ -n "$bench" ] || { echo "outbox_latency_bench not built in $BUILD" >&2; exit 1; }

disk=$(mktemp -d "$(realpath "$BUILD")/outbox-latency.XXXXXX")
memory=$(mktemp -d /dev/shm/outbox-latency.XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sink_user=()
[ "$(id -u)" = 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink -a "${sink_user[@]}" "127.0.0.1:$port" 256 &
sink=$!
trap 'kill "$sink" 2>/dev/null; rm -rf "$disk" "$memory"' EXIT
for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done

declare -A p50 p99
record() {  # record NAME OUTPUT: keeps the p50 and p99 of the line for mode=$3
    local line
    line=$(grep "mode=$3 " <<<"$2")
    echo "run $run $1: $line"
    p50[$1]+="$(sed -n 's/.* p50_ms=\([0-9.]*\).*/\1/p' <<<"$line") "
    p99[$1]+="$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$line") "
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "outbox latency: $RATE msg/s for ${SECONDS_PER_RUN}s, $WORKERS workers, smtp-sink on 127.0.0.1:$port, $RUNS runs"
common=(--port "$port" --rate "$RATE" --seconds "$SECONDS_PER_RUN")
for run in $(seq "$RUNS"); do
    record direct "$("$bench" "${common[@]}" --direct)" direct
    for place in memory disk; do
        dir=${!place}
        out=$("$bench" "${common[@]}" --workers "$WORKERS" \
            --database "sqlite:///$dir/run$run.db" 2>"$dir/run$run.log")
        record "$place" "$out" outbox
        record "$place-enqueue" "$out" enqueue-only
    done
done

d50=$(median <<<"${p50[direct]}")
d99=$(median <<<"${p99[direct]}")
for name in direct memory memory-enqueue disk disk-enqueue; do
    m50=$(median <<<"${p50[$name]}")
    m99=$(median <<<"${p99[$name]}")
    awk -v n="$name" -v a="$m50" -v b="$m99" -v c="$d50" -v d="$d99" \
        'BEGIN { printf "median %-15s p50 %6.2f ms (%5.1fx direct)   p99 %6.2f ms (%5.1fx direct)\n", n, a, a / c, b, b / d }'
done
echo "aim: disk p99 < 20 ms"
