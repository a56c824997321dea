#include "txmail/microsoft365/client_credentials_token_source.h"

#include <gtest/gtest.h>

namespace txmail::microsoft365 {
namespace {

using namespace std::chrono_literals;

// The identity platform's answer to a wrong client secret, as it sends it (v2.0 endpoint).
constexpr std::string_view invalid_secret_answer = R"({
  "error": "invalid_client",
  "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '00000000-1111-2222-3333-444444444444'.\r\nTrace ID: 0b8c7a3e-58b8-4a2f-9d3e-5d1c2e3f4a00\r\nCorrelation ID: 9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b\r\nTimestamp: 2026-11-02 10:15:42Z",
  "error_codes": [7000215],
  "timestamp": "2026-11-02 10:15:42Z",
  "trace_id": "0b8c7a3e-58b8-4a2f-9d3e-5d1c2e3f4a00",
  "correlation_id": "9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
  "error_uri": "https://login.microsoftonline.com/error?code=7000215"
})";

TEST(ParseTokenResponse, ReadsTheIssuedToken) {
    auto issued = parse_token_response(
        200,
        R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.abc.def"})");
    ASSERT_TRUE(issued) << issued.error().describe();
    EXPECT_EQ(issued->access_token, "eyJ0eXAi.abc.def");
    EXPECT_EQ(issued->lifetime, 3599s);
}

TEST(ParseTokenResponse, AcceptsExpiresInAsAStringAndAssumesShortLifeWithoutIt) {
    auto as_string = parse_token_response(
        200, R"({"token_type":"bearer","expires_in":"3600","access_token":"t"})");
    ASSERT_TRUE(as_string);
    EXPECT_EQ(as_string->lifetime, 3600s);
    auto without = parse_token_response(200, R"({"token_type":"Bearer","access_token":"t"})");
    ASSERT_TRUE(without);
    EXPECT_EQ(without->lifetime, 300s);
}

TEST(ParseTokenResponse, RefusesAnAnswerWithoutAUsableToken) {
    EXPECT_FALSE(parse_token_response(200, R"({"token_type":"Bearer","expires_in":3599})"));
    EXPECT_FALSE(parse_token_response(200, R"({"access_token":"t","expires_in":-5})"));
    auto mac = parse_token_response(200, R"({"token_type":"mac","access_token":"t"})");
    ASSERT_FALSE(mac);
    EXPECT_NE(mac.error().message.find("mac"), std::string::npos);
}

TEST(ParseTokenResponse, InvalidClientSecretShowsTheAadstsCodeAndDescription) {
    auto refused = parse_token_response(401, invalid_secret_answer, "s3cr3t-value");
    ASSERT_FALSE(refused);
    const Error& error = refused.error();
    EXPECT_EQ(error.kind, ErrorKind::config);
    EXPECT_EQ(error.code, 401);
    EXPECT_EQ(error.field, "EMAIL_OAUTH2_CLIENT_SECRET");
    EXPECT_TRUE(error.reply.starts_with("AADSTS7000215: Invalid client secret provided."));
    EXPECT_EQ(error.reply.find("Trace ID"), std::string::npos);  // first line only
    EXPECT_NE(error.message.find("(invalid_client): AADSTS7000215: Invalid client secret"),
              std::string::npos);
    EXPECT_NE(error.message.find("trace ID 0b8c7a3e-58b8-4a2f-9d3e-5d1c2e3f4a00"),
              std::string::npos);
}

TEST(ParseTokenResponse, NamesTheSettingBehindOtherAadstsCodes) {
    auto app = parse_token_response(
        400,
        R"({"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'x' was not found in the directory 'Contoso'.","error_codes":[700016]})");
    ASSERT_FALSE(app);
    EXPECT_EQ(app.error().field, "EMAIL_OAUTH2_CLIENT_ID");
    EXPECT_EQ(app.error().kind, ErrorKind::config);
    auto tenant = parse_token_response(
        400,
        R"({"error":"invalid_request","error_description":"AADSTS90002: Tenant 'nope' not found.","error_codes":[90002]})");
    ASSERT_FALSE(tenant);
    EXPECT_EQ(tenant.error().field, "EMAIL_OAUTH2_TENANT_ID");
    auto scope = parse_token_response(
        400,
        R"({"error":"invalid_scope","error_description":"AADSTS70011: The provided value for the input parameter 'scope' is not valid.","error_codes":[70011]})");
    ASSERT_FALSE(scope);
    EXPECT_EQ(scope.error().kind, ErrorKind::config);
    EXPECT_EQ(scope.error().field, "");
}

