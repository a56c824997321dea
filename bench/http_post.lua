-- wrk script for bench/run-http.sh: POSTs the requests of a file, one per line, and prints one
-- machine-readable RESULT line at the end.
-- Arguments (after --): FILE THREADS [HEADER]. With HEADER, a line is "VALUE<TAB>BODY" and VALUE
-- is sent in that header (Stripe-Signature); without, a line is the body. The lines are dealt
-- round-robin to the threads (all to each when there are fewer lines than threads) and each
-- thread cycles through its share; `wraps` counts how often a thread started its share again
-- (repeated Stripe events are duplicates, so for the webhook the runner wants 0).
-- Headers given with -H (Authorization) are sent on every request.
local threads = {}

function setup(thread)
    thread:set("index", #threads)
    table.insert(threads, thread)
end

function init(args)
    local file, count, header = args[1], tonumber(args[2]), args[3]
    bodies, values, position, wraps = {}, {}, 0, 0
    headers = {}
    for name, value in pairs(wrk.headers) do
        headers[name] = value
    end
    headers["Content-Type"] = "application/json"
    local lines = 0
    for _ in io.lines(file) do
        lines = lines + 1
    end
    local n = 0
    for line in io.lines(file) do
        -- Fewer lines than threads (one static body): every thread sends them all.
        if lines < count or n % count == index then
            if header then
                local tab = line:find("\t", 1, true)
                table.insert(values, line:sub(1, tab - 1))
                table.insert(bodies, line:sub(tab + 1))
            else
                table.insert(bodies, line)
            end
        end
        n = n + 1
    end
    signature_header = header
end

function request()
    position = position + 1
    if position > #bodies then
        position, wraps = 1, wraps + 1
    end
    if signature_header then
        headers[signature_header] = values[position]
    end
    return wrk.format("POST", nil, headers, bodies[position])
end

function done(summary, latency, requests)
    local wrapped = 0
    for _, thread in ipairs(threads) do
        wrapped = wrapped + thread:get("wraps")
    end
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d " ..
        "socket_errors=%d wraps=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        e.status, e.connect + e.read + e.write + e.timeout, wrapped))
end
