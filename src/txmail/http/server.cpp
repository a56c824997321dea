// Boost 1.74's Asio needs <utility> before it on GCC 12 (DESIGN.md "Dependencies").
#include <utility>

#include "txmail/http/server.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "txmail/util/thread_name.h"

namespace txmail::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// Room for a request's header and a typical body (a Stripe event is 2 - 10 KB) in one read.
constexpr std::size_t read_buffer_bytes = 8 * 1024;

// One accepted connection. Its stream runs on its own strand; `busy` is only touched there.
struct Connection {
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    bool busy = false;
};

Request to_request(const bhttp::request<bhttp::string_body>& in, std::string remote) {
    Request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    for (const auto& field : in) {
        out.headers.insert_or_assign(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = in.body();
    out.remote_address = std::move(remote);
    return out;
}

bhttp::response<bhttp::string_body> to_beast(const Response& in, unsigned version, bool head) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(in.status), version};
    out.set(bhttp::field::server, "txmail");
    out.set(bhttp::field::content_type, in.content_type);
    for (const auto& [name, value] : in.headers)
        out.set(name, value);
    if (head) {
        out.content_length(in.body.size());
    } else {
        out.body() = in.body;
        out.prepare_payload();
    }
    return out;
}

}  // namespace

struct Server::State {
    State(ServerOptions o, const Router& r, RequestObserver obs)
        : options(std::move(o)),
          router(r),
          observer(std::move(obs)),
          io(static_cast<int>(options.io_threads)),
          handlers(options.handler_threads),
          acceptor(asio::make_strand(io)) {}

    ServerOptions options;
    const Router& router;
    RequestObserver observer;
    asio::io_context io;
    asio::thread_pool handlers;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};
    std::mutex mutex;
    std::condition_variable drained;
    std::vector<std::weak_ptr<Connection>> connections;
    std::size_t open_connections = 0;
    bool stopped = false;

    void observe(const Request& request, int status, double seconds) const {
        if (observer)
            observer(router.route_of(request), request.method, status, seconds);
    }

    asio::awaitable<void> write(Connection& c, const Response& response, unsigned version,
                                bool keep_alive, bool head = false) {
        auto message = to_beast(response, version, head);
        message.keep_alive(keep_alive);
        beast::error_code ec;
        c.stream.expires_after(options.read_timeout);
        co_await bhttp::async_write(c.stream, message,
                                    asio::redirect_error(asio::use_awaitable, ec));
    }

    // After refusing a request mid-body, half-close and read what the client is still sending
    // (bounded in bytes and time): closing at once would reset the connection and the client,
    // still writing, would never read the 413 it was sent.
    asio::awaitable<void> drain(Connection& c) {
        beast::error_code ec;
        c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        std::array<char, 16 * 1024> sink;
        std::size_t total = 0;
        c.stream.expires_after(std::chrono::seconds(2));
        while (!ec && total < 8 * options.body_limit) {
            total += co_await c.stream.async_read_some(
                asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    // Runs the router on the handler pool. The answer may come later from another thread (a
    // deferred handler's commit): it resumes the session on its own strand. It may also come
    // before router.handle() has returned on the pool thread, which is why the router and its
    // handlers touch nothing of the request once a deferred handler has been called.
    asio::awaitable<Response> answer(const Request& request) {
        co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
            [this, &request](auto handler) {
                auto waiting = std::make_shared<decltype(handler)>(std::move(handler));
                asio::post(handlers, [this, &request, waiting] {
                    router.handle(request, [waiting](Response response) {
                        asio::post(asio::get_associated_executor(*waiting),
                                   [waiting, response = std::move(response)]() mutable {
                                       (*waiting)(std::move(response));
                                   });
                    });
                });
            },
            asio::use_awaitable);
    }

    asio::awaitable<void> session(std::shared_ptr<Connection> c) {
        beast::flat_buffer buffer;
        // Beast reads as much as the buffer has room for, at least 512 bytes, and the parser
        // empties it as it goes: from an empty buffer, a 6 KB Stripe event took 9 reads, and
        // as many trips through the reactor. With this room, most requests take one.
        buffer.reserve(read_buffer_bytes);
        beast::error_code ec;
        const std::string remote = c->stream.socket().remote_endpoint(ec).address().to_string();
        while (!stopping) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
            parser.body_limit(options.body_limit);
            c->stream.expires_after(options.read_timeout);
            co_await bhttp::async_read_header(c->stream, buffer, parser,
                                              asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                c->busy = true;
                // curl asks before sending a large body; answer so it does not wait a second.
                if (parser.get()[bhttp::field::expect] == "100-continue") {
                    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_,
                                                             parser.get().version()};
                    co_await bhttp::async_write(c->stream, go_on,
                                                asio::redirect_error(asio::use_awaitable, ec));
                }
                if (!ec) {
                    co_await bhttp::async_read(c->stream, buffer, parser,
                                               asio::redirect_error(asio::use_awaitable, ec));
                }
            }
            if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
                ec == beast::error::timeout || ec == asio::error::eof ||
                ec == asio::error::connection_reset) {
                break;
            }
            if (ec == bhttp::error::body_limit) {
                co_await write(*c,
                               Response::error(413, "payload_too_large",
                                               "the request body is larger than " +
                                                   std::to_string(options.body_limit) + " bytes"),
                               11, false);
                co_await drain(*c);
                break;
            }
            if (ec == bhttp::error::header_limit) {
                co_await write(
                    *c,
                    Response::error(431, "headers_too_large", "the request headers are too large"),
                    11, false);
                break;
            }
            if (ec) {
                co_await write(*c, Response::error(400, "bad_request", ec.message()), 11, false);
                break;
            }

            const auto started = std::chrono::steady_clock::now();
            const auto& in = parser.get();
            Request request = to_request(in, remote);
            Response response;
            if (!parse_target(request.target, request.path, request.query)) {
                response = Response::error(400, "bad_request",
                                           "the request target is not valid percent-encoding "
                                           "of UTF-8 text without control characters");
            } else {
                response = co_await answer(request);
            }
            const bool keep_alive = in.keep_alive() && !stopping;
            co_await write(*c, response, in.version(), keep_alive, request.method == "HEAD");
            observe(
                request, response.status,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
            c->busy = false;
            if (!keep_alive || ec)
                break;
        }
        c->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        c->stream.socket().close(ec);
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            beast::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(
                asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
            if (stopping)
                co_return;
            if (ec) {
                // Out of descriptors and the like: keep serving the connections already open.
                spdlog::warn("http: accept failed: {}", ec.message());
                continue;
            }
            auto c = std::make_shared<Connection>(std::move(socket));
            {
                std::lock_guard lock(mutex);
                ++open_connections;
                std::erase_if(connections, [](const auto& w) { return w.expired(); });
                connections.push_back(c);
            }
            asio::co_spawn(
                c->stream.get_executor(), session(c), [this, c](std::exception_ptr error) mutable {
                    if (error) {
                        try {
                            std::rethrow_exception(error);
                        } catch (const std::exception& e) {
                            spdlog::error("http: session ended by exception: {}", e.what());
                        } catch (...) {
                        }
                    }
                    c.reset();
                    std::lock_guard lock(mutex);
                    --open_connections;
                    drained.notify_all();
                });
        }
    }
};

