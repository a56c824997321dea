#include "txmail/microsoft365/client_credentials_token_source.h"

#include <charconv>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <tuple>

#include "txmail/util/strings.h"

namespace txmail::microsoft365 {

namespace {

using nlohmann::json;

// When the endpoint gives no expires_in (RFC 6749 makes it optional), assume a short life.
constexpr std::chrono::seconds assumed_lifetime{300};

// OAuth error codes that no retry can fix (RFC 6749 section 5.2, plus Entra ID's invalid_resource).
bool is_request_error(std::string_view error) {
    for (std::string_view code :
         {"invalid_client", "unauthorized_client", "invalid_request", "invalid_grant",
          "invalid_scope", "unsupported_grant_type", "invalid_resource"})
        if (error == code)
            return true;
    return false;
}

// The setting an AADSTS code points at, so the error names what to change.
std::string setting_for(long aadsts) {
    switch (aadsts) {
        case 7000215:  // invalid client secret
        case 7000222:  // client secret expired
            return "EMAIL_OAUTH2_CLIENT_SECRET";
        case 700016:  // application not found in the directory
            return "EMAIL_OAUTH2_CLIENT_ID";
        case 90002:   // tenant not found
        case 900023:  // tenant identifier neither a GUID nor a domain
            return "EMAIL_OAUTH2_TENANT_ID";
        default:
            return {};
    }
}

std::string scrub(std::string text, std::string_view secret) {
    if (secret.empty())
        return text;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), "****");
    return text;
}

// error_description's first line: the trace and correlation IDs follow on lines of their own.
std::string first_line(std::string_view text) {
    return std::string(text.substr(0, text.find_first_of("\r\n")));
}

std::optional<std::chrono::seconds> read_lifetime(const json& value) {
    long seconds = 0;
    if (value.is_number_integer()) {
        seconds = value.get<long>();
    } else if (value.is_string()) {  // Azure AD v1 sends it as a string
        const auto& text = value.get_ref<const std::string&>();
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc{} || end != text.data() + text.size())
            return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (seconds <= 0)
        return std::nullopt;
    return std::chrono::seconds(seconds);
}

Error refusal(long status, const json& answer, std::string_view secret) {
    const std::string error = answer.value("error", "");
    const std::string description =
        scrub(first_line(answer.value("error_description", "")), secret);
    long aadsts = 0;
    if (auto codes = answer.find("error_codes"); codes != answer.end() && codes->is_array() &&
                                                 !codes->empty() &&
                                                 codes->front().is_number_integer())
        aadsts = codes->front().get<long>();

    const bool transient = status >= 500 || status == 429 || error == "temporarily_unavailable";
    Error out{transient ? ErrorKind::transient : ErrorKind::config,
              "the Microsoft identity platform refused the token request (" + error + ")" +
                  (description.empty() ? "" : ": " + description)};
    out.code = static_cast<int>(status);
    out.reply = description.empty() ? error : description;
    if (!transient && is_request_error(error))
        out.field = setting_for(aadsts);
    if (auto trace = answer.find("trace_id"); trace != answer.end() && trace->is_string())
        out.message += " (trace ID " + trace->get<std::string>() + ")";
    return out;
}

}  // namespace

std::string token_request_body(const OAuthSettings& settings) {
    return "grant_type=client_credentials&client_id=" + HttpClient::escape(settings.client_id) +
           "&client_secret=" + HttpClient::escape(settings.client_secret) +
           "&scope=" + HttpClient::escape(settings.scope);
}

Result<IssuedToken> parse_token_response(long status, std::string_view body,
                                         std::string_view secret) {
    json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object()) {
        Error out{status >= 500 || status == 429 ? ErrorKind::transient : ErrorKind::config,
                  "the token endpoint answered HTTP " + std::to_string(status) +
                      " without an OAuth 2.0 JSON body: is EMAIL_OAUTH2_TOKEN_URL a Microsoft "
                      "identity platform token endpoint?"};
        out.code = static_cast<int>(status);
        if (out.kind == ErrorKind::config)
            out.field = "EMAIL_OAUTH2_TOKEN_URL";
        return fail(std::move(out));
    }
    if (status != 200 || answer.contains("error"))
        return fail(refusal(status, answer, secret));

    auto access_token = answer.find("access_token");
    if (access_token == answer.end() || !access_token->is_string() ||
        access_token->get_ref<const std::string&>().empty())
        return fail(Error::transient("the token endpoint's answer has no access_token"));
    if (auto type = answer.find("token_type");
        type != answer.end() &&
        !(type->is_string() && iequals_ascii(type->get<std::string>(), "Bearer")))
        return fail(Error::config("EMAIL_OAUTH2_TOKEN_URL",
                                  "the token endpoint issued a token of type " +
                                      scrub(type->dump(), secret) + ", not Bearer"));
    IssuedToken issued{.access_token = access_token->get<std::string>(),
                       .lifetime = assumed_lifetime};
    if (auto expires_in = answer.find("expires_in"); expires_in != answer.end()) {
        auto lifetime = read_lifetime(*expires_in);
        if (!lifetime)
            return fail(
                Error::transient("the token endpoint's expires_in is not a positive "
                                 "number of seconds: " +
                                 expires_in->dump()));
        issued.lifetime = *lifetime;
    }
    return issued;
}

ClientCredentialsTokenSource::ClientCredentialsTokenSource(OAuthSettings settings,
                                                           TokenCache::Now now)
    : settings_(std::move(settings)),
      http_(HttpOptions{.ca_file = settings_.ca_file, .timeout = settings_.timeout}),
      cache_([this] { return fetch(); }, std::move(now)) {}

Result<IssuedToken> ClientCredentialsTokenSource::fetch() {
    auto response = http_.post(settings_.token_url, "application/x-www-form-urlencoded",
                               token_request_body(settings_), {"Accept: application/json"});
    if (!response) {
        Error error = response.error();
        error.message = "cannot get an OAuth 2.0 token: " + error.message;
        return fail(std::move(error));
    }
    return parse_token_response(response->status, response->body, settings_.client_secret);
}

std::shared_ptr<ClientCredentialsTokenSource> shared_token_source(const OAuthSettings& settings) {
    using Key = std::tuple<std::string, std::string, std::string, std::string, std::string>;
    static std::mutex mutex;
    static std::map<Key, std::weak_ptr<ClientCredentialsTokenSource>> sources;

    Key key{settings.token_url, settings.client_id, settings.client_secret, settings.scope,
            settings.ca_file};
    std::lock_guard lock(mutex);
    if (auto existing = sources[key].lock())
        return existing;
    auto created = std::make_shared<ClientCredentialsTokenSource>(settings);
    sources[key] = created;
    return created;
}

}  // namespace txmail::microsoft365
