#include "txmail/microsoft365/oauth_settings.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "txmail/config/settings.h"
#include "txmail/util/loopback.h"

namespace txmail::microsoft365 {

namespace {

constexpr std::string_view tenant_setting = "EMAIL_OAUTH2_TENANT_ID";
constexpr std::string_view client_id_setting = "EMAIL_OAUTH2_CLIENT_ID";
constexpr std::string_view secret_setting = "EMAIL_OAUTH2_CLIENT_SECRET";
constexpr std::string_view token_url_setting = "EMAIL_OAUTH2_TOKEN_URL";

// A tenant is a GUID or a verified domain; both are [A-Za-z0-9.-], which also keeps the value
// from escaping its path segment in the token URL.
bool is_tenant_id(std::string_view value) {
    return !value.empty() && std::ranges::all_of(value, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-';
    });
}

// The host of scheme://[userinfo@]host[:port][/...], brackets kept for IPv6.
std::string_view url_host(std::string_view after_scheme) {
    std::string_view authority = after_scheme.substr(0, after_scheme.find_first_of("/?#"));
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    if (authority.starts_with('['))
        return authority.substr(0, authority.find(']') + 1);
    return authority.substr(0, authority.find(':'));
}

}  // namespace

std::string_view scope_for(Api api) {
    return api == Api::graph ? graph_scope : smtp_scope;
}

std::string default_token_url(std::string_view tenant_id) {
    return "https://login.microsoftonline.com/" + std::string(tenant_id) + "/oauth2/v2.0/token";
}

Result<void> check_endpoint_url(std::string_view setting, std::string_view url) {
    auto bad = [&](std::string why) {
        return fail(Error::config(std::string(setting),
                                  std::string(setting) + ": \"" + std::string(url) + "\" " + why));
    };
    if (url.starts_with("https://")) {
        if (url_host(url.substr(8)).empty())
            return bad("has no host");
        return {};
    }
    if (url.starts_with("http://")) {
        if (is_loopback_host(url_host(url.substr(7))))
            return {};
        return bad("must use https:// (plain http:// is accepted for loopback test servers only)");
    }
    return bad("is not an https:// URL");
}

Result<std::chrono::milliseconds> request_timeout(const config::Settings& settings) {
    auto seconds = settings.get_double("EMAIL_TIMEOUT", 30.0);
    if (!seconds)
        return fail(seconds.error());
    if (!std::isfinite(*seconds) || *seconds <= 0)
        return fail(Error::config("EMAIL_TIMEOUT", "EMAIL_TIMEOUT: \"" +
                                                       settings.get_or("EMAIL_TIMEOUT", "") +
                                                       "\" must be a positive number of seconds"));
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(*seconds * 1000)));
}

Result<std::optional<OAuthSettings>> load_oauth_settings(const config::Settings& settings,
                                                         Api api) {
    auto tenant = settings.get(tenant_setting);
    auto client_id = settings.get(client_id_setting);
    auto secret = settings.get(secret_setting);
    auto token_url = settings.get(token_url_setting);
    if (!tenant && !client_id && !secret && !token_url)
        return std::nullopt;

    std::vector<std::string_view> missing;
    if (!tenant)
        missing.push_back(tenant_setting);
    if (!client_id)
        missing.push_back(client_id_setting);
    if (!secret)
        missing.push_back(secret_setting);
    if (!missing.empty()) {
        std::string names;
        for (auto name : missing)
            names += (names.empty() ? "" : ", ") + std::string(name);
        return fail(Error::config(
            std::string(missing.front()),
            "OAuth 2.0 is partly configured: set " + names +
                " too (tenant ID, application (client) ID and client secret of the app "
                "registration), or unset every EMAIL_OAUTH2_* setting to use a password"));
    }
    if (!is_tenant_id(*tenant))
        return fail(Error::config(std::string(tenant_setting),
                                  std::string(tenant_setting) + ": \"" + *tenant +
                                      "\" is not a tenant ID (a GUID) or a verified domain "
                                      "(such as contoso.onmicrosoft.com)"));

    OAuthSettings out{.tenant_id = *tenant,
                      .client_id = *client_id,
                      .client_secret = *secret,
                      .token_url = token_url.value_or(default_token_url(*tenant)),
                      .scope = std::string(scope_for(api)),
                      .ca_file = settings.get_or("EMAIL_SSL_CAFILE", "")};
    if (auto checked = check_endpoint_url(token_url_setting, out.token_url); !checked)
        return fail(checked.error());
    auto timeout = request_timeout(settings);
    if (!timeout)
        return fail(timeout.error());
    out.timeout = *timeout;
    return out;
}

Result<OAuthSettings> require_oauth_settings(const config::Settings& settings, Api api) {
    auto loaded = load_oauth_settings(settings, api);
    if (!loaded)
        return fail(loaded.error());
    if (!*loaded)
        return fail(Error::config(
            std::string(tenant_setting),
            std::string(api == Api::graph ? "Microsoft Graph" : "SMTP") +
                " needs OAuth 2.0: set EMAIL_OAUTH2_TENANT_ID, EMAIL_OAUTH2_CLIENT_ID and "
                "EMAIL_OAUTH2_CLIENT_SECRET (docs/microsoft365.md)"));
    return std::move(**loaded);
}

}  // namespace txmail::microsoft365
