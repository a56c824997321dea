// One TCP connection, optionally upgraded to TLS, opened step by step so that `txmail doctor` can
// say which step failed: name resolution, TCP connect, TLS handshake (with what certificate and
// protocol version). libcurl does all of this at once and cannot stop in between, hence this.
//
// Contract: every call is bounded by the timeout (EMAIL_TIMEOUT); failures are Errors of kind
// transient (network) or config (a certificate that does not verify, a client certificate that
// cannot be loaded), with the system's or OpenSSL's own words. TLS is 1.2 or newer, as Exchange
// Online requires. The handshake itself does not abort on a bad certificate, so the doctor can
// show the certificate it got; start_tls() then fails with the verification error and the caller
// must not send anything (credentials least of all) on that connection. Nothing sent or received
// is logged here. One object is one connection, used by one thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::transport {

struct ProbeEndpoint {
    std::string host;
    int port = 0;
    std::chrono::milliseconds timeout{30'000};
    std::string ca_file;    // EMAIL_SSL_CAFILE: trust this CA instead of the system's
    std::string cert_file;  // EMAIL_SSL_CERTFILE / EMAIL_SSL_KEYFILE: client certificate
    std::string key_file;
};

// What the TLS handshake produced, for people to read.
struct TlsSession {
    std::string version;  // "TLSv1.3"
    std::string cipher;   // "TLS_AES_256_GCM_SHA384"
    std::string subject;  // RFC 2253, e.g. "CN=outlook.com,O=Microsoft Corporation,..."
    std::string issuer;
    std::string not_after;     // "2027-03-01T12:00:00Z"
    long days_left = 0;        // negative once expired
    bool verified = false;     // chain and host name verified against the trusted CAs
    std::string trust;         // "the system CAs" or the EMAIL_SSL_CAFILE path
    std::string verify_error;  // OpenSSL's reason when not verified

    std::string describe() const;  // one line with all of the above
};

class ProbeConnection {
  public:
    explicit ProbeConnection(ProbeEndpoint endpoint);
    ~ProbeConnection();
    ProbeConnection(const ProbeConnection&) = delete;
    ProbeConnection& operator=(const ProbeConnection&) = delete;

    const ProbeEndpoint& endpoint() const { return endpoint_; }

    // getaddrinfo(): the numeric addresses, in the order connect() tries them.
    Result<std::vector<std::string>> resolve();
    // Connects to the first address that answers; returns "address port".
    Result<std::string> connect();
    // TLS handshake on the open connection (implicit TLS, or after STARTTLS was accepted).
    // On a certificate that does not verify, the error carries the session's description.
    Result<TlsSession> start_tls();
    bool tls_active() const;

    Result<void> send(std::string_view bytes);
    // One line without its CRLF; a line longer than max_line is an error.
    Result<std::string> read_line(std::size_t max_line = 4096);
    void close();

  private:
    struct State;
    ProbeEndpoint endpoint_;
    std::unique_ptr<State> state_;
};

}  // namespace txmail::transport
