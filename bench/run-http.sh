#!/usr/bin/env bash
# HTTP API, side by side in one run: `txmail serve` beside the original design in Django 3.2
# (bench/django_peer/, gunicorn sync workers), under the same wrk load, for two triggers:
#   user-registered  txmail: POST /v1/events/user-registered {"user_id"} (queues `welcome`)
#   webhook          txmail: POST /webhooks/stripe, a signed invoice.payment_failed
# and two Django views for each: django-send (the original: renders and sends the email inside the
# request, one SMTP connection per request) and django-row (only writes a row). Their mail goes to
# one postfix smtp-sink standing in for smtp.office365.com. A third Django server, django-send-tls,
# is the original as it really sent: the same send views on a second gunicorn (same settings), but
# every email's connection does STARTTLS and AUTH LOGIN with an app password, as the original did
# against smtp.office365.com:587, here to bench/tls_smtp_sink.py (aiosmtpd, self-signed
# certificate, requires STARTTLS then AUTH, discards the mail). Plain-text smtp-sink leaves out
# the handshake and the login, so django-send is a lower bound of the original's cost per email;
# django-send-tls is closer (still loopback: no round trips to Microsoft), and its sink's CPU time
# on the same cores is reported. txmail's dispatcher delivers what it queues to smtp-sink during
# the run, so its sending competes for the same two cores; after each txmail run the script waits
# until it has delivered the rest (reported), so that it never sends during another server's run.
# Rounds interleave the servers; each run samples the RSS of every process of the server under
# load (each gunicorn separately). Prints medians and the ratios issue 7 aims at, against
# django-send and against django-send-tls. Stripe events are distinct (a repeated id is
# a cheap duplicate) and signed just before each run (300 s tolerance).
#
# Usage: bench/run-http.sh [build dir, default build]
# Environment: ROUNDS (5), SECONDS_PER_RUN (10), THREADS (2), CONNECTIONS (32),
#   GUNICORN_WORKERS (2 x cores + 1, gunicorn's advice), EVENTS_PER_SECOND (14000): distinct
#   Stripe events signed per second of a run (more than the fastest server takes, else the
#   summary says how often events were repeated; wrk deals them to its threads in equal shares,
#   and the quicker thread runs out first); DATABASE_DIR (a temporary directory on disk):
#   where both sides keep their SQLite files. The fixed-rate phase after the rounds: RATE_PEER
#   (django-send-tls, or django-send), AIM_RATIO (20), RATE_ROUNDS (3), RATE_CONNECTIONS (64);
#   FIXED_RATE (unset): requests per second for that phase instead of AIM_RATIO x RATE_PEER's
#   median in this run, so that runs at different hours load txmail alike (Django's speed moved
#   20x django-send-tls from 3,900 to 5,800 req/s within one day on this machine).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-${BUILD:-build}}
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
GUNICORN_WORKERS=${GUNICORN_WORKERS:-$((2 * $(nproc) + 1))}
EVENTS_PER_SECOND=${EVENTS_PER_SECOND:-14000}
RATE_PEER=${RATE_PEER:-django-send-tls}
AIM_RATIO=${AIM_RATIO:-20}
RATE_ROUNDS=${RATE_ROUNDS:-3}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-64}
FIXED_RATE=${FIXED_RATE:-}
txmail=$(realpath "$BUILD/txmail" 2>/dev/null || true)
if [ ! -x "$txmail" ]; then
    echo "missing $BUILD/txmail: cmake --build $BUILD --target txmail" >&2
    exit 1
fi
rate_tool=$(realpath "$BUILD/bench/bench_http_rate" 2>/dev/null || true)
if [ ! -x "$rate_tool" ]; then
    echo "missing $BUILD/bench/bench_http_rate: cmake --build $BUILD --target bench_http_rate" >&2
    exit 1
fi
scripts/install-deps scripts/deps-bench.txt

# django-send-tls's login at its SMTP server: the original's mailbox and an app password (a
# benchmark-only value, not a secret).
smtp_login=noreply@boritrader.com
smtp_password=benchmark-only-app-password
bench_name=bench-http
# shellcheck source=bench/http_common.sh
source bench/http_common.sh

