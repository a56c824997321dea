#include "txmail/transport/smtp_session.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>

#include "txmail/microsoft365/http_client.h"
#include "txmail/transport/idle_watchdog.h"
#include "txmail/transport/smtp_transaction.h"

namespace txmail::transport {
namespace {

using Clock = std::chrono::steady_clock;
using Failure = SmtpTransferFailure;

// libcurl's reply timeout takes whole seconds; it is only the fallback behind the watchdog.
long whole_seconds(std::chrono::milliseconds timeout) {
    return std::max(1L, static_cast<long>((timeout.count() + 999) / 1000));
}

Failure network_failure(CURLcode code, std::string what) {
    Failure failure;
    failure.curl_code = code;
    failure.curl_message = std::move(what);
    return failure;
}

// A refusal in the words libcurl would use ("RCPT failed: 550"), which smtp_failure.h reads to
// say what was refused.
Failure refused(const char* command, const SmtpReply& reply) {
    Failure failure = network_failure(
        CURLE_SEND_ERROR, std::string(command) + " failed: " + std::to_string(reply.code));
    failure.reply = reply;
    return failure;
}

bool positive(const SmtpReply& reply) {
    return reply.code >= 200 && reply.code < 300;
}

}  // namespace

struct SmtpSession::Handle {
    explicit Handle(SmtpOptions options)
        : options(std::move(options)), watchdog(this->options.timeout) {}
    ~Handle() { disconnect(true); }

    SmtpOptions options;
    IdleWatchdog watchdog;  // bounds libcurl's connect and AUTH, and its QUIT at cleanup
    CURL* curl = nullptr;   // one handle per connection
    curl_socket_t socket = CURL_SOCKET_BAD;
    SmtpExtensions extensions;
    SmtpReplyReader reader;
    std::string out;              // reused for every message: no allocation per message once warm
    std::size_t connections = 0;  // TCP connections libcurl opened
    char error[CURL_ERROR_SIZE] = {};

    // --- libcurl's part: connect, TLS, EHLO, AUTH --------------------------------------------

    Result<void> configure(const std::string* bearer);
    std::expected<void, Failure> connect(const std::string* bearer);
    void disconnect(bool graceful);

    // --- ours: the transaction on the open connection -----------------------------------------

    bool idle_connection_alive();
    std::expected<void, Failure> send_all(std::string_view bytes);
    std::expected<SmtpReply, Failure> read_reply();
    std::expected<std::string, Failure> transaction(const mail::RenderedMessage& message);
    void end_transaction(bool data_accepted);

    Clock::time_point deadline() const { return Clock::now() + options.timeout; }
    Failure timed_out() const {
        return network_failure(CURLE_OPERATION_TIMEDOUT,
                               "no reply for " + std::to_string(options.timeout.count()) + " ms");
    }
    // Waits until the socket is readable or writable; false on timeout or error.
    bool wait_for(short events, Clock::time_point until) const;
};

namespace {

// Every event libcurl traces is progress for the watchdog. Of their content only what the server
// says is read: CURLINFO_HEADER_OUT (our commands, AUTH included), DATA_OUT and TEXT (libcurl's
// own notes) are dropped unread.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    auto* handle = static_cast<SmtpSession::Handle*>(user);
    handle->watchdog.activity();
    if (type == CURLINFO_HEADER_IN)
        handle->reader.feed({data, size});
    return 0;
}

curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
    const int fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd >= 0)
        static_cast<SmtpSession::Handle*>(user)->watchdog.watch_socket(fd);
    return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

int on_close_socket(void* user, curl_socket_t fd) {
    return static_cast<SmtpSession::Handle*>(user)->watchdog.close_socket(fd);
}

// Remembers the first option libcurl refuses, so setup reads as a plain list.
class Options {
  public:
    explicit Options(CURL* curl) : curl_(curl) {}
    template <class T>
    void set(CURLoption option, T value) {
        const CURLcode code = curl_easy_setopt(curl_, option, value);
        if (code != CURLE_OK && refusal_ == CURLE_OK)
            refusal_ = code;
    }
    CURLcode refusal() const { return refusal_; }

