#include "txmail/microsoft365/basic_auth_retirement.h"

#include <gtest/gtest.h>

#include "txmail/config/settings.h"

namespace txmail::microsoft365 {
namespace {

using config::Settings;

TEST(BasicAuthRetirement, WarnsForAnAppPasswordOnExchangeOnline) {
    auto warning = basic_auth_retirement_warning(Settings::from_map(
        {{"EMAIL_HOST", "smtp.office365.com"}, {"EMAIL_HOST_PASSWORD", "app-password-value"}}));
    ASSERT_TRUE(warning);
    EXPECT_NE(warning->find("end of December 2026"), std::string::npos);
    EXPECT_NE(warning->find("550 5.7.30"), std::string::npos);
    EXPECT_NE(warning->find("EMAIL_OAUTH2_CLIENT_SECRET"), std::string::npos);
    EXPECT_NE(warning->find("EMAIL_BACKEND=graph"), std::string::npos);
    EXPECT_NE(warning->find("docs/microsoft365.md"), std::string::npos);
    EXPECT_EQ(warning->find("app-password-value"), std::string::npos);
}

TEST(BasicAuthRetirement, SilentWithOAuthOtherHostsOrNoPassword) {
    EXPECT_FALSE(basic_auth_retirement_warning(
        Settings::from_map({{"EMAIL_HOST", "smtp.office365.com"},
                            {"EMAIL_HOST_PASSWORD", "p"},
                            {"EMAIL_OAUTH2_TENANT_ID", "contoso.onmicrosoft.com"}})));
    EXPECT_FALSE(basic_auth_retirement_warning(
        Settings::from_map({{"EMAIL_HOST", "mail.internal"}, {"EMAIL_HOST_PASSWORD", "p"}})));
    EXPECT_FALSE(
        basic_auth_retirement_warning(Settings::from_map({{"EMAIL_HOST", "smtp.office365.com"}})));
}

}  // namespace
}  // namespace txmail::microsoft365
