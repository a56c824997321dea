#include "txmail/transport/smtp_session.h"

#include <algorithm>
#include <cstring>
#include <mutex>

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

// Only what the server says. CURLINFO_HEADER_OUT (our commands, AUTH included), DATA_OUT (the
// message) and TEXT (libcurl's own notes) are dropped unread.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type == CURLINFO_HEADER_IN)
        static_cast<SmtpReplyReader*>(user)->feed({data, size});
    return 0;
}

// libcurl's timeouts for replies and stalls take whole seconds: round up, so the bound holds.
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
    CURL* curl = nullptr;
    SmtpReplyReader reader;
    Upload upload;
    char error[CURL_ERROR_SIZE] = {};

    ~Handle() {
        if (curl != nullptr)
            curl_easy_cleanup(curl);  // QUIT on the open connection, if any
    }

    // Remembers the first option libcurl refuses, so setup reads as a plain list.
    template <class T>
    void set(CURLoption option, T value) {
        const CURLcode code = curl_easy_setopt(curl, option, value);
        if (code != CURLE_OK && first_refusal == CURLE_OK)
            first_refusal = code;
    }
    CURLcode first_refusal = CURLE_OK;
};

Result<std::unique_ptr<SmtpSession>> SmtpSession::create(const SmtpOptions& options) {
    global_init_once();
    auto handle = std::make_unique<Handle>();
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
    h.set(CURLOPT_DEBUGDATA, &h.reader);
    h.set(CURLOPT_TCP_KEEPALIVE, 1L);

    // EMAIL_TIMEOUT: the connect (TCP and implicit TLS), every reply, and any stall in between.
    h.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout.count()));
    h.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, whole_seconds(options.timeout));
    h.set(CURLOPT_LOW_SPEED_LIMIT, 1L);
    h.set(CURLOPT_LOW_SPEED_TIME, whole_seconds(options.timeout));

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

    const CURLcode code = h.first_refusal != CURLE_OK ? h.first_refusal : curl_easy_perform(h.curl);
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