start_smtp_sink
# django-send-tls's mail server, on port 0: the real one comes from its "listening on" line.
SMTP_PASSWORD=$smtp_password /usr/bin/python3 bench/tls_smtp_sink.py --login "$smtp_login" \
    > "$work/tls-sink.out" 2> "$work/tls-sink.err" &
tls_sink_pid=$!
pids+=("$tls_sink_pid")
wait_until 10 grep -q 'listening on' "$work/tls-sink.out" ||
    { echo "tls_smtp_sink did not start:" >&2; cat "$work/tls-sink.err" >&2; exit 1; }
tls_sink_port=$(sed -n 's/.*listening on 127\.0\.0\.1://p' "$work/tls-sink.out")

start_txmail "$txmail" "$work"
IFS=, read -r user_id _ _ user_customer <<< "$user"

# The Django peer: tables, the same user, txmail's templates as Django templates; then gunicorn.
export PYTHONPATH=$PWD/bench DJANGO_SETTINGS_MODULE=django_peer.settings
export PEER_DATABASE=$work/django.sqlite3 PEER_TEMPLATE_DIR=$work/django-templates
export PEER_EMAIL_PORT=$sink_port STRIPE_WEBHOOK_SECRET=$secret
(cd "$work" && /usr/bin/python3 -m django_peer.prepare --txmail "$txmail" \
    --samples "$OLDPWD/tests/fixtures/notify/samples" --user "$user")
# start_gunicorn LOG [VARIABLE=VALUE...]: the peer on a free port, with these settings on top of
# the exported ones; sets gunicorn_pid (the master: its workers are its children) and gunicorn_url.
start_gunicorn() {
    local log=$1 port
    shift
    port=$(free_port)
    env "$@" /usr/bin/gunicorn --workers "$GUNICORN_WORKERS" --worker-class sync \
        --bind "127.0.0.1:$port" --log-level warning django_peer.wsgi:application 2> "$log" &
    gunicorn_pid=$! gunicorn_url=http://127.0.0.1:$port
    pids+=("$gunicorn_pid")
    wait_until 20 listening "$port" ||
        { echo "gunicorn did not start:" >&2; cat "$log" >&2; exit 1; }
}
start_gunicorn "$work/gunicorn.err"
django_pid=$gunicorn_pid django_url=$gunicorn_url
# The same views and settings, mailing as the original did: STARTTLS, then AUTH LOGIN.
start_gunicorn "$work/gunicorn-tls.err" PEER_EMAIL_PORT="$tls_sink_port" PEER_EMAIL_USE_TLS=true \
    PEER_EMAIL_HOST_USER="$smtp_login" PEER_EMAIL_HOST_PASSWORD="$smtp_password"
django_tls_pid=$gunicorn_pid django_tls_url=$gunicorn_url

echo "{\"user_id\":\"$user_id\"}" > "$work/user-registered.txt"
# target SERVER TRIGGER: "URL PID" of the server under test.
target() {
    case $1/$2 in
        txmail/user-registered) echo "$txmail_url/v1/events/user-registered $txmail_pid" ;;
        txmail/webhook) echo "$txmail_url/webhooks/stripe $txmail_pid" ;;
        django-send/user-registered) echo "$django_url/original/events/user-registered $django_pid" ;;
        django-send/webhook) echo "$django_url/original/webhooks/stripe $django_pid" ;;
        django-send-tls/user-registered)
            echo "$django_tls_url/original/events/user-registered $django_tls_pid" ;;
        django-send-tls/webhook) echo "$django_tls_url/original/webhooks/stripe $django_tls_pid" ;;
        django-row/user-registered) echo "$django_url/row/events/user-registered $django_pid" ;;
        django-row/webhook) echo "$django_url/row/webhooks/stripe $django_pid" ;;
    esac
}
# Every target answers 2xx to one request before the clock starts; a txmail without the Stripe
# receiver yet (404) skips the webhook runs rather than measuring 404s.
triggers=(user-registered webhook)
/usr/bin/python3 bench/stripe_payloads.py --fixture "$fixture" --secret "$secret" \
    --customer "$user_customer" --count 1 --tag check --out "$work/check.txt"
