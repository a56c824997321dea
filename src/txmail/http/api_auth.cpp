#include "txmail/http/api_auth.h"

#include <openssl/crypto.h>

namespace txmail::http {
namespace {

bool token_matches(const std::string& expected, std::string_view presented) {
    constexpr std::string_view scheme = "Bearer ";
    if (!presented.starts_with(scheme))
        return false;
    presented.remove_prefix(scheme.size());
    // The length is not secret (it is fixed by configuration); the bytes are.
    return presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

// The 401 to answer instead when the request does not present `token`.
std::optional<Response> refusal(const std::string& token, const Request& request) {
    auto presented = request.header("Authorization");
    if (presented && token_matches(token, *presented))
        return std::nullopt;
    return Response::error(401, "unauthorized",
                           "missing or wrong bearer token in the Authorization header",
                           "Authorization");
}

}  // namespace

Handler require_bearer(std::optional<std::string> token, Handler handler) {
    if (!token)
        return handler;
    return [token = std::move(*token), handler = std::move(handler)](const Request& request,
                                                                     const PathParams& params) {
        if (auto refused = refusal(token, request))
            return std::move(*refused);
        return handler(request, params);
    };
}

DeferredHandler require_bearer(std::optional<std::string> token, DeferredHandler handler) {
    if (!token)
        return handler;
    return [token = std::move(*token), handler = std::move(handler)](
               const Request& request, const PathParams& params, Reply reply) {
        if (auto refused = refusal(token, request))
            return reply(std::move(*refused));
        handler(request, params, std::move(reply));
    };
}

}  // namespace txmail::http
