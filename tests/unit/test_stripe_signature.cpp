#include "txmail/stripe/signature.h"

#include <gtest/gtest.h>

namespace txmail::stripe {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::int64_t kTimestamp = 1795478401;
constexpr std::string_view kPayload = R"({"id":"evt_1","object":"event"})";
constexpr std::string_view kSecret = "whsec_test_secret";
// Computed by Debian's python3-stripe 5.0.0:
// WebhookSignature._compute_signature("1795478401." + payload, "whsec_test_secret").
constexpr std::string_view kReference =
    "c50222d1fa329942f744174934966d97e44ea55641ca82f59124f8203f395158";

system_clock::time_point at(std::int64_t unix_seconds) {
    return system_clock::time_point(seconds(unix_seconds));
}

std::string header_with(std::string_view v1) {
    return "t=" + std::to_string(kTimestamp) + ",v1=" + std::string(v1);
}

TEST(StripeSignature, MatchesStripesOwnLibrary) {
    EXPECT_EQ(compute_signature(kSecret, kTimestamp, kPayload), kReference);
}

TEST(StripeSignature, AcceptsAValidHeader) {
    EXPECT_TRUE(verify_signature(kPayload, header_with(kReference), {std::string(kSecret)},
                                 at(kTimestamp + 10)));
}

TEST(StripeSignature, RejectsATamperedBody) {
    auto result = verify_signature(R"({"id":"evt_2","object":"event"})", header_with(kReference),
                                   {std::string(kSecret)}, at(kTimestamp));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "Stripe-Signature");
    EXPECT_NE(result.error().message.find("no v1 signature"), std::string::npos);
}

TEST(StripeSignature, RejectsTheWrongSecret) {
    EXPECT_FALSE(
        verify_signature(kPayload, header_with(kReference), {"whsec_other"}, at(kTimestamp)));
}

TEST(StripeSignature, RejectsTimestampsOutsideTheTolerance) {
    auto late = verify_signature(kPayload, header_with(kReference), {std::string(kSecret)},
                                 at(kTimestamp + 301));
    ASSERT_FALSE(late);
    EXPECT_NE(late.error().message.find("tolerance"), std::string::npos);
    EXPECT_FALSE(verify_signature(kPayload, header_with(kReference), {std::string(kSecret)},
                                  at(kTimestamp - 301)));
    EXPECT_TRUE(verify_signature(kPayload, header_with(kReference), {std::string(kSecret)},
                                 at(kTimestamp + 300)));
}

TEST(StripeSignature, AcceptsAnyOfSeveralSignaturesAndSecretsDuringRotation) {
    const std::string other = compute_signature("whsec_old", kTimestamp, kPayload);
    const std::string header = "t=" + std::to_string(kTimestamp) + ",v1=" + other +
                               ",v1=" + std::string(kReference) + ",v0=deadbeef";
    EXPECT_TRUE(
        verify_signature(kPayload, header, {"whsec_new", std::string(kSecret)}, at(kTimestamp)));
    EXPECT_TRUE(verify_signature(kPayload, header, parse_secrets(" whsec_old , whsec_x ,"),
                                 at(kTimestamp)));
}

TEST(StripeSignature, RejectsMissingOrMalformedHeaders) {
    const std::vector<std::string> secrets{std::string(kSecret)};
    EXPECT_FALSE(verify_signature(kPayload, "", secrets, at(kTimestamp)));
    EXPECT_FALSE(
        verify_signature(kPayload, "v1=" + std::string(kReference), secrets, at(kTimestamp)));
    EXPECT_FALSE(
        verify_signature(kPayload, "t=" + std::to_string(kTimestamp), secrets, at(kTimestamp)));
    auto bad_time =
        verify_signature(kPayload, "t=soon,v1=" + std::string(kReference), secrets, at(kTimestamp));
    ASSERT_FALSE(bad_time);
    EXPECT_NE(bad_time.error().message.find("\"soon\""), std::string::npos);
    // Upper-case hex is not what Stripe sends; it must not be taken as a signature.
    std::string upper(kReference);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_FALSE(verify_signature(kPayload, header_with(upper), secrets, at(kTimestamp)));
}

TEST(StripeSignature, WithoutASecretItIsAConfigErrorNotAnAcceptance) {
    auto result = verify_signature(kPayload, header_with(kReference), {}, at(kTimestamp));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::config);
    EXPECT_EQ(result.error().field, "STRIPE_WEBHOOK_SECRET");
}

}  // namespace
}  // namespace txmail::stripe
