#!/usr/bin/env bash
# Outbox end-to-end latency (issue 6, item 10): messages queued at RATE/s (default 200) into a
# durable SQLite outbox and delivered by the dispatcher (no rate limit) to postfix's smtp-sink,
# from the start of enqueue() to the server's 250; beside it, the floor: the same messages sent
# directly over one open SMTP connection, no outbox. RUNS runs of each (default 3, interleaved),
# SECONDS_PER_RUN each (default 20); prints each run and the medians of p50 and p99 with ratios.
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

work=$(mktemp -d "$(realpath "$BUILD")/outbox-latency.XXXXXX")  # on disk: fsync is real
chmod 777 "$work"
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sink_user=()
[ "$(id -u)" = 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink -a "${sink_user[@]}" "127.0.0.1:$port" 256 &
sink=$!
trap 'kill "$sink" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "outbox latency: $RATE msg/s for ${SECONDS_PER_RUN}s, $WORKERS workers, smtp-sink on 127.0.0.1:$port, $RUNS runs"
direct_p50=() direct_p99=() outbox_p50=() outbox_p99=()
for run in $(seq "$RUNS"); do
    line=$("$bench" --port "$port" --rate "$RATE" --seconds "$SECONDS_PER_RUN" --direct)
    echo "run $run: $line"
    direct_p50+=("$(field p50_ms <<<"$line")") direct_p99+=("$(field p99_ms <<<"$line")")
    line=$("$bench" --port "$port" --rate "$RATE" --seconds "$SECONDS_PER_RUN" \
        --workers "$WORKERS" --database "sqlite:///$work/run$run.db")
    echo "run $run: $line"
    outbox_p50+=("$(field p50_ms <<<"$line")") outbox_p99+=("$(field p99_ms <<<"$line")")
done

d50=$(printf '%s\n' "${direct_p50[@]}" | median)
d99=$(printf '%s\n' "${direct_p99[@]}" | median)
o50=$(printf '%s\n' "${outbox_p50[@]}" | median)
o99=$(printf '%s\n' "${outbox_p99[@]}" | median)
echo "median p50: outbox ${o50} ms, direct ${d50} ms, ratio $(awk -v a="$o50" -v b="$d50" 'BEGIN { printf "%.1f", a / b }')x"
echo "median p99: outbox ${o99} ms, direct ${d99} ms, ratio $(awk -v a="$o99" -v b="$d99" 'BEGIN { printf "%.1f", a / b }')x (aim: outbox p99 < 20 ms)"
