#include "txmail/notify/brand.h"

#include "txmail/config/settings.h"
#include "txmail/notify/event_data.h"

namespace txmail::notify {
namespace {

// An address setting that does not parse is the operator's to fix: a config error.
Result<mail::Address> address_setting(std::string_view name, const std::string& value) {
    auto address = mail::Address::parse(value, name);
    if (!address) {
        Error error = address.error();
        error.kind = ErrorKind::config;
        error.field = std::string(name);
        return fail(std::move(error));
    }
    return address;
}

Result<std::string> required(const config::Settings& settings, std::string_view name) {
    auto value = settings.get(name);
    if (!value) {
        return fail(
            Error::config(std::string(name), std::string(name) + " must be set: emails show it"));
    }
    return *value;
}

}  // namespace

Result<Brand> Brand::from_settings(const config::Settings& settings) {
    Brand brand;
    for (auto [name, target] :
         {std::pair{"SITE_NAME", &brand.site_name}, std::pair{"SITE_URL", &brand.site_url},
          std::pair{"SUPPORT_EMAIL", &brand.support_email},
          std::pair{"COMPANY_NAME", &brand.company_name}}) {
        auto value = required(settings, name);
        if (!value)
            return fail(value.error());
        *target = std::move(*value);
    }
    if (!is_http_url(brand.site_url)) {
        return fail(Error::config("SITE_URL", "SITE_URL must be an absolute http(s) URL, got \"" +
                                                  brand.site_url + "\""));
    }
    while (brand.site_url.ends_with('/'))
        brand.site_url.pop_back();
    auto support = address_setting("SUPPORT_EMAIL", brand.support_email);
    if (!support)
        return fail(support.error());
    if (!support->display_name.empty()) {
        return fail(Error::config("SUPPORT_EMAIL",
                                  "SUPPORT_EMAIL must be a bare address such as "
                                  "support@example.com, got \"" +
                                      brand.support_email + "\""));
    }
    auto from_text = required(settings, "DEFAULT_FROM_EMAIL");
    if (!from_text)
        return fail(from_text.error());
    auto from = address_setting("DEFAULT_FROM_EMAIL", *from_text);
    if (!from)
        return fail(from.error());
    brand.from = std::move(*from);
    return brand;
}

}  // namespace txmail::notify
