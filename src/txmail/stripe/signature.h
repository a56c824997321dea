// Verifies the Stripe-Signature header of a webhook request, before anything parses the body.
//
// Stripe signs "<t>.<raw body>" with HMAC-SHA256 keyed by the endpoint secret and sends
// `Stripe-Signature: t=<unix time>,v1=<hex>[,v1=<hex>...][,v0=...]`. Several v1 values appear
// while Stripe rolls a secret; several secrets are configured while we roll ours
// (STRIPE_WEBHOOK_SECRET is comma-separated). A timestamp further than the tolerance from now
// (default 300 s, Stripe's own default) is refused, which defeats replay of a captured request.
// Comparison is constant-time (CRYPTO_memcmp). Errors say why, never echo a secret.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::stripe {

struct SignatureHeader {
    std::int64_t timestamp = 0;
    std::vector<std::string> v1;  // lower-case hex digests
};

Result<SignatureHeader> parse_signature_header(std::string_view header);

// Splits STRIPE_WEBHOOK_SECRET on commas, trimming blanks; empty entries are dropped.
std::vector<std::string> parse_secrets(std::string_view configured);

// The hex HMAC-SHA256 of "<timestamp>.<payload>" keyed with secret: what Stripe puts in v1.
std::string compute_signature(std::string_view secret, std::int64_t timestamp,
                              std::string_view payload);

Result<void> verify_signature(std::string_view payload, std::string_view header,
                              const std::vector<std::string>& secrets,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds tolerance = std::chrono::seconds(300));

}  // namespace txmail::stripe