  private:
    CURL* curl_;
    CURLcode refusal_ = CURLE_OK;
};

}  // namespace

Result<void> SmtpSession::Handle::configure(const std::string* bearer) {
    curl = curl_easy_init();
    if (curl == nullptr)
        return fail(Error::internal("libcurl could not create a handle"));
    Options h(curl);
    h.set(CURLOPT_URL, options.url().c_str());
    h.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    h.set(CURLOPT_CONNECT_ONLY, 1L);  // connect, TLS, EHLO, AUTH; the transactions are ours
    h.set(CURLOPT_NOSIGNAL, 1L);
    h.set(CURLOPT_ERRORBUFFER, error);
    h.set(CURLOPT_VERBOSE, 1L);  // only so that libcurl calls on_debug; nothing is printed
    h.set(CURLOPT_DEBUGFUNCTION, on_debug);
    h.set(CURLOPT_DEBUGDATA, this);
    h.set(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    h.set(CURLOPT_OPENSOCKETDATA, this);
    h.set(CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    h.set(CURLOPT_CLOSESOCKETDATA, this);
    h.set(CURLOPT_TCP_KEEPALIVE, 1L);
    h.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    h.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, whole_seconds(options.timeout) + 1);

    // TLS: verification is libcurl's default and stays on; there is deliberately no way off.
    if (options.tls == SmtpTls::starttls)
        h.set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    h.set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
    h.set(CURLOPT_SSL_VERIFYPEER, 1L);
    h.set(CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.ca_file.empty())
        h.set(CURLOPT_CAINFO, options.ca_file.c_str());
    if (!options.cert_file.empty())
        h.set(CURLOPT_SSLCERT, options.cert_file.c_str());
    if (!options.key_file.empty())
        h.set(CURLOPT_SSLKEY, options.key_file.c_str());

    if (options.authenticates()) {
        h.set(CURLOPT_USERNAME, options.username.c_str());
        if (options.oauth) {
            h.set(CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");  // never fall back to a password
            if (bearer != nullptr)
                h.set(CURLOPT_XOAUTH2_BEARER, bearer->c_str());
        } else {
            h.set(CURLOPT_PASSWORD, options.password.c_str());
        }
    }
    if (h.refusal() != CURLE_OK) {
        curl_easy_cleanup(curl);
        curl = nullptr;
        return fail(Error::internal(std::string("libcurl refused an SMTP option: ") +
                                    curl_easy_strerror(h.refusal())));
    }
    return {};
}

std::expected<void, Failure> SmtpSession::Handle::connect(const std::string* bearer) {
    disconnect(false);  // an old connection here is dead or was given up on
    if (auto configured = configure(bearer); !configured)
        return std::unexpected(
            network_failure(CURLE_FAILED_INIT, std::move(configured.error().message)));
    reader.reset();
    error[0] = '\0';
    watchdog.arm();
    CURLcode code = curl_easy_perform(curl);
    const bool fired = watchdog.disarm();
    long connects = 0;
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
    connections += static_cast<std::size_t>(connects);
    if (code != CURLE_OK) {
        Failure failure =
            network_failure(code, error[0] != '\0' ? error : curl_easy_strerror(code));
        // The watchdog's shutdown shows up as a broken connection; say what really happened.
        if (fired)
            failure = timed_out();
        failure.reply = reader.last();
        disconnect(false);
        return std::unexpected(std::move(failure));
    }
    curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket);
    // The EHLO reply is the last 250 before AUTH (after STARTTLS, the second EHLO's).
    const auto& replies = reader.replies();
    const auto ehlo = std::find_if(replies.rbegin(), replies.rend(),
                                   [](const SmtpReply& r) { return r.code == 250; });
    extensions = ehlo != replies.rend() ? SmtpExtensions::from_ehlo(*ehlo) : SmtpExtensions{};
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 0L);  // from here on we read the replies ourselves
    return {};
}

