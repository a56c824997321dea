#!/usr/bin/env bash
# Durable enqueues per second into the SQLite outbox (issue 6, item 10): 1, 4 and 16 producer
# threads, group commit side by side with the naive baseline (one transaction and one fsync per
# enqueue: --no-group-commit), interleaved run by run so both see the same machine; prints the
# medians of REPS runs, the ratio, and how many rows one group commit carried.
# docs/benchmarks.md ("Outbox: durable enqueues") quotes its output.
#
#   bench/run-outbox-enqueue.sh            (BUILD=build MESSAGES=10000 REPS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
MESSAGES=${MESSAGES:-10000}
REPS=${REPS:-5}
bin=$BUILD/bench/outbox_enqueue
[ -x "$bin" ] || { echo "$bin is missing: run make build first" >&2; exit 1; }

# The database lives on the build's disk: on a tmpfs fsync costs nothing and the figures lie.
work=$(mktemp -d "$BUILD/outbox-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/"; }

echo "outbox enqueue: $MESSAGES messages of ~4 KB per run, median of $REPS runs;" \
     "$(findmnt -n -o FSTYPE -T "$work") on $(findmnt -n -o SOURCE -T "$work"), $(nproc) cores"
printf "%-10s %16s %16s %8s %12s\n" producers "group commit/s" "naive/s" ratio "rows/commit"
for producers in 1 4 16; do
    group=() naive=() rows=()
    for _ in $(seq "$REPS"); do
        for mode in group naive; do
            rm -f "$work"/outbox.db*
            flags=()
            [ "$mode" = naive ] && flags=(--no-group-commit)
            line=$("$bin" --producers "$producers" --messages "$MESSAGES" --db "$work/outbox.db" \
                   "${flags[@]}")
            rate=$(field enqueues_per_second <<<"$line")
            if [ "$mode" = group ]; then
                group+=("$rate")
                rows+=("$(awk -v m="$MESSAGES" -v t="$(field transactions <<<"$line")" \
                          'BEGIN { printf "%.1f", m / t }')")
            else
                naive+=("$rate")
            fi
        done
    done
    g=$(printf '%s\n' "${group[@]}" | median)
    n=$(printf '%s\n' "${naive[@]}" | median)
    r=$(printf '%s\n' "${rows[@]}" | median)
    printf "%-10s %16s %16s %7.1fx %12s\n" "$producers" "$g" "$n" "$(awk -v g="$g" -v n="$n" \
        'BEGIN { print g / n }')" "$r"
done
