#!/usr/bin/env bash
# CPU time per request of two txmail builds side by side: how a change moves the cost of the two
# HTTP triggers (run-http.sh has what they are), where req/s cannot show it.
#
# Why: on this shared two-core machine the req/s of the same build moves ±10 – 30% from one run
# to the next, so a change of 10% in either direction is lost in run-http.sh's figures. The CPU
# the server process spends for a fixed load below saturation moves far less. Each build's
# `txmail serve` gets the same load in turn (interleaved rounds, on its own fresh database, both
# mailing to one smtp-sink): first user-registered, then distinct signed Stripe webhooks, each at
# a fixed rate (bench_http_rate, an open loop) for SECONDS_PER_RUN; after each run the script
# waits until the server has delivered what it queued, so the figure covers the whole work of a
# request, its email's delivery included. CPU is utime + stime of the process, from
# /proc/<pid>/stat. Prints every run and, per build and trigger, the median in µs per request,
# the bytes the process had written to disk per request (write_bytes of /proc/<pid>/io: the WAL,
# its checkpoints and the mail log; far steadier than time on a shared disk), and the medians of
# each run's p50 and p99 latency (bench_http_rate's, counted from when each request was due): at
# a rate near the aim's (WEBHOOK_RATE=4600) this compares two builds' answers under the load
# issue 7 names, each starting from an empty outbox.
#
# Usage: bench/compare-http-cpu.sh BUILD_A BUILD_B   (directories holding txmail; the first
#   bench/bench_http_rate found in them is used)
# Each server starts under `env -i` with the settings http_common.sh names: a switch read from
# the environment by an ad-hoc build never reaches it. To compare such a build with itself, give
# as BUILD_B a directory holding a txmail script that sets the switch and execs the build's
# binary (`#!/bin/sh` then `SWITCH=1 exec /path/to/build/txmail "$@"`).
# Environment: ROUNDS (3), SECONDS_PER_RUN (6), USER_RATE (4000), WEBHOOK_RATE (2500): requests
#   per second, below what either build answers at most; TRIGGERS ("user-registered webhook"):
#   which to run; DATABASE_DIR (a temporary directory on disk).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
    echo "usage: bench/compare-http-cpu.sh BUILD_A BUILD_B" >&2
    exit 2
fi
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-6}
USER_RATE=${USER_RATE:-4000}
WEBHOOK_RATE=${WEBHOOK_RATE:-2500}
TRIGGERS=${TRIGGERS:-user-registered webhook}
builds=("$1" "$2")
for build in "${builds[@]}"; do
    [ -x "$build/txmail" ] || { echo "missing $build/txmail" >&2; exit 1; }
done
rate_tool=
for build in "${builds[@]}"; do
    [ -x "$build/bench/bench_http_rate" ] && rate_tool=$(realpath "$build/bench/bench_http_rate") && break
done
[ -n "$rate_tool" ] || { echo "neither build has bench/bench_http_rate" >&2; exit 1; }
scripts/install-deps scripts/deps-bench.txt

bench_name=compare-http-cpu
# shellcheck source=bench/http_common.sh
source bench/http_common.sh

start_smtp_sink
urls=() server_pids=()
for i in 0 1; do
    start_txmail "$(realpath "${builds[$i]}/txmail")" "$work/server$i"
    urls+=("$txmail_url")
    server_pids+=("$txmail_pid")
done
echo "{\"user_id\":\"${user%%,*}\"}" > "$work/user-registered.txt"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# thread_ticks PID: CPU ticks by thread name as name:ticks,... ; threads that share a name but for
# a number (http-io-1, http-io-2) count as one, and the handlers go by the process's, txmail.
thread_ticks() {
    local task
    for task in "/proc/$1/task/"*; do
        echo "$(sed 's/-[0-9]*$//' "$task/comm") $(awk '{print $14 + $15}' "$task/stat")"
    done | awk '{n[$1] += $2} END {for (k in n) printf "%s%s:%d", (c++ ? "," : ""), k, n[k]}'
}
disk_bytes() { awk '/^write_bytes:/ {print $2}' "/proc/$1/io"; }
ticks_per_second=$(getconf CLK_TCK)

