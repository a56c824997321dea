#include "txmail/transport/doctor_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/exchange_replies.h"
#include "txmail/config/settings.h"
#include "txmail/microsoft365/diagnosis.h"
#include "txmail/transport/doctor_checkup.h"

namespace txmail::transport {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

DoctorReport failed_auth_report() {
    const Error refusal = testing::tenant_smtp_auth_disabled("the server refused AUTH LOGIN");
    DoctorReport report;
    report.summary = "smtp to smtp.office365.com port 587";
    report.mailbox = "noreply@boritrade.net";
    report.steps = {
        {"greeting", StepStatus::passed, "220 ready", "220 ready", std::nullopt},
        {"auth", StepStatus::failed, "the server refused AUTH LOGIN", refusal.reply,
         microsoft365::diagnose(refusal)},
        {"mail_from", StepStatus::skipped, "not run: an earlier step failed", "", std::nullopt},
    };
    return report;
}

TEST(DoctorReport, OkUnlessAStepFailed) {
    DoctorReport report = failed_auth_report();
    EXPECT_FALSE(report.ok());
    report.steps[1].status = StepStatus::skipped;
    EXPECT_TRUE(report.ok());
}

TEST(RenderText, MarksStepsAndShowsTheServersWordsAndTheFix) {
    const std::string text = render_text(failed_auth_report());
    EXPECT_THAT(text, HasSubstr("txmail doctor: smtp to smtp.office365.com port 587\n"));
    EXPECT_THAT(text, HasSubstr("✓ greeting   220 ready\n"));
    EXPECT_THAT(text, HasSubstr("✗ auth       the server refused AUTH LOGIN\n"));
    EXPECT_THAT(text, HasSubstr("server said: 535 " +
                                std::string(testing::tenant_smtp_auth_disabled_text) + "\n"));
    EXPECT_THAT(text, HasSubstr("diagnosis: SMTP AUTH (Authenticated SMTP) is turned off"));
    // The mailbox is written into the PowerShell line, ready to paste.
    EXPECT_THAT(text, HasSubstr("Set-CASMailbox -Identity noreply@boritrade.net "
                                "-SmtpClientAuthenticationDisabled $false"));
    EXPECT_THAT(text, HasSubstr("- mail_from  not run: an earlier step failed\n"));
    EXPECT_THAT(text, HasSubstr("A check failed"));
}

TEST(RenderJson, OneObjectPerStep) {
    const auto steps = nlohmann::json::parse(render_json(failed_auth_report()));
    ASSERT_TRUE(steps.is_array());
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0]["name"], "greeting");
    EXPECT_EQ(steps[0]["status"], "passed");
    EXPECT_EQ(steps[0]["ok"], true);
    EXPECT_TRUE(steps[0]["diagnosis"].is_null());
    EXPECT_EQ(steps[1]["ok"], false);
    EXPECT_EQ(steps[1]["server_reply"].get<std::string>().substr(0, 11), "535 5.7.139");
    EXPECT_EQ(steps[1]["diagnosis"]["id"], "smtp_auth_disabled_tenant");
    EXPECT_EQ(steps[1]["diagnosis"]["systemic"], true);
    EXPECT_THAT(steps[1]["diagnosis"]["remediation"].dump(),
                HasSubstr("Set-CASMailbox -Identity noreply@boritrade.net"));
    EXPECT_EQ(steps[2]["status"], "skipped");
    EXPECT_EQ(steps[2]["ok"], false);
}

TEST(RenderJson, SurvivesBytesThatAreNotUtf8) {
    DoctorReport report;
    report.steps = {{"greeting", StepStatus::passed, "220 caf\xe9", "", std::nullopt}};
    EXPECT_NO_THROW(nlohmann::json::parse(render_json(report)));
}

TEST(Redact, MasksSecretsEverywhere) {
    DoctorReport report = failed_auth_report();
    report.summary += " s3cret";
    report.steps[0].detail = "s3cret and s3cret again";
    report.steps[1].server_reply = "535 echoed s3cret";
    report.steps[1].diagnosis->remediation.push_back("use s3cret");
    redact(report, {"", "s3cret"});
    const std::string text = render_text(report) + render_json(report);
    EXPECT_THAT(text, Not(HasSubstr("s3cret")));
    EXPECT_EQ(report.steps[0].detail, "**** and **** again");
}

TEST(RunDoctor, BackendWithoutServerChecksSettingsAndCanSendATest) {
    const auto settings = config::Settings::from_map(
        {{"EMAIL_BACKEND", "memory"}, {"DEFAULT_FROM_EMAIL", "Boritrader <noreply@example.com>"}});
    const DoctorReport quiet = run_doctor(settings, {});
    ASSERT_EQ(quiet.steps.size(), 2u);
    EXPECT_EQ(quiet.steps[0].name, "settings");
    EXPECT_EQ(quiet.steps[0].status, StepStatus::passed);
    EXPECT_EQ(quiet.steps[1].name, "send_test");
    EXPECT_EQ(quiet.steps[1].status, StepStatus::skipped);
    EXPECT_TRUE(quiet.ok());

    const DoctorReport sent = run_doctor(settings, {.send_test_to = "ops@example.com"});
    ASSERT_EQ(sent.steps.size(), 2u);
    EXPECT_EQ(sent.steps[1].status, StepStatus::passed) << sent.steps[1].detail;
    EXPECT_THAT(sent.steps[1].detail, HasSubstr("accepted for ops@example.com"));
}

TEST(RunDoctor, BadSettingsStopBeforeTheNetworkAndListWhatWasNotRun) {
    const auto settings = config::Settings::from_map({{"EMAIL_BACKEND", "smtp"},
                                                      {"EMAIL_HOST", "smtp.office365.com"},
                                                      {"EMAIL_PORT", "465"},
                                                      {"EMAIL_USE_SSL", "True"},
                                                      {"EMAIL_HOST_USER", "noreply@boritrade.net"},
                                                      {"EMAIL_HOST_PASSWORD", "pw-42-secret"}});
    const DoctorReport report = run_doctor(settings, {});
    ASSERT_FALSE(report.steps.empty());
    EXPECT_EQ(report.steps[0].name, "settings");
    EXPECT_EQ(report.steps[0].status, StepStatus::failed);
    EXPECT_THAT(report.steps[0].detail, HasSubstr("port 465"));
    ASSERT_GT(report.steps.size(), 5u);
    for (std::size_t i = 1; i < report.steps.size(); ++i)
        EXPECT_EQ(report.steps[i].status, StepStatus::skipped) << report.steps[i].name;
    EXPECT_EQ(report.steps[1].name, "dns");
    EXPECT_THAT(render_text(report) + render_json(report), Not(HasSubstr("pw-42-secret")));
}

}  // namespace
}  // namespace txmail::transport
