// Open-loop HTTP load at a fixed rate, for bench/run-http.sh: the latency issue 7 aims at (p99
// under 10 ms) at the rate it aims at (20x the original's requests/s).
//
// Why not wrk alone: wrk keeps N requests in flight and sends the next only when one is answered
// (a closed loop). Its latency at saturation is the queue it builds itself, N / rate, whatever the
// server does; and a server that stalls is simply sent less during the stall, which hides it
// ("coordinated omission"). Here request i is due at start + i / rate whatever happened before,
// and its latency counts from when it was due, so a stall shows in every request it delayed: the
// method of wrk2, which Debian does not package. A due request waits for an idle connection;
// there are at most --connections of them, opened as needed.
//
// Usage: bench_http_rate --url http://127.0.0.1:PORT/PATH --rate R --seconds S --file F
//                        [--connections C] [--header NAME] [--auth TOKEN]
//        bench_http_rate --url http://127.0.0.1:PORT/healthz --rate R --seconds S --method GET
//        [--timeline T]: also writes to T one line per answered request, "DUE LATENCY" in µs, DUE
//        on CLOCK_MONOTONIC (steady_clock on Linux), so that a tail can be set beside what the
//        server did at that moment (`perf record -k CLOCK_MONOTONIC` stamps events on that clock).
// F holds one POST body per line, or with --header "VALUE<TAB>BODY" (VALUE is sent in NAME,
// e.g. Stripe-Signature); lines are sent in order and `wraps` counts how often the file started
// again. --method GET sends bodiless GETs instead: the same loop on a request that does nothing
// (run-http.sh's floor: what the machine, this client and the HTTP layer alone cost at R). Prints
// one line: RESULT requests= duration_us= rate= p50_us= p99_us= p999_us= max_us= status_errors=
// socket_errors= unanswered= late= wraps= (late: sent more than 1 ms after due).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <utility>  // before Boost 1.74's asio/awaitable.hpp, which uses std::exchange without it
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string host, port, target;
    double rate = 0;
    double seconds = 10;
    int connections = 64;
    std::string file, header, auth, timeline;
    bool get = false;  // --method GET: bodiless GETs, no --file
};

struct Line {
    std::string value;  // for --header; empty without
    std::string body;
};

struct Due {
    Clock::time_point at;
    std::size_t line;
};

struct Tally {
    std::vector<std::int64_t> latency_us;
    std::vector<std::int64_t> due_us;  // of each latency_us, on steady_clock; with --timeline
    long status_errors = 0, socket_errors = 0, late = 0;
};

std::optional<Options> parse(int argc, char** argv) {
    std::map<std::string, std::string> given;
    for (int i = 1; i + 1 < argc; i += 2)
        given[argv[i]] = argv[i + 1];
    Options options;
    const std::string url = given["--url"];
    const std::string scheme = "http://";
    options.get = given["--method"] == "GET";
    if (!given["--method"].empty() && !options.get && given["--method"] != "POST")
        return std::nullopt;
    if (!url.starts_with(scheme) || given["--rate"].empty() ||
        given["--file"].empty() != options.get)
        return std::nullopt;
    const auto slash = url.find('/', scheme.size());
    const std::string authority = url.substr(scheme.size(), slash - scheme.size());
    const auto colon = authority.rfind(':');
    options.host = authority.substr(0, colon);
    options.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
    options.target = slash == std::string::npos ? "/" : url.substr(slash);
    options.rate = std::stod(given["--rate"]);
    if (!given["--seconds"].empty())
        options.seconds = std::stod(given["--seconds"]);
    if (!given["--connections"].empty())
        options.connections = std::stoi(given["--connections"]);
    options.file = given["--file"];
    options.header = given["--header"];
    options.auth = given["--auth"];
    options.timeline = given["--timeline"];
    return options.rate > 0 && options.connections > 0 ? std::optional(options) : std::nullopt;
}

std::vector<Line> read_lines(const Options& options) {
    if (options.get)
        return {Line{}};
    std::vector<Line> lines;
    std::ifstream in(options.file);
    for (std::string text; std::getline(in, text);) {
        if (options.header.empty()) {
            lines.push_back({{}, text});
            continue;
        }
        const auto tab = text.find('\t');
        lines.push_back({text.substr(0, tab), text.substr(tab + 1)});
    }
    return lines;
}

class Load {
  public:
    Load(const Options& options, std::vector<Line> lines)
        : options_(options), lines_(std::move(lines)) {}

    // Runs the whole load; returns when every request is answered or has failed.
    Tally run() {
        tcp::resolver resolver(io_);
        endpoints_ = resolver.resolve(options_.host, options_.port);
        asio::co_spawn(io_, schedule(), asio::detached);
        io_.run();
        return std::move(tally_);
    }

    long wraps() const { return wraps_; }
    long unanswered() const { return static_cast<long>(waiting_.size()) + in_flight_; }

  private:
    struct Connection {
        explicit Connection(asio::io_context& io) : socket(io), wake(io) {}
        tcp::socket socket;
        asio::steady_timer wake;  // at "never"; cancelled to hand it a due request
    };

