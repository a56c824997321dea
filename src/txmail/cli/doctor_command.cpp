// `txmail doctor [--send-test ADDR] [--json]`: checks the configured backend step by step
// (transport/doctor_checkup.h) and prints each step with ✓ or ✗, the server's own words and, on
// failure, the diagnosis and its remediation. Exit code 0 when every step passed, 1 at the first
// step that failed (later steps are shown as not run), 2 for a bad argument or unreadable settings.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/mail/address.h"
#include "txmail/transport/doctor_checkup.h"

namespace txmail::cli {
namespace {

struct DoctorOptions {
    std::optional<std::string> send_test;
    bool json = false;
};

}  // namespace

void add_doctor_command(CLI::App& app, Context& context) {
    CLI::App* command = app.add_subcommand(
        "doctor",
        "Check the configured backend step by step: settings, DNS, TCP, greeting, EHLO, STARTTLS "
        "and certificate, AUTH mechanisms, OAuth token, AUTH, MAIL FROM; explain each failure");
    auto options = std::make_shared<DoctorOptions>();
    command->add_option("--send-test", options->send_test,
                        "Also send a real test message to ADDR through the configured backend");
    command->add_flag("--json", options->json,
                      "Print the steps as a JSON array of {name, status, ok, detail, "
                      "server_reply, diagnosis}");
    on_run(*command, context, [&context, options] {
        transport::DoctorRequest request;
        if (options->send_test) {
            require(mail::Address::parse(*options->send_test, "--send-test"), exit_usage);
            request.send_test_to = options->send_test;
        }
        const transport::DoctorReport report = transport::run_doctor(context.settings(), request);
        context.out() << (options->json ? transport::render_json(report)
                                        : transport::render_text(report));
        return report.ok() ? exit_ok : exit_failed;
    });
}

}  // namespace txmail::cli