void SmtpSession::Handle::disconnect(bool graceful) {
    if (curl == nullptr)
        return;
    if (graceful && socket != CURL_SOCKET_BAD) {
        // QUIT is a courtesy (RFC 5321 section 4.1.1.10): its reply is not worth a long wait.
        reader.reset();
        if (send_all("QUIT\r\n"))
            (void)read_reply();
    }
    if (socket != CURL_SOCKET_BAD)
        ::shutdown(socket, SHUT_RDWR);  // nothing more goes out: no QUIT of libcurl's mid-DATA
    watchdog.arm();                     // and whatever libcurl still tries at cleanup is bounded
    curl_easy_cleanup(curl);
    watchdog.disarm();
    curl = nullptr;
    socket = CURL_SOCKET_BAD;
}

bool SmtpSession::Handle::wait_for(short events, Clock::time_point until) const {
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
        if (left.count() <= 0)
            return false;
        pollfd fd{socket, events, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
        if (ready > 0)
            return true;
        if (ready < 0 && errno != EINTR)
            return false;
    }
}

bool SmtpSession::Handle::idle_connection_alive() {
    if (curl == nullptr || socket == CURL_SOCKET_BAD)
        return false;
    pollfd fd{socket, POLLIN, 0};
    if (::poll(&fd, 1, 0) == 0)
        return true;  // nothing arrived while idle: the usual case
    // Something did: end of stream, a "421 timeout", or only TLS records (a TLS 1.3 session
    // ticket), which libcurl consumes without handing us anything.
    char byte[256];
    std::size_t received = 0;
    const CURLcode code = curl_easy_recv(curl, byte, sizeof byte, &received);
    return code == CURLE_AGAIN;
}

std::expected<void, Failure> SmtpSession::Handle::send_all(std::string_view bytes) {
    const auto until = deadline();
    while (!bytes.empty()) {
        std::size_t sent = 0;
        const CURLcode code = curl_easy_send(curl, bytes.data(), bytes.size(), &sent);
        if (code == CURLE_AGAIN) {
            if (!wait_for(POLLOUT, until))
                return std::unexpected(timed_out());
            continue;
        }
        if (code != CURLE_OK)
            return std::unexpected(network_failure(CURLE_SEND_ERROR, curl_easy_strerror(code)));
        bytes.remove_prefix(sent);
    }
    return {};
}

std::expected<SmtpReply, Failure> SmtpSession::Handle::read_reply() {
    const auto until = deadline();
    char buffer[16 * 1024];
    for (;;) {
        if (auto reply = reader.take())
            return std::move(*reply);
        std::size_t received = 0;
        const CURLcode code = curl_easy_recv(curl, buffer, sizeof buffer, &received);
        if (code == CURLE_AGAIN) {
            if (!wait_for(POLLIN, until))
                return std::unexpected(timed_out());
            continue;
        }
        if (code != CURLE_OK)
            return std::unexpected(network_failure(CURLE_RECV_ERROR, curl_easy_strerror(code)));
        if (received == 0)
            return std::unexpected(
                network_failure(CURLE_GOT_NOTHING, "the server closed the connection"));
        reader.feed({buffer, received});
    }
}

// After a refusal: RSET leaves the connection usable. Once DATA was accepted only dropping the
// connection before the final dot keeps the message from going out.
void SmtpSession::Handle::end_transaction(bool data_accepted) {
    if (!data_accepted && send_all("RSET\r\n")) {
        if (auto reply = read_reply(); reply && positive(*reply))
            return;
    }
    disconnect(false);
}

