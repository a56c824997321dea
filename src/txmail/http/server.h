// The HTTP server (Boost.Beast + C++20 coroutines on Boost.Asio 1.74).
//
// Accepts on one address, reads each request with a deadline set before every read, enforces
// header and body limits (body over the limit -> 413, nothing handled), supports keep-alive, and
// hands each request to the Router on a separate pool of handler threads, so a handler that
// waits for a durable commit never stalls the I/O threads. A deferred handler (router.h) does not
// even hold its pool thread through the commit: its answer, posted from the committing thread,
// resumes the connection. Errors on the I/O path are error_codes; exceptions stop at the
// co_spawn boundary.
//
// stop() is graceful: stop accepting, close idle keep-alive connections, let requests in flight
// finish and be answered, then return.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "txmail/http/router.h"
#include "txmail/util/error.h"

namespace txmail::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8025;  // 0 picks a free port (tests)
    std::size_t header_limit = 16 * 1024;
    std::size_t body_limit = 1024 * 1024;  // 1 MiB, as the service contract says
    std::chrono::seconds read_timeout{30};
    unsigned io_threads = 2;
    unsigned handler_threads = 16;  // durable enqueues wait on fsync; group commit wants company
};

// Called once per answered request (metrics): route pattern, method, status, seconds taken.
using RequestObserver = std::function<void(const std::string& route, const std::string& method,
                                           int status, double seconds)>;

// "127.0.0.1:8025", "[::1]:8025", ":8025" -> address and port; error names TXMAIL_LISTEN.
Result<ServerOptions> parse_listen(std::string_view listen, ServerOptions base = {});

class Server {
  public:
    Server(ServerOptions options, const Router& router, RequestObserver observer = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and starts the threads; the error says which address could not be bound and why.
    Result<void> start();
    std::uint16_t port() const;  // the bound port (useful with port 0)
    void stop();                 // graceful; idempotent

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace txmail::http
