// A small HTTPS client on one libcurl easy handle, for the Microsoft identity platform's token
// endpoint and Microsoft Graph. One object keeps its connection alive across requests (Graph sends
// many messages on one connection); it is not thread-safe: one owner at a time.
//
// Certificate and host name verification stay on (libcurl's default); EMAIL_SSL_CAFILE adds a
// private CA for test stand-ins; TLS 1.2 or newer; redirects are not followed (a token request
// must not be replayed elsewhere). Network trouble (DNS, connect, TLS, timeout) is a transient
// Error with libcurl's words; any HTTP status is a response, for the caller to classify. Request
// bodies and headers (secrets, bearer tokens) never appear in errors.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::microsoft365 {

// curl_global_init is not thread-safe on every build: every libcurl user in txmail (this client,
// transport's SMTP session) calls this before its first handle, so it happens once.
void init_curl_once();

struct HttpOptions {
    std::string ca_file;  // empty: the system's CAs
    std::chrono::milliseconds timeout{30'000};
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string, std::less<>> headers;  // names lower-cased; last one wins

    std::optional<std::string> header(std::string_view lower_name) const;
};

class HttpClient {
  public:
    explicit HttpClient(HttpOptions options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // headers: "Name: value" lines. content_type is sent as the Content-Type header.
    Result<HttpResponse> post(const std::string& url, std::string_view content_type,
                              std::string_view body, const std::vector<std::string>& headers = {});

    // Percent-encoding of RFC 3986 unreserved characters kept (for form values and path segments).
    static std::string escape(std::string_view text);

  private:
    void* handle_;  // CURL*, kept out of this header
    HttpOptions options_;
};

}  // namespace txmail::microsoft365
