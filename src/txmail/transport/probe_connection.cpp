#include "txmail/transport/probe_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace txmail::transport {
namespace {

std::string system_error(int error) {
    return std::strerror(error);
}

// The last OpenSSL error in words, or `fallback` when OpenSSL queued none.
std::string openssl_error(std::string_view fallback) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return std::string(fallback);
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

std::string name_text(const X509_NAME* name) {
    if (name == nullptr)
        return {};
    BIO* bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return out;
}

void describe_certificate(const X509* certificate, TlsSession& session) {
    session.subject = name_text(X509_get_subject_name(certificate));
    session.issuer = name_text(X509_get_issuer_name(certificate));
    const ASN1_TIME* not_after = X509_get0_notAfter(certificate);
    std::tm tm{};
    if (ASN1_TIME_to_tm(not_after, &tm) == 1) {
        char text[32];
        std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
        session.not_after = text;
    }
    int days = 0;
    int seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, nullptr, not_after) == 1)
        session.days_left = days;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

}  // namespace

std::string TlsSession::describe() const {
    std::string out = version + " (" + cipher + "); certificate " + subject + ", issued by " +
                      issuer + ", valid until " + not_after + " (" + std::to_string(days_left) +
                      " days); ";
    out += verified ? "verified against " + trust
                    : "NOT verified against " + trust + ": " + verify_error;
    return out;
}

struct ProbeConnection::State {
    addrinfo* addresses = nullptr;
    int fd = -1;
    SSL_CTX* context = nullptr;
    SSL* ssl = nullptr;
    std::string buffer;  // bytes received but not yet returned as lines

    ~State() {
        if (ssl != nullptr)
            SSL_free(ssl);
        if (context != nullptr)
            SSL_CTX_free(context);
        if (fd >= 0)
            ::close(fd);
        if (addresses != nullptr)
            freeaddrinfo(addresses);
    }
};

ProbeConnection::ProbeConnection(ProbeEndpoint endpoint)
    : endpoint_(std::move(endpoint)), state_(std::make_unique<State>()) {}

ProbeConnection::~ProbeConnection() = default;

Result<std::vector<std::string>> ProbeConnection::resolve() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const std::string port = std::to_string(endpoint_.port);
    if (state_->addresses != nullptr) {
        freeaddrinfo(state_->addresses);
        state_->addresses = nullptr;
    }
    const int status =
        getaddrinfo(endpoint_.host.c_str(), port.c_str(), &hints, &state_->addresses);
    if (status != 0) {
        Error error =
            Error::transient("cannot resolve " + endpoint_.host + ": " + gai_strerror(status));
        if (status == EAI_NONAME)
            error.kind = ErrorKind::config;  // a host that does not exist will not appear later
        error.field = "EMAIL_HOST";
        return fail(error);
    }
    std::vector<std::string> out;
    for (const addrinfo* a = state_->addresses; a != nullptr; a = a->ai_next) {
        char text[NI_MAXHOST];
        if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) ==
            0)
            out.emplace_back(text);
    }
    return out;
}

Result<std::string> ProbeConnection::connect() {
    if (state_->addresses == nullptr) {
        auto resolved = resolve();
        if (!resolved)
            return fail(resolved.error());
    }
    std::string last_error = "no address";
    for (const addrinfo* a = state_->addresses; a != nullptr; a = a->ai_next) {
        char text[NI_MAXHOST] = "?";
        getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            last_error = system_error(errno);
            continue;
        }
        // Non-blocking connect bounded by poll(), then blocking I/O bounded by socket timeouts.
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int error = 0;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            error = errno;
            if (error == EINPROGRESS) {
                pollfd waiting{fd, POLLOUT, 0};
                const int ready = ::poll(&waiting, 1, static_cast<int>(endpoint_.timeout.count()));
                socklen_t size = sizeof error;
                if (ready == 0)
                    error = ETIMEDOUT;
                else if (ready < 0)
                    error = errno;
                else
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
            }
        }
        if (error != 0) {
            last_error = std::string(text) + ": " + system_error(error);
            ::close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        timeval limit{};
        limit.tv_sec = endpoint_.timeout.count() / 1000;
        limit.tv_usec = (endpoint_.timeout.count() % 1000) * 1000;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        state_->fd = fd;
        return std::string(text) + " port " + std::to_string(endpoint_.port);
    }
    Error error = Error::transient("cannot connect to " + endpoint_.host + " port " +
                                   std::to_string(endpoint_.port) + ": " + last_error);
    error.field = "EMAIL_PORT";
    return fail(error);
}

bool ProbeConnection::tls_active() const {
    return state_->ssl != nullptr;
}

