# Sourced by the HTTP benchmarks (run-http.sh, compare-http-cpu.sh), from the repository's root,
# with `bench_name` set: what they share. Sourcing it sets the benchmark's secrets (values for
# benchmarks only, not secrets), its user and Stripe fixture, and `work`, a temporary directory
# removed on exit with every process whose pid is added to `pids`; it defines the functions that
# start smtp-sink and `txmail serve` the same way in each, and the polling they share.

secret=whsec_benchmark_only
token=benchmark-only-token
user='1,zoe@example.com,Zoe Example,cus_TxmailFixture01'
fixture=tests/fixtures/stripe/invoice.payment_failed.json
# On disk by default, as deployed: every commit waits for fsync. DATABASE_DIR=/dev/shm shows what
# the disk costs.
work=$(mktemp -d "${DATABASE_DIR:-${TMPDIR:-/tmp}}/txmail-$bench_name.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds, fails after SECONDS.
wait_until() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1"); }
# idle PORT: no connection to the server on PORT is open (established, closing, being accepted),
# from /proc/net/tcp (loopback IPv4) rather than ss, which needs iproute2.
idle() {
    awk -v port="$(printf '%04X' "$1")" 'NR > 1 { split($2, local, ":")
        if (local[2] == port && ($4 == "01" || $4 == "03" || $4 == "08")) n++ }
        END { exit n > 0 }' /proc/net/tcp
}
# undelivered URL: what txmail still has to do from its /metrics: messages to deliver (queued,
# being sent, or due again) and Stripe events answered for and not acted on yet.
undelivered() {
    curl -s "$1/metrics" |
        awk '/^txmail_queue_depth\{state="(queued|sending|retry)"\}/ ||
             /^txmail_stripe_events_received / {n += $2} END {print n + 0}'
}
# sync_buckets URL: txmail_store_sync_duration_seconds's cumulative buckets from /metrics, as
# le:count,... (a run's syncs are the difference of two of these).
sync_buckets() {
    curl -s "$1/metrics" |
        sed -n 's/^txmail_store_sync_duration_seconds_bucket{le="\([^"]*\)"} \([0-9]*\)$/\1:\2/p' |
        paste -sd, -
}

# start_smtp_sink: postfix's smtp-sink on a free port, standing in for smtp.office365.com; sets
# sink_port.
start_smtp_sink() {
    sink_port=$(free_port)
    local user_option=()
    [ "$(id -u)" = 0 ] && user_option=(-u nobody)  # smtp-sink refuses to run as root
    /usr/sbin/smtp-sink "${user_option[@]}" -a "127.0.0.1:$sink_port" 1024 &
    pids+=($!)
    wait_until 5 listening "$sink_port" || { echo "smtp-sink did not start" >&2; exit 1; }
}

# start_txmail BINARY DIR: `txmail serve` with its database in DIR, mailing to smtp-sink, on
# port 0 (the real one comes from its "listening on" line), with the benchmark's user; sets
# txmail_pid and txmail_url.
start_txmail() {
    local binary=$1 dir=$2
    mkdir -p "$dir"
    env -i PATH="$PATH" TXMAIL_ENV_FILE=/dev/null TXMAIL_LISTEN=127.0.0.1:0 \
        TXMAIL_DATABASE_URL="sqlite:///$dir/txmail.db" EMAIL_BACKEND=smtp EMAIL_HOST=127.0.0.1 \
        EMAIL_PORT="$sink_port" EMAIL_RATE_LIMIT=none TXMAIL_API_TOKEN="$token" \
        STRIPE_WEBHOOK_SECRET="$secret" DEFAULT_FROM_EMAIL="Boritrader <noreply@boritrader.com>" \
        "$binary" serve > "$dir/txmail.out" 2> "$dir/txmail.err" &
    txmail_pid=$!
    pids+=("$txmail_pid")
    wait_until 10 grep -q 'listening on' "$dir/txmail.out" ||
        { echo "txmail serve did not start:" >&2; cat "$dir/txmail.err" >&2; exit 1; }
    txmail_url=$(sed -n 's/.*listening on //p' "$dir/txmail.out")
    local user_id user_email user_name user_customer
    IFS=, read -r user_id user_email user_name user_customer <<< "$user"
    curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' \
        -d "{\"email\":\"$user_email\",\"name\":\"$user_name\",\"stripe_customer_id\":\"$user_customer\"}" \
        "$txmail_url/v1/users/$user_id"
}
