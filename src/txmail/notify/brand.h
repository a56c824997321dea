// Who the notifications come from: the product and company names, links and addresses that every
// template shows (SITE_NAME, SITE_URL, SUPPORT_EMAIL, COMPANY_NAME) and the From address
// (DEFAULT_FROM_EMAIL). Read and checked once at start-up; errors name the setting and the value.
#pragma once

#include <string>

#include "txmail/mail/address.h"
#include "txmail/util/error.h"

namespace txmail::config {
class Settings;
}

namespace txmail::notify {

struct Brand {
    std::string site_name;      // "Boritrader"
    std::string site_url;       // "https://boritrader.com", never with a trailing slash
    std::string support_email;  // an addr-spec
    std::string company_name;   // "Boritrade LLC"
    mail::Address from;         // DEFAULT_FROM_EMAIL, display name allowed

    static Result<Brand> from_settings(const config::Settings& settings);
};

}  // namespace txmail::notify