Result<ServerOptions> parse_listen(std::string_view listen, ServerOptions base) {
    const auto colon = listen.rfind(':');
    const auto bad = [&](std::string why) {
        return fail(Error::config("TXMAIL_LISTEN", "TXMAIL_LISTEN \"" + std::string(listen) +
                                                       "\" " + why + " (expected host:port)"));
    };
    if (colon == std::string_view::npos)
        return bad("has no port");
    std::string_view host = listen.substr(0, colon);
    const std::string_view port = listen.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned long value = 0;
    for (char ch : port) {
        if (ch < '0' || ch > '9')
            return bad("has a port that is not a number");
        value = value * 10 + static_cast<unsigned long>(ch - '0');
        if (value > 65535)
            return bad("has a port above 65535");
    }
    if (port.empty())
        return bad("has no port");
    beast::error_code ec;
    const std::string address = host.empty() ? "0.0.0.0" : std::string(host);
    asio::ip::make_address(address, ec);
    if (ec)
        return bad("has a host that is not an IP address");
    base.address = address;
    base.port = static_cast<std::uint16_t>(value);
    return base;
}

Server::Server(ServerOptions options, const Router& router, RequestObserver observer)
    : state_(std::make_unique<State>(std::move(options), router, std::move(observer))) {}

Server::~Server() {
    stop();
}

Result<void> Server::start() {
    State& s = *state_;
    beast::error_code ec;
    const tcp::endpoint endpoint{asio::ip::make_address(s.options.address, ec), s.options.port};
    if (!ec)
        s.acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        s.acceptor.bind(endpoint, ec);
    if (!ec)
        s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return fail(Error::config("TXMAIL_LISTEN", "cannot listen on " + s.options.address + ":" +
                                                       std::to_string(s.options.port) + ": " +
                                                       ec.message()));
    }
    asio::co_spawn(s.acceptor.get_executor(), s.accept_loop(), asio::detached);
    for (unsigned i = 0; i < std::max(1u, s.options.io_threads); ++i) {
        s.threads.push_back(named_thread("http-io-" + std::to_string(i + 1), [&s] { s.io.run(); }));
    }
    return {};
}

std::uint16_t Server::port() const {
    beast::error_code ec;
    return state_->acceptor.local_endpoint(ec).port();
}

void Server::stop() {
    State& s = *state_;
    {
        std::lock_guard lock(s.mutex);
        if (s.stopped)
            return;
        s.stopped = true;
    }
    s.stopping = true;
    asio::post(s.acceptor.get_executor(), [&s] {
        beast::error_code ec;
        s.acceptor.close(ec);
    });
    // Idle keep-alive connections are closed now; busy ones finish their request first.
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(s.mutex);
        for (auto& weak : s.connections) {
            if (auto c = weak.lock())
                open.push_back(std::move(c));
        }
    }
    for (auto& c : open) {
        asio::post(c->stream.get_executor(), [c] {
            beast::error_code ignored;  // already closed by its session: nothing to cancel
            if (!c->busy)
                c->stream.socket().cancel(ignored);
        });
    }
    open.clear();
    {
        std::unique_lock lock(s.mutex);
        s.drained.wait_for(lock, s.options.read_timeout + std::chrono::seconds(5),
                           [&s] { return s.open_connections == 0; });
    }
    s.io.stop();
    for (auto& t : s.threads) {
        if (t.joinable())
            t.join();
    }
    s.handlers.join();
}

}  // namespace txmail::http
