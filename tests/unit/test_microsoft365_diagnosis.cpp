#include "txmail/microsoft365/diagnosis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include "txmail/microsoft365/diagnosis_text.h"
#include "txmail/microsoft365/reply_knowledge_base.h"

namespace txmail::microsoft365 {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// A sample is written "<code> [<enhanced status>] <text>"; this builds the Error a backend
// produces from it: the code and status split out, the whole line kept verbatim as the reply.
Error error_from_sample(std::string_view sample) {
    Error error = Error::permanent("the server refused");
    error.reply = std::string(sample);
    std::from_chars(sample.data(), sample.data() + 3, error.code);
    const auto rest = sample.substr(4);
    const auto token = rest.substr(0, rest.find(' '));
    if (!token.empty() && token[0] >= '2' && token[0] <= '5' && token.find('.') == 1)
        error.enhanced_status = std::string(token);
    return error;
}

Error smtp_error(int code, std::string status, std::string text) {
    Error error = Error::permanent("the server refused");
    error.code = code;
    error.enhanced_status = status;
    error.reply = std::to_string(code) + " " + status + " " + text;
    return error;
}

std::string diagnosed_id(const Error& error) {
    const auto diagnosis = diagnose(error);
    return diagnosis ? diagnosis->id : "(none)";
}

TEST(ReplyKnowledgeBase, EverySampleLandsOnItsOwnRule) {
    // Replaying the provider's exact words proves both the rule and the table's order: a sample
    // caught by an earlier, more general rule would report that rule's id.
    for (const ReplyRule& rule : reply_rules()) {
        ASSERT_FALSE(rule.samples.empty()) << rule.id;
        for (std::string_view sample : rule.samples)
            EXPECT_EQ(diagnosed_id(error_from_sample(sample)), rule.id) << sample;
    }
}

TEST(ReplyKnowledgeBase, RulesAreCompleteAndIdsUnique) {
    std::set<std::string_view> ids;
    for (const ReplyRule& rule : reply_rules()) {
        EXPECT_TRUE(ids.insert(rule.id).second) << "duplicate id " << rule.id;
        EXPECT_FALSE(rule.cause.empty()) << rule.id;
        EXPECT_FALSE(rule.remediation.empty()) << rule.id;
        // A Microsoft Learn page, where one documents the reply.
        EXPECT_TRUE(rule.reference.empty() ||
                    rule.reference.starts_with("https://learn.microsoft.com/"))
            << rule.id;
    }
}

TEST(ReplyKnowledgeBase, DocumentationListsEveryRule) {
    std::ifstream doc(TXMAIL_SOURCE_DIR "/docs/microsoft365.md");
    ASSERT_TRUE(doc) << "docs/microsoft365.md is missing";
    std::stringstream text;
    text << doc.rdbuf();
    for (const ReplyRule& rule : reply_rules())
        EXPECT_THAT(text.str(), HasSubstr("`" + std::string(rule.id) + "`"))
            << "docs/microsoft365.md's reply table lacks " << rule.id;
}

TEST(Diagnose, SmtpAuthDisabledGivesMailboxAndTenantFixesAndRecommendsOAuth) {
    const auto diagnosis =
        diagnose(smtp_error(535, "5.7.139",
                            "Authentication unsuccessful, SmtpClientAuthentication "
                            "is disabled for the Tenant. Visit "
                            "https://aka.ms/smtp_auth_disabled for more "
                            "information."));
    ASSERT_TRUE(diagnosis);
    EXPECT_EQ(diagnosis->id, "smtp_auth_disabled_tenant");
    EXPECT_TRUE(diagnosis->systemic);
    EXPECT_EQ(diagnosis->kind, ErrorKind::config);
    std::string steps;
    for (const auto& step : diagnosis->remediation)
        steps += step + "\n";
    EXPECT_THAT(steps,
                AllOf(HasSubstr("Set-CASMailbox -Identity <mailbox> "
                                "-SmtpClientAuthenticationDisabled $false"),
                      HasSubstr("Set-TransportConfig -SmtpClientAuthenticationDisabled $false"),
                      HasSubstr("Users → Active users → select <mailbox> → Mail → Manage email "
                                "apps → tick Authenticated SMTP"),
                      HasSubstr("Azure Cloud Shell"), HasSubstr("Connect-ExchangeOnline -Device"),
                      HasSubstr("EMAIL_OAUTH2_CLIENT_ID"), HasSubstr("December 2026")));
    EXPECT_EQ(diagnosis->reference,
              "https://learn.microsoft.com/en-us/exchange/clients-and-mobile-in-exchange-online/"
              "authenticated-client-smtp-submission");
}

TEST(Diagnose, MatchesTextCaseInsensitively) {
    EXPECT_EQ(diagnosed_id(smtp_error(535, "5.7.139",
                                      "AUTHENTICATION UNSUCCESSFUL, SMTPCLIENTAUTHENTICATION IS "
                                      "DISABLED FOR THE TENANT.")),
              "smtp_auth_disabled_tenant");
    EXPECT_EQ(diagnosed_id(smtp_error(554, "5.2.2", "Mailbox Full; STOREDRV")),
              "sender_mailbox_full");
}

TEST(Diagnose, UnknownReplyVariantOf5_7_139FallsBackToTheGeneralRule) {
    EXPECT_EQ(
        diagnosed_id(smtp_error(535, "5.7.139", "Authentication unsuccessful, something new")),
        "auth_refused_5_7_139");
}

TEST(Diagnose, CodeAndStatusMustAgree) {
    // The text alone does not decide: the same words under another code are not that reply.
    EXPECT_EQ(diagnosed_id(smtp_error(550, "5.7.139", "SmtpClientAuthentication is disabled")),
              "(none)");
    EXPECT_EQ(diagnosed_id(smtp_error(451, "4.7.0", "Something else entirely")), "(none)");
}

TEST(Diagnose, UnknownRepliesAreNotDiagnosed) {
    EXPECT_FALSE(diagnose(smtp_error(250, "2.0.0", "OK")));
    EXPECT_FALSE(diagnose(smtp_error(550, "5.7.1", "Relaying denied")));
    EXPECT_FALSE(diagnose(smtp_error(535, "5.7.8", "Username and Password not accepted.")));
    EXPECT_FALSE(diagnose(Error::transient("connection reset by peer")));
    EXPECT_FALSE(diagnose(Error{}));
}

TEST(Diagnose, IdentityPlatformErrorIsFoundInTheMessage) {
    // The token source carries the identity platform's description in the message, not a reply.
    Error error = Error::config("EMAIL_OAUTH2_CLIENT_SECRET",
                                "token request failed: invalid_client: AADSTS7000215: Invalid "
                                "client secret provided.");
    error.code = 401;
    const auto diagnosis = diagnose(error);
    ASSERT_TRUE(diagnosis);
    EXPECT_EQ(diagnosis->id, "aadsts_invalid_client_secret");
    EXPECT_THAT(diagnosis->remediation.front(), HasSubstr("EMAIL_OAUTH2_CLIENT_SECRET"));
}

TEST(Diagnose, SystemicForTheSenderNotForOneMessage) {
    for (const char* id : {"smtp_auth_disabled_tenant", "auth_unsuccessful", "send_as_denied",
                           "daily_recipient_quota", "bad_outbound_sender", "throttled_mailbox_full",
                           "tenant_threshold", "aadsts_invalid_client_secret"}) {
        const auto& rules = reply_rules();
        const auto rule = std::ranges::find(rules, std::string_view(id), &ReplyRule::id);
        ASSERT_NE(rule, rules.end()) << id;
        EXPECT_TRUE(rule->systemic) << id;
    }
    EXPECT_FALSE(diagnose(smtp_error(550, "5.1.10", "RESOLVER.ADR.RecipientNotFound"))->systemic);
    EXPECT_FALSE(diagnose(smtp_error(552, "5.3.4",
                                     "Message size exceeds fixed maximum message "
                                     "size"))
                     ->systemic);
    EXPECT_FALSE(diagnose(smtp_error(451, "4.7.0",
                                     "Temporary server error. Please try again "
                                     "later."))
                     ->systemic);
}

TEST(Diagnose, KindOverridesWhereTheCodeMisleads) {
    // 5xx codes for blocks that expire: retry later, do not fail the message for good.
    EXPECT_EQ(diagnose(smtp_error(550, "5.2.253",
                                  "Sender throttled due to continuous invalid "
                                  "license errors."))
                  ->kind,
              ErrorKind::transient);
    EXPECT_EQ(diagnose(smtp_error(554, "5.2.0",
                                  "STOREDRV.Submission.Exception:"
                                  "SubmissionQuotaExceededException"))
                  ->kind,
              ErrorKind::transient);
    // A 4xx that no retry will cure.
    EXPECT_EQ(diagnose(smtp_error(421, "4.7.66", "TLS 1.0 and 1.1 are not supported."))->kind,
              ErrorKind::config);
    // Where the code tells the truth there is no override.
    EXPECT_FALSE(diagnose(smtp_error(550, "5.1.8", "Access denied, bad outbound sender"))->kind);
}

TEST(StatusMatches, ExactRangeAndAny) {
    EXPECT_TRUE(status_matches("", "5.7.139"));
    EXPECT_TRUE(status_matches("", ""));
    EXPECT_TRUE(status_matches("5.7.139", "5.7.139"));
    EXPECT_FALSE(status_matches("5.7.139", "5.7.13"));
    EXPECT_FALSE(status_matches("5.7.3", "5.7.30"));
    EXPECT_TRUE(status_matches("4.7.500-699", "4.7.500"));
    EXPECT_TRUE(status_matches("4.7.500-699", "4.7.699"));
    EXPECT_FALSE(status_matches("4.7.500-699", "4.7.700"));
    EXPECT_FALSE(status_matches("4.7.500-699", "4.7.0"));
    EXPECT_FALSE(status_matches("4.7.500-699", "5.7.500"));
    EXPECT_FALSE(status_matches("4.7.500-699", "4.7.5x0"));
    EXPECT_FALSE(status_matches("4.7.500-699", ""));
}

TEST(FormatDiagnosis, WritesTheMailboxIntoTheSteps) {
    const auto diagnosis =
        diagnose(smtp_error(535, "5.7.139",
                            "Authentication unsuccessful, SmtpClientAuthentication "
                            "is disabled for the Mailbox."));
    ASSERT_TRUE(diagnosis);
    const std::string text = format_diagnosis(*diagnosis, "noreply@boritrade.net", "  ");
    EXPECT_THAT(text, HasSubstr("  diagnosis: SMTP AUTH (Authenticated SMTP) is turned off for "
                                "this mailbox.\n"));
    EXPECT_THAT(text,
                HasSubstr("    - Or in Exchange Online PowerShell: Set-CASMailbox -Identity "
                          "noreply@boritrade.net -SmtpClientAuthenticationDisabled $false\n"));
    EXPECT_THAT(text, HasSubstr("    see https://learn.microsoft.com/"));
    EXPECT_EQ(text.find("<mailbox>"), std::string::npos);
    // Without a mailbox the placeholder stays, so the reader knows what to fill in.
    EXPECT_THAT(format_diagnosis(*diagnosis), HasSubstr("-Identity <mailbox> "));
}

TEST(FormatDiagnosis, OneLineForLogs) {
    const auto diagnosis = diagnose(smtp_error(535, "5.7.3", "Authentication unsuccessful"));
    ASSERT_TRUE(diagnosis);
    EXPECT_THAT(format_diagnosis_line(*diagnosis),
                AllOf(HasSubstr("auth_unsuccessful: Exchange Online refused the credentials"),
                      HasSubstr("(see https://learn.microsoft.com/")));
    EXPECT_EQ(format_diagnosis_line(*diagnosis).find('\n'), std::string::npos);
}

TEST(FillMailbox, ReplacesEveryPlaceholderOnce) {
    EXPECT_EQ(fill_mailbox("<mailbox> and <mailbox>", "a@b"), "a@b and a@b");
    // A mailbox that itself looks like the placeholder does not loop.
    EXPECT_EQ(fill_mailbox("x <mailbox> y", "<mailbox>"), "x <mailbox> y");
    EXPECT_EQ(fill_mailbox("no placeholder", "a@b"), "no placeholder");
}

}  // namespace
}  // namespace txmail::microsoft365
