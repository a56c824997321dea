#!/usr/bin/env bash
# Rendering a message: txmail's MIME writer beside Django's EmailMultiAlternatives on the same
# ~8 KB text + HTML message (bench/render_message.json), in one run. Prints both medians (CPU time
# and wall clock) and the ratios. Usage: bench/run-render.sh [build dir, default build]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
REPETITIONS=${REPETITIONS:-10}
bin="$BUILD/bench/bench_render"
if [ ! -x "$bin" ]; then
    echo "missing $bin: cmake --build $BUILD --target bench_render" >&2
    exit 1
fi

txmail_json=$("$bin" --benchmark_repetitions="$REPETITIONS" --benchmark_min_time=0.5 \
    --benchmark_report_aggregates_only=true --benchmark_format=json 2>/dev/null)
django_json=$(/usr/bin/python3 bench/django_render.py --repeat "$REPETITIONS")

/usr/bin/python3 - "$txmail_json" "$django_json" "$REPETITIONS" <<'PY'
import json, sys
txmail, django, repetitions = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
median = next(b for b in txmail["benchmarks"] if b.get("aggregate_name") == "median")
scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[median["time_unit"]]
ours = {"wall": median["real_time"] * scale, "cpu": median["cpu_time"] * scale}
theirs = {"wall": django["wall_us"], "cpu": django["cpu_us"]}
print(f"median of {repetitions} repetitions, microseconds per message "
      f"(txmail {int(median['message_bytes'])} bytes, Django {django['message_bytes']} bytes)")
print(f"{'':8}{'txmail':>10}{'Django':>10}{'ratio':>9}")
for clock in ("cpu", "wall"):
    print(f"{clock:8}{ours[clock]:10.2f}{theirs[clock]:10.2f}{theirs[clock] / ours[clock]:8.1f}x")
PY
