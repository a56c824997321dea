// Bearer-token authentication for /v1/* (DESIGN.md): `Authorization: Bearer $TXMAIL_API_TOKEN`,
// compared in constant time (CRYPTO_memcmp) so response timing does not leak the token. With no
// token configured every request passes: serve_command then listens on loopback only.
#pragma once

#include <optional>
#include <string>

#include "txmail/http/router.h"

namespace txmail::http {

// The handler, or a 401 in the one error shape when the token is configured and not presented.
Handler require_bearer(std::optional<std::string> token, Handler handler);
DeferredHandler require_bearer(std::optional<std::string> token, DeferredHandler handler);

}  // namespace txmail::http