Result<TlsSession> ProbeConnection::start_tls() {
    if (state_->fd < 0)
        return fail(Error::internal("start_tls() before connect()"));
    // Bytes that arrived before the handshake would be taken as if protected by it (the STARTTLS
    // command injection of CVE-2011-0411): refuse rather than carry on.
    if (!state_->buffer.empty())
        return fail(
            Error::transient("the server sent data before the TLS handshake; refusing "
                             "TLS on this connection"));
    ERR_clear_error();
    state_->context = SSL_CTX_new(TLS_client_method());
    if (state_->context == nullptr)
        return fail(Error::internal(openssl_error("cannot create a TLS context")));
    SSL_CTX_set_min_proto_version(state_->context, TLS1_2_VERSION);

    TlsSession session;
    if (!endpoint_.ca_file.empty()) {
        session.trust = endpoint_.ca_file + " (EMAIL_SSL_CAFILE)";
        if (SSL_CTX_load_verify_locations(state_->context, endpoint_.ca_file.c_str(), nullptr) != 1)
            return fail(Error::config("EMAIL_SSL_CAFILE", "cannot load EMAIL_SSL_CAFILE " +
                                                              endpoint_.ca_file + ": " +
                                                              openssl_error("unreadable")));
    } else {
        session.trust = "the system CAs";
        SSL_CTX_set_default_verify_paths(state_->context);
    }
    if (!endpoint_.cert_file.empty()) {
        if (SSL_CTX_use_certificate_chain_file(state_->context, endpoint_.cert_file.c_str()) != 1)
            return fail(Error::config("EMAIL_SSL_CERTFILE", "cannot load EMAIL_SSL_CERTFILE " +
                                                                endpoint_.cert_file + ": " +
                                                                openssl_error("unreadable")));
        const std::string& key =
            endpoint_.key_file.empty() ? endpoint_.cert_file : endpoint_.key_file;
        if (SSL_CTX_use_PrivateKey_file(state_->context, key.c_str(), SSL_FILETYPE_PEM) != 1)
            return fail(Error::config("EMAIL_SSL_KEYFILE", "cannot load the private key " + key +
                                                               ": " + openssl_error("unreadable")));
    }

    state_->ssl = SSL_new(state_->context);
    SSL_set_fd(state_->ssl, state_->fd);
    if (!is_ip_literal(endpoint_.host))
        SSL_set_tlsext_host_name(state_->ssl, endpoint_.host.c_str());
    // Verify the host name as part of the chain check; the verdict is read after the handshake.
    SSL_set_hostflags(state_->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (is_ip_literal(endpoint_.host))
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(state_->ssl), endpoint_.host.c_str());
    else
        SSL_set1_host(state_->ssl, endpoint_.host.c_str());
    SSL_set_verify(state_->ssl, SSL_VERIFY_NONE, nullptr);

    if (SSL_connect(state_->ssl) != 1) {
        Error error = Error::transient("TLS handshake with " + endpoint_.host +
                                       " failed: " + openssl_error("the connection closed"));
        SSL_free(state_->ssl);
        state_->ssl = nullptr;
        return fail(error);
    }
    session.version = SSL_get_version(state_->ssl);
    session.cipher = SSL_get_cipher_name(state_->ssl);
    X509* certificate = SSL_get1_peer_certificate(state_->ssl);
    if (certificate != nullptr) {
        describe_certificate(certificate, session);
        X509_free(certificate);
    }
    const long verdict = SSL_get_verify_result(state_->ssl);
    session.verified = certificate != nullptr && verdict == X509_V_OK;
    if (!session.verified) {
        session.verify_error = certificate == nullptr ? "the server sent no certificate"
                                                      : X509_verify_cert_error_string(verdict);
        Error error = Error::config(
            "EMAIL_SSL_CAFILE", "the server's certificate does not verify: " + session.describe());
        return fail(error);
    }
    return session;
}

Result<void> ProbeConnection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        long sent = 0;
        if (state_->ssl != nullptr) {
            sent = SSL_write(state_->ssl, bytes.data(), static_cast<int>(bytes.size()));
            if (sent <= 0)
                return fail(Error::transient("sending to " + endpoint_.host +
                                             " failed: " + openssl_error("the connection closed")));
        } else {
            sent = ::send(state_->fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent < 0)
                return fail(Error::transient("sending to " + endpoint_.host +
                                             " failed: " + system_error(errno)));
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return {};
}

Result<std::string> ProbeConnection::read_line(std::size_t max_line) {
    for (;;) {
        const auto end = state_->buffer.find("\r\n");
        if (end != std::string::npos) {
            std::string line = state_->buffer.substr(0, end);
            state_->buffer.erase(0, end + 2);
            return line;
        }
        if (state_->buffer.size() > max_line)
            return fail(Error::transient("the server sent a line longer than " +
                                         std::to_string(max_line) + " bytes"));
        char chunk[4096];
        long received = 0;
        if (state_->ssl != nullptr) {
            errno = 0;
            received = SSL_read(state_->ssl, chunk, sizeof chunk);
            if (received <= 0) {
                const bool timed_out =
                    SSL_get_error(state_->ssl, static_cast<int>(received)) == SSL_ERROR_SYSCALL &&
                    (errno == EAGAIN || errno == EWOULDBLOCK);
                return fail(Error::transient(
                    timed_out ? "no answer from " + endpoint_.host + " within EMAIL_TIMEOUT"
                              : "reading from " + endpoint_.host +
                                    " failed: " + openssl_error("the connection closed")));
            }
        } else {
            received = ::recv(state_->fd, chunk, sizeof chunk, 0);
            if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return fail(
                    Error::transient("no answer from " + endpoint_.host + " within EMAIL_TIMEOUT"));
            if (received < 0)
                return fail(Error::transient("reading from " + endpoint_.host +
                                             " failed: " + system_error(errno)));
            if (received == 0)
                return fail(Error::transient(endpoint_.host + " closed the connection"));
        }
        state_->buffer.append(chunk, static_cast<std::size_t>(received));
    }
}

void ProbeConnection::close() {
    if (state_->ssl != nullptr) {
        SSL_shutdown(state_->ssl);
        SSL_free(state_->ssl);
        state_->ssl = nullptr;
    }
    if (state_->fd >= 0) {
        ::close(state_->fd);
        state_->fd = -1;
    }
    state_->buffer.clear();
}

}  // namespace txmail::transport