results=$work/results.txt
for round in $(seq "$ROUNDS"); do
    for trigger in $TRIGGERS; do
        if [ "$trigger" = webhook ]; then
            path=/webhooks/stripe rate=$WEBHOOK_RATE options=(--header Stripe-Signature)
            requests=$work/events.txt
            # Distinct events for each server (a repeated id is a duplicate, cheaper to answer).
            /usr/bin/python3 bench/stripe_payloads.py --fixture "$fixture" --secret "$secret" \
                --customer "${user##*,}" --count $((2 * rate * SECONDS_PER_RUN)) \
                --tag "cpu$round" --out "$requests"
        else
            path=/v1/events/user-registered rate=$USER_RATE options=(--auth "$token")
            requests=$work/user-registered.txt
        fi
        # Each build goes first in every other round, so neither always runs on a machine the
        # other has just warmed up.
        order=(0 1)
        [ $((round % 2)) = 0 ] && order=(1 0)
        for i in "${order[@]}"; do
            if [ "$trigger" = webhook ]; then
                part=$work/events-$i.txt
                sed -n "$((i * rate * SECONDS_PER_RUN + 1)),$(((i + 1) * rate * SECONDS_PER_RUN))p" \
                    "$requests" > "$part"
            else
                part=$requests
            fi
            before=$(cpu_ticks "${server_pids[$i]}") written=$(disk_bytes "${server_pids[$i]}")
            threads_before=$(thread_ticks "${server_pids[$i]}")
            "$rate_tool" --url "${urls[$i]}$path" --rate "$rate" --seconds "$SECONDS_PER_RUN" \
                --file "$part" "${options[@]}" > "$work/rate.out"
            until [ "$(undelivered "${urls[$i]}")" = 0 ]; do sleep 0.2; done
            after=$(cpu_ticks "${server_pids[$i]}")
            written=$(($(disk_bytes "${server_pids[$i]}") - written))
            cpu=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" 'BEGIN {print t / hz}')
            line="build=$((i + 1)):${builds[$i]} trigger=$trigger cpu_s=$cpu disk_bytes=$written"
            line+=" threads_before=$threads_before threads_after=$(thread_ticks "${server_pids[$i]}")"
            line+=" $(sed -n 's/^RESULT //p' "$work/rate.out")"
            echo "round $round/$ROUNDS: $line" >&2
            echo "$line" >> "$results"
        done
    done
done

/usr/bin/python3 - "$results" "$ROUNDS" "$SECONDS_PER_RUN" "$USER_RATE" "$WEBHOOK_RATE" \
    "$ticks_per_second" <<'EOF'
import collections, statistics, sys
path, rounds, seconds, user_rate, webhook_rate, hz = sys.argv[1:]


def by_thread(run):
    """µs of CPU per request by thread name in one run."""
    ticks = [dict((k, int(v)) for k, v in (x.split(":") for x in run[f].split(",")))
             for f in ("threads_before", "threads_after")]
    return {name: (ticks[1][name] - ticks[0].get(name, 0)) * 1e6 / int(hz) / int(run["requests"])
            for name in ticks[1]}


runs = collections.defaultdict(list)
for line in open(path):
    fields = dict(item.split("=", 1) for item in line.split())
    runs[(fields["trigger"], fields["build"])].append(fields)
print(f"txmail's CPU time (utime + stime) per request, delivery included, and the answers' "
      f"latency: {rounds} interleaved rounds of {seconds} s at a fixed rate (user-registered "
      f"{user_rate}/s, webhook {webhook_rate}/s), medians")
for trigger in ("user-registered", "webhook"):
    builds = sorted(b for (t, b) in runs if t == trigger)
    if not builds:
        continue
    cpu = {b: [float(f["cpu_s"]) * 1e6 / int(f["requests"]) for f in runs[(trigger, b)]]
           for b in builds}
    disk = {b: [int(f["disk_bytes"]) / 1024 / int(f["requests"]) for f in runs[(trigger, b)]]
            for b in builds}
    for b in builds:
        p50 = [int(f["p50_us"]) / 1000 for f in runs[(trigger, b)]]
        p99 = [int(f["p99_us"]) / 1000 for f in runs[(trigger, b)]]
        unanswered = sum(int(f["unanswered"]) for f in runs[(trigger, b)])
        print(f"  {trigger:16} {b:28} {statistics.median(cpu[b]):7.0f} µs   runs "
              f"{[round(x) for x in cpu[b]]}; {statistics.median(disk[b]):.1f} KiB written; "
              f"p50 {statistics.median(p50):.1f} ms, p99 {statistics.median(p99):.1f} ms "
              f"(runs {[round(x, 1) for x in p99]}); unanswered {unanswered}")
        threads = [by_thread(f) for f in runs[(trigger, b)]]
        names = sorted({n for t in threads for n in t}, key=lambda n: -threads[0].get(n, 0))
        print("    by thread, µs per request: " + ", ".join(
            f"{n} {statistics.median(t.get(n, 0) for t in threads):.0f}" for n in names
            if any(t.get(n, 0) for t in threads)))
    a, b = builds
    ratio = statistics.median(cpu[b]) / statistics.median(cpu[a])
    print(f"  {trigger:16} {b} / {a}: CPU {ratio:.3f}")
EOF
