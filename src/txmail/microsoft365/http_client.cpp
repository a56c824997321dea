#include "txmail/microsoft365/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

#include "txmail/util/strings.h"

namespace txmail::microsoft365 {

namespace {

CURL* curl(void* handle) {
    return static_cast<CURL*>(handle);
}

size_t collect_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// Keeps the headers of the final response only (a 100 Continue or a proxy's reply comes first).
size_t collect_header(char* data, size_t size, size_t count, void* user) {
    auto& headers = static_cast<HttpResponse*>(user)->headers;
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        headers.clear();
        return size * count;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return size * count;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
    headers[ascii_lowercase(line.substr(0, colon))] = std::string(value);
    return size * count;
}

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::optional<std::string> HttpResponse::header(std::string_view lower_name) const {
    if (auto it = headers.find(lower_name); it != headers.end())
        return it->second;
    return std::nullopt;
}

HttpClient::HttpClient(HttpOptions options) : handle_(nullptr), options_(std::move(options)) {
    init_curl_once();
    handle_ = curl_easy_init();
    if (handle_ == nullptr)
        throw std::runtime_error("libcurl could not create a handle");
}

HttpClient::~HttpClient() {
    curl_easy_cleanup(curl(handle_));
}

std::string HttpClient::escape(std::string_view text) {
    init_curl_once();
    // Since libcurl 7.82 the handle argument is unused; the encoding is RFC 3986's.
    std::unique_ptr<char, decltype(&curl_free)> escaped(
        curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
    if (!escaped)
        throw std::bad_alloc();
    return escaped.get();
}

Result<HttpResponse> HttpClient::post(const std::string& url, std::string_view content_type,
                                      std::string_view body,
                                      const std::vector<std::string>& headers) {
    CURL* h = curl(handle_);
    // Options are set in full for every request; the handle keeps only its connection cache.
    curl_easy_reset(h);

    std::unique_ptr<curl_slist, SlistDeleter> header_list;
    auto add_header = [&](const std::string& line) {
        curl_slist* extended = curl_slist_append(header_list.get(), line.c_str());
        if (extended == nullptr)
            throw std::bad_alloc();
        (void)header_list.release();
        header_list.reset(extended);
    };
    add_header("Content-Type: " + std::string(content_type));
    add_header("Expect:");  // no 100-continue round trip before large Graph bodies
    for (const auto& line : headers)
        add_header(line);

    HttpResponse response;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty())
        curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);

    CURLcode rc = curl_easy_perform(h);
    // The header list and error buffer die with this call; the handle must not keep pointers.
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    if (rc != CURLE_OK) {
        std::string why = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
        return fail(Error::transient("HTTP request to " + url + " failed: " + why));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace txmail::microsoft365