TEST(ParseTokenResponse, ServerTroubleIsTransient) {
    auto unavailable = parse_token_response(
        503,
        R"({"error":"temporarily_unavailable","error_description":"AADSTS50196: The server terminated an operation because it encountered a client request loop.","error_codes":[50196]})");
    ASSERT_FALSE(unavailable);
    EXPECT_EQ(unavailable.error().kind, ErrorKind::transient);
    auto gateway = parse_token_response(502, "<html>Bad Gateway</html>");
    ASSERT_FALSE(gateway);
    EXPECT_EQ(gateway.error().kind, ErrorKind::transient);
    EXPECT_EQ(gateway.error().code, 502);
}

TEST(ParseTokenResponse, AnythingButJsonFromA4xxPointsAtTheTokenUrl) {
    auto not_found = parse_token_response(404, "Not Found");
    ASSERT_FALSE(not_found);
    EXPECT_EQ(not_found.error().kind, ErrorKind::config);
    EXPECT_EQ(not_found.error().field, "EMAIL_OAUTH2_TOKEN_URL");
}

TEST(ParseTokenResponse, NeverQuotesTheSecret) {
    auto refused = parse_token_response(
        400,
        R"({"error":"invalid_request","error_description":"AADSTS900144: bad value hunter2-secret"})",
        "hunter2-secret");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().describe().find("hunter2-secret"), std::string::npos);
    EXPECT_NE(refused.error().describe().find("****"), std::string::npos);
}

TEST(TokenRequestBody, IsFormEncodedWithEveryValueEscaped) {
    OAuthSettings settings{.client_id = "00000000-1111-2222-3333-444444444444",
                           .client_secret = "a+b&c=d/e f~",
                           .scope = std::string(smtp_scope)};
    EXPECT_EQ(token_request_body(settings),
              "grant_type=client_credentials&client_id=00000000-1111-2222-3333-444444444444"
              "&client_secret=a%2Bb%26c%3Dd%2Fe%20f~"
              "&scope=https%3A%2F%2Foutlook.office365.com%2F.default");
}

// Nothing listens on the port: the error is transient, says where, and holds no secret.
TEST(ClientCredentialsTokenSource, UnreachableEndpointIsTransient) {
    OAuthSettings settings{.tenant_id = "contoso.onmicrosoft.com",
                           .client_id = "client",
                           .client_secret = "do-not-print-me",
                           .token_url = "http://127.0.0.1:1/contoso/oauth2/v2.0/token",
                           .scope = std::string(smtp_scope),
                           .timeout = 5s};
    ClientCredentialsTokenSource source(settings);
    auto token = source.token();
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, ErrorKind::transient);
    EXPECT_NE(token.error().message.find("127.0.0.1:1"), std::string::npos);
    EXPECT_EQ(token.error().describe().find("do-not-print-me"), std::string::npos);
}

TEST(SharedTokenSource, SameSettingsShareOneSourceDifferentScopesDoNot) {
    OAuthSettings smtp{.tenant_id = "t",
                       .client_id = "c",
                       .client_secret = "s",
                       .token_url = "https://login.microsoftonline.com/t/oauth2/v2.0/token",
                       .scope = std::string(smtp_scope)};
    OAuthSettings graph = smtp;
    graph.scope = std::string(graph_scope);
    auto a = shared_token_source(smtp);
    auto b = shared_token_source(smtp);
    auto c = shared_token_source(graph);
    EXPECT_EQ(a.get(), b.get());
    EXPECT_NE(a.get(), c.get());
}

}  // namespace
}  // namespace txmail::microsoft365
