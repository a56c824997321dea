#!/usr/bin/env bash
# SMTP throughput, side by side in one run against one postfix smtp-sink on a free loopback port:
# postfix's smtp-source (the C reference client), txmail's libcurl backend (bench/smtp_throughput)
# on 1 and 4 connections, and Django's SMTP backend in the original app's pattern (a connection
# per send()) and batched (send_messages on one connection). Same messages and body size; Django
# sends fewer of them (DJANGO_MESSAGES: it is slow, and messages/s does not depend on the count).
# Several repetitions, interleaved; prints medians and the ratios the targets are about.
#
# Usage: bench/run-smtp.sh [build dir, default build]
# Environment: MESSAGES (20000), SIZE (1000 bytes of body), REPETITIONS (7), DJANGO_MESSAGES (1000)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
MESSAGES=${MESSAGES:-20000}
SIZE=${SIZE:-1000}
REPETITIONS=${REPETITIONS:-7}
DJANGO_MESSAGES=${DJANGO_MESSAGES:-1000}
ours="$BUILD/bench/smtp_throughput"
if [ ! -x "$ours" ]; then
    echo "missing $ours: cmake --build $BUILD --target smtp_throughput" >&2
    exit 1
fi

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
user_option=()
[ "$(id -u)" = 0 ] && user_option=(-u nobody)  # smtp-sink refuses to run as root
/usr/sbin/smtp-sink "${user_option[@]}" -a "127.0.0.1:$port" 1024 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05  # polling for the listener, with a bound of 5 s
done

results=$(mktemp)
trap 'kill $sink 2>/dev/null || true; rm -f "$results" "$results.time" "$results.out"' EXIT

# run NAME MESSAGES COMMAND...: the client's wall-clock, user and system seconds, and the
# seconds it reports itself (django_smtp.py times its sending only, without Python's and
# Django's start-up, which would otherwise weigh on its few messages), one line per run.
run() {
    local name=$1 count=$2
    shift 2
    /usr/bin/time -o "$results.time" -f "%e %U %S" "$@" > "$results.out"
    local own
    own=$(grep -o 'seconds=[0-9.]*' "$results.out" | cut -d= -f2 || true)
    echo "$name $count $(cat "$results.time") ${own:--}" >> "$results"
}

for rep in $(seq "$REPETITIONS"); do
    echo "repetition $rep/$REPETITIONS" >&2
    run smtp-source/1 "$MESSAGES" /usr/sbin/smtp-source -d -m "$MESSAGES" -l "$SIZE" "127.0.0.1:$port"
    run txmail/1 "$MESSAGES" "$ours" --host 127.0.0.1 --port "$port" --messages "$MESSAGES" \
        --connections 1 --size "$SIZE"
    run smtp-source/4 "$MESSAGES" /usr/sbin/smtp-source -d -s 4 -m "$MESSAGES" -l "$SIZE" \
        "127.0.0.1:$port"
    run txmail/4 "$MESSAGES" "$ours" --host 127.0.0.1 --port "$port" --messages "$MESSAGES" \
        --connections 4 --size "$SIZE"
    run django/batched "$DJANGO_MESSAGES" /usr/bin/python3 bench/django_smtp.py --port "$port" \
        --messages "$DJANGO_MESSAGES" --size "$SIZE" --pattern batched
    run django/original "$DJANGO_MESSAGES" /usr/bin/python3 bench/django_smtp.py --port "$port" \
        --messages "$DJANGO_MESSAGES" --size "$SIZE" --pattern original
done

/usr/bin/python3 - "$results" "$MESSAGES" "$SIZE" "$REPETITIONS" <<'PY'
import statistics, sys
path, messages, size, repetitions = sys.argv[1:]
rates, cpu = {}, {}
for line in open(path):
    name, count, wall, user, system, own = line.split()
    seconds = float(own) if name.startswith("django/") else float(wall)
    rates.setdefault(name, []).append(int(count) / max(seconds, 1e-3))
    cpu.setdefault(name, []).append((float(user) + float(system)) * 1e6 / int(count))
median = {name: statistics.median(values) for name, values in rates.items()}
cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
print(f"SMTP throughput to smtp-sink, {size}-byte bodies, {messages} messages "
      f"(Django: fewer), median of {repetitions} runs; msg/s by the wall clock of the whole "
      f"client process (Django: its own timing of the sending)")
print(f"  {'':16}{'msg/s':>9}{'client CPU us/msg':>19}   runs (msg/s)")
for name in ("smtp-source/1", "txmail/1", "smtp-source/4", "txmail/4", "django/batched",
             "django/original"):
    runs = ", ".join(f"{r:.0f}" for r in rates[name])
    print(f"  {name:16}{median[name]:9.0f}{cpu_median[name]:19.1f}   [{runs}]")
print("ratios of medians (msg/s):")
print(f"  txmail/1 vs smtp-source/1      {median['txmail/1'] / median['smtp-source/1']:.2f}x "
      "(target >= 0.9x)")
print(f"  txmail/4 vs smtp-source/4      {median['txmail/4'] / median['smtp-source/4']:.2f}x "
      "(target >= 0.9x)")
print(f"  txmail/1 vs Django original    {median['txmail/1'] / median['django/original']:.1f}x "
      "(target >= 5x)")
print(f"  txmail/1 vs Django batched     {median['txmail/1'] / median['django/batched']:.1f}x")
PY
