#include "txmail/transport/smtp_session.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "txmail/transport/idle_watchdog.h"

namespace txmail::transport {
namespace {

// curl_global_init is not thread-safe on every build: once, before the first handle.
void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
    std::string_view bytes;
    std::size_t offset = 0;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const std::size_t n = std::min(size * count, upload->bytes.size() - upload->offset);
    std::memcpy(buffer, upload->bytes.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

// libcurl's reply timeout takes whole seconds; it is only the fallback behind the watchdog.
long whole_seconds(std::chrono::milliseconds timeout) {
    return std::max(1L, static_cast<long>((timeout.count() + 999) / 1000));
}

class Recipients {
  public:
    ~Recipients() { curl_slist_free_all(list_); }
    bool add(const std::string& address) {
        curl_slist* grown = curl_slist_append(list_, address.c_str());
        if (grown == nullptr)
            return false;
        list_ = grown;
        return true;
    }
    curl_slist* get() const { return list_; }

  private:
    curl_slist* list_ = nullptr;
};

}  // namespace

struct SmtpSession::Handle {
    explicit Handle(std::chrono::milliseconds timeout) : watchdog(timeout) {}
    ~Handle() {
        if (curl != nullptr) {
            watchdog.arm();  // QUIT to a server that stopped answering must not hang us
            curl_easy_cleanup(curl);
        }
    }

    IdleWatchdog watchdog;  // EMAIL_TIMEOUT between any two signs of progress
    CURL* curl = nullptr;
    SmtpReplyReader reader;
    Upload upload;
    char error[CURL_ERROR_SIZE] = {};

    // Remembers the first option libcurl refuses, so setup reads as a plain list.
    template <class T>
    void set(CURLoption option, T value) {
        const CURLcode code = curl_easy_setopt(curl, option, value);
        if (code != CURLE_OK && first_refusal == CURLE_OK)
            first_refusal = code;
    }
    CURLcode first_refusal = CURLE_OK;
};

namespace {

// Every event libcurl traces is progress for the watchdog. Of their content only what the server
// says is read: CURLINFO_HEADER_OUT (our commands, AUTH included), DATA_OUT (the message) and
// TEXT (libcurl's own notes) are dropped unread.
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

}  // namespace

Result<std::unique_ptr<SmtpSession>> SmtpSession::create(const SmtpOptions& options) {
    global_init_once();
    auto handle = std::make_unique<Handle>(options.timeout);
    handle->curl = curl_easy_init();
    if (handle->curl == nullptr)
        return fail(Error::internal("libcurl could not create a handle"));

    Handle& h = *handle;
    h.set(CURLOPT_URL, options.url().c_str());
    h.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    h.set(CURLOPT_NOSIGNAL, 1L);
    h.set(CURLOPT_ERRORBUFFER, h.error);
    h.set(CURLOPT_UPLOAD, 1L);
    h.set(CURLOPT_READFUNCTION, read_body);
    h.set(CURLOPT_READDATA, &h.upload);
    h.set(CURLOPT_VERBOSE, 1L);  // only so that libcurl calls on_debug; nothing is printed
    h.set(CURLOPT_DEBUGFUNCTION, on_debug);
    h.set(CURLOPT_DEBUGDATA, &h);
    h.set(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    h.set(CURLOPT_OPENSOCKETDATA, &h);
    h.set(CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    h.set(CURLOPT_CLOSESOCKETDATA, &h);
    h.set(CURLOPT_TCP_KEEPALIVE, 1L);

    // EMAIL_TIMEOUT: the watchdog ends any wait (connect, TLS, a reply, a stalled upload) that
    // goes that long without progress; libcurl's own limits stay as a fallback.
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
        if (options.oauth)
            h.set(CURLOPT_LOGIN_OPTIONS, "AUTH=XOAUTH2");  // never fall back to a password
        else
            h.set(CURLOPT_PASSWORD, options.password.c_str());
    }
    if (h.first_refusal != CURLE_OK)
        return fail(Error::internal(std::string("libcurl refused an SMTP option: ") +
                                    curl_easy_strerror(h.first_refusal)));
    return std::unique_ptr<SmtpSession>(new SmtpSession(std::move(handle)));
}

SmtpSession::SmtpSession(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

SmtpSession::~SmtpSession() = default;

std::expected<std::string, SmtpTransferFailure> SmtpSession::transfer(
    const mail::RenderedMessage& message, const TransferOptions& how) {
    Handle& h = *handle_;
    Recipients recipients;
    for (const std::string& recipient : message.envelope.recipients) {
        if (!recipients.add(recipient))
            return std::unexpected(SmtpTransferFailure{CURLE_OUT_OF_MEMORY, "out of memory"});
    }
    h.reader.reset();
    h.error[0] = '\0';
    h.upload = Upload{message.bytes};
    h.set(CURLOPT_MAIL_FROM, message.envelope.sender.c_str());
    h.set(CURLOPT_MAIL_RCPT, recipients.get());
    h.set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.bytes.size()));
    if (how.bearer != nullptr)
        h.set(CURLOPT_XOAUTH2_BEARER, how.bearer->c_str());
    h.set(CURLOPT_FRESH_CONNECT, how.fresh_connection ? 1L : 0L);

    CURLcode code = h.first_refusal;
    if (code == CURLE_OK) {
        h.watchdog.arm();
        code = curl_easy_perform(h.curl);
        // The watchdog's shutdown shows up as a broken connection; say what really happened.
        if (h.watchdog.disarm() && code != CURLE_OK) {
            code = CURLE_OPERATION_TIMEDOUT;
            std::snprintf(h.error, sizeof h.error, "no progress for %lld ms",
                          static_cast<long long>(h.watchdog.limit().count()));
        }
    }
    h.first_refusal = CURLE_OK;
    curl_easy_setopt(h.curl, CURLOPT_MAIL_RCPT, nullptr);  // the list dies with this scope

    long connects = 0;
    curl_easy_getinfo(h.curl, CURLINFO_NUM_CONNECTS, &connects);
    connections_opened_ += static_cast<std::size_t>(connects);

    if (code == CURLE_OK)
        return h.reader.last() ? h.reader.last()->text() : std::string("accepted");
    SmtpTransferFailure failure;
    failure.curl_code = code;
    failure.curl_message = h.error[0] != '\0' ? h.error : curl_easy_strerror(code);
    failure.reply = h.reader.last();
    failure.data_accepted = h.reader.seen(354);
    failure.reused_connection = connects == 0;
    return std::unexpected(std::move(failure));
}

}  // namespace txmail::transport
