// The server over a real loopback socket: limits, keep-alive, graceful stop.
#include <utility>

#include "txmail/http/server.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace txmail::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct Client {
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;

    explicit Client(std::uint16_t port) {
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    bhttp::response<bhttp::string_body> send(bhttp::request<bhttp::string_body> req) {
        req.prepare_payload();
        bhttp::write(stream, req);
        bhttp::response<bhttp::string_body> res;
        bhttp::read(stream, buffer, res);
        return res;
    }
    bhttp::response<bhttp::string_body> get(const std::string& target) {
        return send({bhttp::verb::get, target, 11});
    }
};

class HttpServer : public ::testing::Test {
  protected:
    void SetUp() override {
        router_.add("GET", "/hello", [](const Request& r, const PathParams&) {
            return Response::json(200, {{"hello", r.remote_address}});
        });
        router_.add("POST", "/echo", [](const Request& r, const PathParams&) {
            return Response::text(200, r.body);
        });
        router_.add("GET", "/slow", [this](const Request&, const PathParams&) {
            entered_.set_value();
            release_.get_future().wait();
            return Response::text(200, "finished");
        });
        // Answered from a thread of the test's own, after the handler has returned, as a
        // notification is once its commit is durable. The thread may answer, and the client's
        // next request reach another handler thread, before emplace_back() has returned: the
        // lock keeps the two from changing the vector at once (they did, and freed a bad
        // pointer, in one CI rehearsal in some hundreds).
        router_.add_deferred(
            "POST", "/deferred", [this](const Request& r, const PathParams&, Reply reply) {
                std::lock_guard lock(deferred_mutex_);
                deferred_.emplace_back(
                    [reply, body = r.body] { reply(Response::text(202, "stored " + body)); });
            });
        ServerOptions options;
        options.port = 0;
        options.body_limit = 1024;
        server_ = std::make_unique<Server>(options, router_);
        ASSERT_TRUE(server_->start());
    }
    void TearDown() override {
        server_.reset();
        for (auto& thread : deferred_)
            thread.join();
    }
    Router router_;
    std::mutex deferred_mutex_;
    std::vector<std::thread> deferred_;  // by the handler pool under the mutex while serving
    std::unique_ptr<Server> server_;
    std::promise<void> entered_;
    std::promise<void> release_;
};

TEST_F(HttpServer, AnswersAndKeepsTheConnectionAlive) {
    Client client(server_->port());
    for (int i = 0; i < 3; ++i) {
        auto res = client.get("/hello");
        EXPECT_EQ(res.result_int(), 200);
        EXPECT_NE(res.body().find("127.0.0.1"), std::string::npos);
        EXPECT_TRUE(res.keep_alive());
    }
}

TEST_F(HttpServer, ADeferredAnswerFromAnotherThreadReachesItsConnection) {
    Client client(server_->port());
    for (int i = 0; i < 3; ++i) {
        bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/deferred", 11};
        req.body() = "message " + std::to_string(i);
        auto res = client.send(std::move(req));
        EXPECT_EQ(res.result_int(), 202);
        EXPECT_EQ(res.body(), "stored message " + std::to_string(i));
        EXPECT_TRUE(res.keep_alive());
    }
}

TEST_F(HttpServer, BodyOverTheLimitIs413) {
    Client client(server_->port());
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/echo", 11};
    req.body() = std::string(1025, 'x');
    auto res = client.send(std::move(req));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_NE(res.body().find("payload_too_large"), std::string::npos);

    Client again(server_->port());
    bhttp::request<bhttp::string_body> small{bhttp::verb::post, "/echo", 11};
    small.body() = std::string(1024, 'y');
    EXPECT_EQ(again.send(std::move(small)).body(), std::string(1024, 'y'));
}

TEST_F(HttpServer, StopFinishesTheRequestInFlight) {
    auto answer = std::async(std::launch::async, [port = server_->port()] {
        Client client(port);
        return client.get("/slow");
    });
    entered_.get_future().wait();
    const std::uint16_t port = server_->port();
    auto stopped = std::async(std::launch::async, [this] { server_->stop(); });
    // Release the handler once stop() has closed the acceptor, so the answer is written while
    // the server is stopping: it must still arrive, and must close the connection.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (bool refused = false; !refused && std::chrono::steady_clock::now() < deadline;) {
        asio::io_context io;
        tcp::socket probe(io);
        beast::error_code ec;
        probe.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
        refused = static_cast<bool>(ec);
    }
    release_.set_value();
    auto res = answer.get();
    stopped.get();
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "finished");
    EXPECT_FALSE(res.keep_alive());
    // After stop, nothing listens any more.
    asio::io_context io;
    tcp::socket socket(io);
    beast::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    EXPECT_TRUE(ec);
}

TEST(HttpListen, ParsesHostAndPortAndNamesTheSettingOnError) {
    auto v4 = parse_listen("127.0.0.1:8025");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->address, "127.0.0.1");
    EXPECT_EQ(v4->port, 8025);
    auto v6 = parse_listen("[::1]:9000");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->address, "::1");
    auto bad = parse_listen("localhost");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "TXMAIL_LISTEN");
    EXPECT_NE(bad.error().message.find("\"localhost\""), std::string::npos);
    EXPECT_FALSE(parse_listen("127.0.0.1:70000"));
    EXPECT_FALSE(parse_listen("example.com:80"));
}

}  // namespace
}  // namespace txmail::http
