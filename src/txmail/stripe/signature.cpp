#include "txmail/stripe/signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <charconv>

#include "txmail/util/hex.h"
#include "txmail/util/strings.h"

namespace txmail::stripe {
namespace {

Error bad_signature(std::string message) {
    Error e = Error::invalid("Stripe-Signature", std::move(message));
    e.code = 400;
    return e;
}

bool is_lower_hex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

}  // namespace

Result<SignatureHeader> parse_signature_header(std::string_view header) {
    SignatureHeader parsed;
    bool have_timestamp = false;
    while (!header.empty()) {
        const auto comma = header.find(',');
        const std::string_view item = trim_blanks(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos)
            continue;  // Stripe may add schemes; ignore unknown forms
        const std::string_view key = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        if (key == "t") {
            const auto [end, ec] =
                std::from_chars(value.data(), value.data() + value.size(), parsed.timestamp);
            if (ec != std::errc{} || end != value.data() + value.size()) {
                return fail(bad_signature("the timestamp t=\"" + std::string(value) +
                                          "\" in Stripe-Signature is not a number"));
            }
            have_timestamp = true;
        } else if (key == "v1" && value.size() == 64 && is_lower_hex(value)) {
            parsed.v1.emplace_back(value);
        }
    }
    if (!have_timestamp)
        return fail(bad_signature("Stripe-Signature has no timestamp (t=...)"));
    if (parsed.v1.empty())
        return fail(bad_signature("Stripe-Signature has no v1 signature"));
    return parsed;
}

std::vector<std::string> parse_secrets(std::string_view configured) {
    std::vector<std::string> secrets;
    while (!configured.empty()) {
        const auto comma = configured.find(',');
        const std::string_view one = trim_blanks(configured.substr(0, comma));
        if (!one.empty())
            secrets.emplace_back(one);
        if (comma == std::string_view::npos)
            break;
        configured.remove_prefix(comma + 1);
    }
    return secrets;
}

std::string compute_signature(std::string_view secret, std::int64_t timestamp,
                              std::string_view payload) {
    const std::string signed_prefix = std::to_string(timestamp) + ".";
    unsigned char digest[EVP_MAX_MD_SIZE];
    std::size_t length = 0;
    // OpenSSL 3's EVP_MAC (HMAC_CTX is deprecated there); streaming avoids copying the body.
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), params);
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(signed_prefix.data()),
                   signed_prefix.size());
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(payload.data()), payload.size());
    EVP_MAC_final(ctx, digest, &length, sizeof digest);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

Result<void> verify_signature(std::string_view payload, std::string_view header,
                              const std::vector<std::string>& secrets,
                              std::chrono::system_clock::time_point now,
                              std::chrono::seconds tolerance) {
    if (secrets.empty()) {
        return fail(Error::config("STRIPE_WEBHOOK_SECRET",
                                  "STRIPE_WEBHOOK_SECRET is not set: webhooks cannot be verified"));
    }
    if (header.empty())
        return fail(bad_signature("the Stripe-Signature header is missing"));
    auto parsed = parse_signature_header(header);
    if (!parsed)
        return fail(parsed.error());

    const auto sent_at =
        std::chrono::system_clock::time_point(std::chrono::seconds(parsed->timestamp));
    const auto age = now > sent_at ? now - sent_at : sent_at - now;
    if (age > tolerance) {
        return fail(bad_signature(
            "the Stripe-Signature timestamp " + std::to_string(parsed->timestamp) +
            " is outside the tolerance of " + std::to_string(tolerance.count()) + " s"));
    }
    // Every secret against every v1 value, without an early exit whose timing would tell which.
    bool matched = false;
    for (const std::string& secret : secrets) {
        const std::string expected = compute_signature(secret, parsed->timestamp, payload);
        for (const std::string& candidate : parsed->v1) {
            matched |= CRYPTO_memcmp(expected.data(), candidate.data(), expected.size()) == 0;
        }
    }
    if (!matched) {
        return fail(
            bad_signature("no v1 signature in Stripe-Signature matches the payload for "
                          "the configured secret(s)"));
    }
    return {};
}

}  // namespace txmail::stripe