std::expected<std::string, Failure> SmtpSession::Handle::transaction(
    const mail::RenderedMessage& message) {
    reader.reset();
    const auto& recipients = message.envelope.recipients;
    out =
        transaction_commands(message.envelope.sender, recipients, message.bytes.size(), extensions);
    // Without PIPELINING, one command at a time: send up to each CRLF and wait for its reply.
    std::string_view pending = out;
    auto send_next = [&](bool all) -> std::expected<void, Failure> {
        const std::size_t end = all ? pending.size() : pending.find('\n') + 1;
        auto sent = send_all(pending.substr(0, end));
        pending.remove_prefix(end);
        return sent;
    };
    const bool pipelined = extensions.pipelining;
    if (auto sent = send_next(pipelined); !sent)
        return std::unexpected(sent.error());

    std::optional<Failure> refusal;
    const std::size_t expected_replies = recipients.size() + 2;  // MAIL, RCPTs, DATA
    bool data_accepted = false;
    for (std::size_t i = 0; i < expected_replies; ++i) {
        auto reply = read_reply();
        if (!reply && refusal) {  // e.g. a 421, then the server hung up: its words matter more
            disconnect(false);
            return std::unexpected(std::move(*refusal));
        }
        if (!reply)
            return std::unexpected(reply.error());
        const bool is_data = i + 1 == expected_replies;
        if (is_data) {
            data_accepted = reply->code == 354;
            if (!data_accepted && !refusal)
                refusal = refused("DATA", *reply);
        } else if (!positive(*reply) && !refusal) {
            refusal = refused(i == 0 ? "MAIL" : "RCPT", *reply);
        }
        if (refusal && !pipelined)
            break;  // the rest was never sent
        if (!pipelined && !is_data) {
            if (auto sent = send_next(false); !sent)
                return std::unexpected(sent.error());
        }
    }
    if (refusal) {
        if (refusal->reply && refusal->reply->code == 421)
            disconnect(false);  // "closing transmission channel"
        else
            end_transaction(data_accepted);
        return std::unexpected(std::move(*refusal));
    }

    out.clear();
    append_message_data(out, message.bytes);
    auto sent = send_all(out);
    std::expected<SmtpReply, Failure> reply =
        sent ? read_reply() : std::expected<SmtpReply, Failure>(std::unexpected(sent.error()));
    if (!reply) {
        Failure failure = std::move(reply.error());
        failure.data_accepted = true;
        return std::unexpected(std::move(failure));
    }
    if (!positive(*reply)) {
        Failure failure = network_failure(CURLE_WEIRD_SERVER_REPLY, "");
        failure.reply = std::move(*reply);
        failure.data_accepted = true;
        if (failure.reply->code == 421)
            disconnect(false);
        return std::unexpected(std::move(failure));
    }
    return reply->text();
}

Result<std::unique_ptr<SmtpSession>> SmtpSession::create(const SmtpOptions& options) {
    microsoft365::init_curl_once();
    auto handle = std::make_unique<Handle>(options);
    // Check the options once now, so a problem shows at start-up; the handle is made per
    // connection.
    if (auto configured = handle->configure(nullptr); !configured)
        return fail(configured.error());
    curl_easy_cleanup(handle->curl);
    handle->curl = nullptr;
    return std::unique_ptr<SmtpSession>(new SmtpSession(std::move(handle)));
}

SmtpSession::SmtpSession(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

SmtpSession::~SmtpSession() = default;

std::size_t SmtpSession::connections_opened() const {
    return handle_->connections;
}

std::expected<std::string, SmtpTransferFailure> SmtpSession::transfer(
    const mail::RenderedMessage& message, const TransferOptions& how) {
    Handle& h = *handle_;
    const bool reused = !how.fresh_connection && h.idle_connection_alive();
    if (!reused) {
        auto connected = h.connect(how.bearer);
        if (!connected)
            return std::unexpected(std::move(connected.error()));
    }
    auto result = h.transaction(message);
    if (!result) {
        result.error().reused_connection = reused;
        // A refusal left the connection as the transaction decided; a connection that broke
        // or went silent under us is not used again.
        if (!result.error().reply)
            h.disconnect(false);
    }
    return result;
}

}  // namespace txmail::transport
