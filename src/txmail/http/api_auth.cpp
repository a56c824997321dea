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

}  // namespace

Handler require_bearer(std::optional<std::string> token, Handler handler) {
    if (!token)
        return handler;
    return [token = std::move(*token), handler = std::move(handler)](const Request& request,
                                                                     const PathParams& params) {
        auto presented = request.header("Authorization");
        if (!presented || !token_matches(token, *presented))
            return Response::error(401, "unauthorized",
                                   "missing or wrong bearer token in the Authorization header",
                                   "Authorization");
        return handler(request, params);
    };
}

}  // namespace txmail::http