    asio::awaitable<void> schedule() {
        const auto period = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(1.0 / options_.rate));
        const auto count = static_cast<std::size_t>(options_.rate * options_.seconds);
        asio::steady_timer timer(io_);
        start_ = Clock::now();
        for (std::size_t i = 0; i < count; ++i) {
            const auto due = start_ + period * static_cast<long>(i);
            if (due > Clock::now()) {
                timer.expires_at(due);
                co_await timer.async_wait(asio::use_awaitable);
            }
            waiting_.push_back({due, i % lines_.size()});
            if (i > 0 && i % lines_.size() == 0)
                ++wraps_;
            hand_out();
        }
        scheduling_ = false;
        for (Connection* idle : idle_)
            idle->wake.cancel();
    }

    void hand_out() {
        if (!idle_.empty()) {
            Connection* idle = idle_.back();
            idle_.pop_back();
            idle->wake.cancel();
        } else if (open_ < options_.connections) {
            ++open_;
            asio::co_spawn(io_, serve(), asio::detached);
        }
    }

    asio::awaitable<void> serve() {
        auto connection = std::make_unique<Connection>(io_);
        boost::system::error_code error;
        co_await asio::async_connect(connection->socket, endpoints_,
                                     asio::redirect_error(asio::use_awaitable, error));
        if (error) {
            // Fails the request it was opened for, so that a refusing server ends the run.
            ++tally_.socket_errors;
            if (!waiting_.empty())
                waiting_.pop_front();
        }
        boost::beast::flat_buffer buffer;
        while (!error) {
            if (waiting_.empty()) {
                if (!scheduling_)
                    break;
                idle_.push_back(connection.get());
                connection->wake.expires_at(Clock::time_point::max());
                boost::system::error_code woken;
                co_await connection->wake.async_wait(
                    asio::redirect_error(asio::use_awaitable, woken));
                continue;
            }
            const Due due = waiting_.front();
            waiting_.pop_front();
            ++in_flight_;
            if (Clock::now() - due.at > std::chrono::milliseconds(1))
                ++tally_.late;
            http::request<http::string_body> request{
                options_.get ? http::verb::get : http::verb::post, options_.target, 11};
            request.set(http::field::host, options_.host);
            if (!options_.get)
                request.set(http::field::content_type, "application/json");
            if (!options_.auth.empty())
                request.set(http::field::authorization, "Bearer " + options_.auth);
            const Line& line = lines_[due.line];
            if (!options_.header.empty())
                request.set(options_.header, line.value);
            if (!options_.get) {
                request.body() = line.body;
                request.prepare_payload();
            }
            co_await http::async_write(connection->socket, request,
                                       asio::redirect_error(asio::use_awaitable, error));
            http::response<http::string_body> response;
            if (!error)
                co_await http::async_read(connection->socket, buffer, response,
                                          asio::redirect_error(asio::use_awaitable, error));
            --in_flight_;
            if (error) {
                ++tally_.socket_errors;
                break;
            }
            tally_.latency_us.push_back(
                std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - due.at)
                    .count());
            if (!options_.timeline.empty())
                tally_.due_us.push_back(
                    std::chrono::duration_cast<std::chrono::microseconds>(due.at.time_since_epoch())
                        .count());
            if (response.result_int() / 100 != 2)
                ++tally_.status_errors;
        }
        std::erase(idle_, connection.get());
        --open_;
        // A connection that failed leaves its share to the others, or to a new one.
        if (!waiting_.empty())
            hand_out();
    }

    const Options& options_;
    std::vector<Line> lines_;
    asio::io_context io_;
    tcp::resolver::results_type endpoints_;
    Clock::time_point start_;
    std::deque<Due> waiting_;
    std::vector<Connection*> idle_;
    int open_ = 0;
    long in_flight_ = 0;
    bool scheduling_ = true;
    long wraps_ = 0;
    Tally tally_;
};

std::int64_t percentile(const std::vector<std::int64_t>& sorted, double fraction) {
    if (sorted.empty())
        return 0;
    const auto rank = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
    return sorted[rank];
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse(argc, argv);
    if (!options) {
        std::cerr
            << "usage: bench_http_rate --url http://HOST:PORT/PATH --rate R --file F "
               "[--seconds S] [--connections C] [--header NAME] [--auth TOKEN] [--timeline T]\n"
               "       bench_http_rate --url http://HOST:PORT/PATH --rate R --method GET "
               "[--seconds S] [--connections C] [--auth TOKEN]\n";
        return 2;
    }
    auto lines = read_lines(*options);
    if (lines.empty()) {
        std::cerr << "bench_http_rate: no request in " << options->file << "\n";
        return 2;
    }
    Load load(*options, std::move(lines));
    const auto started = Clock::now();
    Tally tally = load.run();
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    if (!options->timeline.empty()) {
        std::ofstream timeline(options->timeline);
        for (std::size_t i = 0; i < tally.latency_us.size(); ++i)
            timeline << tally.due_us[i] << ' ' << tally.latency_us[i] << '\n';
    }
    std::ranges::sort(tally.latency_us);
    std::printf(
        "RESULT requests=%zu duration_us=%lld rate=%.0f p50_us=%lld p99_us=%lld p999_us=%lld "
        "max_us=%lld status_errors=%ld socket_errors=%ld unanswered=%ld late=%ld wraps=%ld\n",
        tally.latency_us.size(), static_cast<long long>(elapsed), options->rate,
        static_cast<long long>(percentile(tally.latency_us, 0.50)),
        static_cast<long long>(percentile(tally.latency_us, 0.99)),
        static_cast<long long>(percentile(tally.latency_us, 0.999)),
        static_cast<long long>(tally.latency_us.empty() ? 0 : tally.latency_us.back()),
        tally.status_errors, tally.socket_errors, load.unanswered(), tally.late, load.wraps());
    return 0;
}