servers=(txmail django-send django-send-tls django-row)
for server in "${servers[@]}"; do
    for trigger in user-registered webhook; do
        read -r url _ <<< "$(target "$server" "$trigger")"
        if [ "$trigger" = webhook ]; then
            IFS=$'\t' read -r signature body < "$work/check.txt"
            headers=(-H "Stripe-Signature: $signature" -d "$body")
        else
            headers=(-H "Authorization: Bearer $token" -d "@$work/user-registered.txt")
        fi
        status=$(curl -s -o "$work/check.out" -w '%{http_code}' -H 'Content-Type: application/json' \
            "${headers[@]}" "$url")
        if [ "$server/$trigger/$status" = txmail/webhook/404 ]; then
            echo "txmail has no POST /webhooks/stripe yet (404): webhook runs skipped" >&2
            triggers=(user-registered)
        elif [ "${status:0:1}" != 2 ]; then
            echo "$server $trigger: HTTP $status from $url: $(cat "$work/check.out")" >&2
            exit 1
        fi
    done
done

results=$work/results
idle=$(/usr/bin/python3 bench/rss_sampler.py --pid "$txmail_pid" --seconds 1)
echo "idle txmail $idle" >> "$results"
idle=$(/usr/bin/python3 bench/rss_sampler.py --pid "$django_pid" --seconds 1)
echo "idle django $idle" >> "$results"
idle=$(/usr/bin/python3 bench/rss_sampler.py --pid "$django_tls_pid" --seconds 1)
echo "idle django-send-tls $idle" >> "$results"
echo "load before: $(uptime)" >&2
for round in $(seq "$ROUNDS"); do
    for trigger in "${triggers[@]}"; do
        requests=$work/user-registered.txt
        extra=()
        if [ "$trigger" = webhook ]; then
            # One set per round for the four servers (txmail and Django keep separate
            # databases), signed now: the round lasts well under the 300 s tolerance.
            requests=$work/events.txt
            /usr/bin/python3 bench/stripe_payloads.py --fixture "$fixture" --secret "$secret" \
                --customer "$user_customer" --count $((EVENTS_PER_SECOND * SECONDS_PER_RUN)) \
                --tag "round$round" --out "$requests"
            extra=(Stripe-Signature)
        fi
        for server in "${servers[@]}"; do
            read -r url pid <<< "$(target "$server" "$trigger")"
            [ "$server" = txmail ] && auth=(-H "Authorization: Bearer $token") || auth=()
            /usr/bin/python3 bench/rss_sampler.py --pid "$pid" --seconds "$SECONDS_PER_RUN" \
                --interval 0.25 > "$work/rss" &
            sampler=$!
            wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --timeout 10s \
                "${auth[@]}" -s bench/http_post.lua "$url" -- "$requests" "$THREADS" "${extra[@]}" \
                > "$work/wrk.out"
            wait "$sampler"
            drain=
            if [ "$server" = txmail ]; then
                # Its dispatcher delivers what the run queued before the next server is measured:
                # left to run on, its sending would take CPU from Django's runs.
                backlog=$(undelivered "$txmail_url") drain_started=$(date +%s%N)
                until [ "$(undelivered "$txmail_url")" = 0 ]; do sleep 0.2; done
                drain="drained=$backlog drain_ms=$((($(date +%s%N) - drain_started) / 1000000))"
            else
                # gunicorn's sync workers still take, answer and mail the requests wrk left queued
                # (up to one per connection) after it has gone: ~0.7 s of work for django-send-tls
                # in a smoke run, which would take CPU from the next server's run.
                port=${url#http://127.0.0.1:}
                wait_until 60 idle "${port%%/*}" ||
                    echo "$server: connections still open 60 s after its run" >&2
            fi
            line="$server $trigger $(sed -n 's/^RESULT //p' "$work/wrk.out") $(cat "$work/rss") $drain"
            echo "round $round/$ROUNDS: $line" >&2
            echo "$line" >> "$results"
        done
    done
done
# Latency at the rate the aim names: txmail alone, open loop (bench_http_rate: each request due at
# a fixed time, its latency counted from then), at AIM_RATIO x the median req/s RATE_PEER answered
# above. wrk's closed loop cannot show it: its latency at saturation is CONNECTIONS / req/s.
# Each run is followed by its floor: the same load, rate and client on GET /healthz, which txmail
# answers without a handler's work or a commit. Its p99 is what this machine, the client and the
# HTTP layer alone cost at that rate, so a p99 above the aim can be read as the code's or the
# machine's (on a shared two-core host it moved from 1 to 11 ms between runs minutes apart).
for trigger in "${triggers[@]}"; do
    rate_source=$RATE_PEER
    [ -n "$FIXED_RATE" ] && rate_source=fixed
    rate=${FIXED_RATE:-$(/usr/bin/python3 -c '
import statistics, sys
path, peer, trigger, ratio = sys.argv[1:]
rates = [int(f["requests"]) / (int(f["duration_us"]) / 1e6)
         for w in map(str.split, open(path)) if w[:2] == [peer, trigger]
         for f in [dict(x.split("=") for x in w[2:])]]
print(round(statistics.median(rates) * float(ratio)))' "$results" "$RATE_PEER" "$trigger" "$AIM_RATIO")}
    read -r url _ <<< "$(target txmail "$trigger")"
    for round in $(seq "$RATE_ROUNDS"); do
        requests=$work/user-registered.txt
        options=(--auth "$token")
        if [ "$trigger" = webhook ]; then
            requests=$work/events.txt
            /usr/bin/python3 bench/stripe_payloads.py --fixture "$fixture" --secret "$secret" \
                --customer "$user_customer" --count $((rate * SECONDS_PER_RUN)) \
                --tag "rate$round" --out "$requests"
            options=(--header Stripe-Signature)
        fi
        syncs_before=$(sync_buckets "$txmail_url")
        "$rate_tool" --url "$url" --rate "$rate" --seconds "$SECONDS_PER_RUN" \
            --connections "$RATE_CONNECTIONS" --file "$requests" "${options[@]}" > "$work/rate.out"
        syncs_after=$(sync_buckets "$txmail_url")
        until [ "$(undelivered "$txmail_url")" = 0 ]; do sleep 0.2; done
        line="rate $trigger peer=$rate_source $(sed -n 's/^RESULT //p' "$work/rate.out")"
        line+=" syncs_before=$syncs_before syncs_after=$syncs_after"
        echo "fixed rate $round/$RATE_ROUNDS: $line" >&2
        echo "$line" >> "$results"
        "$rate_tool" --url "$txmail_url/healthz" --rate "$rate" --seconds "$SECONDS_PER_RUN" \
            --connections "$RATE_CONNECTIONS" --method GET > "$work/rate.out"
        line="floor $trigger $(sed -n 's/^RESULT //p' "$work/rate.out")"
        echo "floor $round/$RATE_ROUNDS: $line" >&2
        echo "$line" >> "$results"
    done
done
echo "load after: $(uptime)" >&2
# Its counters come when it stops: proof that django-send-tls's mail went over STARTTLS + AUTH.
kill -TERM "$tls_sink_pid"
wait "$tls_sink_pid" || { echo "tls_smtp_sink failed:" >&2; cat "$work/tls-sink.err" >&2; }
echo "sink django-send-tls $(grep '^connections=' "$work/tls-sink.out")" >> "$results"
queued=$(env -i PATH="$PATH" TXMAIL_ENV_FILE=/dev/null \
    TXMAIL_DATABASE_URL="sqlite:///$work/txmail.db" "$txmail" outbox stats 2>&1 || true)

/usr/bin/python3 - "$results" "$ROUNDS" "$SECONDS_PER_RUN" "$THREADS" "$CONNECTIONS" \
    "$GUNICORN_WORKERS" <<'PY'
import statistics, sys
path, rounds, seconds, threads, connections, workers = sys.argv[1:]
runs, idle, sink = {}, {}, {}
for line in open(path):
    words = line.split()
    fields = dict(w.split("=") for w in words[2:])
    if words[0] == "idle":
        idle[words[1]] = int(fields["rss_median_kb"]) / 1024
        continue
    if words[0] == "sink":
        sink = {k: int(v) for k, v in fields.items()}
        continue
    if words[0] in ("rate", "floor"):  # the fixed-rate phase, below
        continue
    runs.setdefault((words[0], words[1]), []).append({k: int(v) for k, v in fields.items()})

print(f"HTTP API under wrk -t{threads} -c{connections}, {rounds} rounds x {seconds} s per "
      f"target, medians; Django 3.2 on gunicorn with {workers} sync workers; RSS summed over "
      f"all processes of the server (txmail serve: 1; gunicorn: master + {workers} workers)")
print(f"idle RSS: txmail {idle['txmail']:.1f} MiB, gunicorn + Django {idle['django']:.1f} MiB")
print(f"django-send-tls: the same send views on a second gunicorn ({workers} sync workers, its own "
      f"RSS), mailing with STARTTLS + AUTH LOGIN on every email as the original did; idle RSS "
      f"{idle['django-send-tls']:.1f} MiB")
rate = {}
for trigger in ("user-registered", "webhook"):
    if not any(t == trigger for _, t in runs):
        continue
    print(f"\n{trigger}")
    print(f"  {'':16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'RSS steady':>12}{'RSS peak':>10}"
          f"{'PSS':>8}  errors  runs (req/s)")
    for server in ("txmail", "django-send", "django-send-tls", "django-row"):
        r = runs[(server, trigger)]
        per_run = [x["requests"] / (x["duration_us"] / 1e6) for x in r]
        rate[(server, trigger)] = statistics.median(per_run)
        errors = sum(x["status_errors"] + x["socket_errors"] for x in r)
        wraps = sum(x["wraps"] for x in r)
        print(f"  {server:16}{rate[(server, trigger)]:9.0f}"
              f"{statistics.median(x['p50_us'] for x in r) / 1000:9.2f}"
              f"{statistics.median(x['p99_us'] for x in r) / 1000:9.2f}"
              f"{statistics.median(x['rss_median_kb'] for x in r) / 1024:9.1f} MiB"
              f"{max(x['rss_peak_kb'] for x in r) / 1024:7.1f} MiB"
              f"{statistics.median(x['pss_median_kb'] for x in r) / 1024:5.0f} MiB"
              f"{errors:6}  [{', '.join(f'{v:.0f}' for v in per_run)}]"
              + (f"  (events repeated {wraps} times: raise EVENTS_PER_SECOND)"
                 if wraps and trigger == "webhook" else ""))
    txmail_runs = runs[("txmail", trigger)]
    if all("drained" in x for x in txmail_runs):
        print(f"  txmail's dispatcher, after each run, delivered what was still queued: "
              f"{statistics.median(x['drained'] for x in txmail_runs):.0f} messages in "
              f"{statistics.median(x['drain_ms'] for x in txmail_runs) / 1000:.1f} s (medians)")
    steady = {s: statistics.median(x["rss_median_kb"] for x in runs[(s, trigger)])
              for s in ("txmail", "django-send", "django-send-tls")}
    p99 = {s: statistics.median(x["p99_us"] for x in runs[(s, trigger)]) / 1000
           for s in ("txmail", "django-send-tls")}
    print(f"  ratios: txmail vs django-send {rate[('txmail', trigger)] / rate[('django-send', trigger)]:.1f}x req/s "
          f"(aim >= 20x), vs django-row {rate[('txmail', trigger)] / rate[('django-row', trigger)]:.1f}x; "
          f"RSS django-send / txmail {steady['django-send'] / steady['txmail']:.1f}x (aim >= 10x); "
          f"txmail p99 {statistics.median(x['p99_us'] for x in runs[('txmail', trigger)]) / 1000:.1f} ms "
          f"(aim < 10 ms)")
    print(f"  ratios vs django-send-tls (STARTTLS + AUTH LOGIN per email, as the original sent): "
          f"txmail {rate[('txmail', trigger)] / rate[('django-send-tls', trigger)]:.1f}x req/s "
          f"(aim >= 20x); RSS django-send-tls / txmail "
          f"{steady['django-send-tls'] / steady['txmail']:.1f}x (aim >= 10x); p99 txmail "
          f"{p99['txmail']:.1f} ms (aim < 10 ms), django-send-tls {p99['django-send-tls']:.1f} ms")

# Open loop at the aim's rate: latency counted from when each request was due.
rates, floors = {}, {}
for line in open(path):
    words = line.split()
    if words[0] in ("rate", "floor"):
        fields = dict(w.split("=") for w in words[2:])
        (rates if words[0] == "rate" else floors).setdefault(words[1], []).append(fields)
for trigger, r in rates.items():
    med = lambda key: statistics.median(int(x[key]) for x in r)
    answered = [int(x["requests"]) / (int(x["duration_us"]) / 1e6) for x in r]
    per_run_p99 = [f"{int(x['p99_us']) / 1000:.1f}" for x in r]
    due_from = "FIXED_RATE" if r[0]["peer"] == "fixed" else f"{r[0]['peer']} x the aim's ratio"
    print(f"\n{trigger} at a fixed rate (open loop, bench_http_rate, {len(r)} runs of {seconds} s, "
          f"medians): {r[0]['rate']} req/s due = {due_from}; answered "
          f"{statistics.median(answered):.0f} req/s; latency from when due: p50 "
          f"{med('p50_us') / 1000:.2f} ms, p99 {med('p99_us') / 1000:.2f} ms (aim < 10 ms), p99.9 "
          f"{med('p999_us') / 1000:.2f} ms, max {med('max_us') / 1000:.1f} ms; sent late (> 1 ms "
          f"after due) {med('late'):.0f}; errors "
          f"{sum(int(x['status_errors']) + int(x['socket_errors']) + int(x['unanswered']) for x in r)}"
          f"; p99 per run [{', '.join(per_run_p99)}] ms")
    f = floors.get(trigger, [])
    if f:
        floor = lambda key: statistics.median(int(x[key]) for x in f)
        floor_p99 = [f"{int(x['p99_us']) / 1000:.1f}" for x in f]
        print(f"  its floor, GET /healthz at the same rate after each run (no handler work, no "
              f"commit): p50 {floor('p50_us') / 1000:.2f} ms, p99 {floor('p99_us') / 1000:.2f} ms, "
              f"max {floor('max_us') / 1000:.1f} ms; p99 per run "
              f"[{', '.join(floor_p99)}] ms")
    # The disk under it: the WAL's syncs during each run (txmail_store_sync_duration_seconds),
    # which every answer waits for; at this rate one sync of 40 ms holds ~1% of a run's answers.
    def syncs(run):
        cumulative = [{le: int(n) for le, n in (b.split(":") for b in run[k].split(","))}
                      for k in ("syncs_before", "syncs_after")]
        return {le: cumulative[1][le] - cumulative[0].get(le, 0) for le in cumulative[1]}
    def slowest(counts):
        bounds = sorted((float(le), n) for le, n in counts.items() if le != "+Inf")
        return next((f"{b * 1000:g} ms" for b, n in bounds if n == counts["+Inf"]), "> 1 s")
    if all("syncs_after" in x for x in r):
        runs_syncs = [syncs(x) for x in r]
        over = lambda le: ", ".join(str(c["+Inf"] - c[le]) for c in runs_syncs)
        print(f"  its disk, the WAL's syncs during each run: "
              f"{statistics.median(c['+Inf'] for c in runs_syncs):.0f} a run (median); slower "
              f"than 10 ms per run [{over('0.01')}], slower than 25 ms [{over('0.025')}]; the "
              f"slowest at most [{', '.join(slowest(c) for c in runs_syncs)}]")

# What django-send-tls's SMTP server saw: every message over STARTTLS and AUTH LOGIN. Before the
# runs each server answered one check per trigger; a run's last requests, in flight when wrk stops,
# are still sent: so a few more messages than answers.
tls_runs = [x for (server, _), r in runs.items() if server == "django-send-tls" for x in r]
answered = sum(x["requests"] - x["status_errors"] for x in tls_runs)
checks = 2
busy = sum(x["duration_us"] for x in tls_runs) / 1e6
if not sink:
    sys.exit("django-send-tls's SMTP server printed no counters (see above)")
print(f"\ndjango-send-tls's SMTP server (bench/tls_smtp_sink.py): {sink['connections']} "
      f"connections, {sink['starttls']} STARTTLS, {sink['auth_ok']} AUTH LOGIN accepted "
      f"({sink['auth_failed']} refused), {sink['messages']} messages accepted, for {answered} "
      f"requests answered by django-send-tls in the runs (+ {checks} checks before them); its "
      f"CPU {sink['cpu_ms'] / 1000:.1f} s, {sink['cpu_ms'] / 1000 / busy:.2f} cores over those "
      f"runs")
if not (sink["messages"] == sink["auth_ok"] == sink["starttls"] == sink["connections"]
        and sink["auth_failed"] == 0 and sink["messages"] >= answered + checks):
    print("  WARNING: not one STARTTLS, one AUTH and one message per connection for each answer")
PY
echo "txmail outbox after the run (its dispatcher delivered during the runs):"
echo "$queued" | sed 's/^/  /'
