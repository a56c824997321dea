// `txmail notify EVENT --data JSON|@file`: renders one notification and sends it now with the
// configured backend (EMAIL_BACKEND), bypassing the outbox; prints `accepted: <detail>`.
// Exit codes as `txmail send`: 0 accepted; 1 not accepted (the server's words on stderr); 2 bad
// options, data or settings, naming the field or setting and the value; nothing sent then.
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/notification_input.h"
#include "txmail/transport/mailer.h"

namespace txmail::cli {
namespace {

int notify(Context& context, const NotificationInput& input) {
    const mail::Message message = render_notification(context, input);
    transport::Mailer mailer =
        require(transport::Mailer::from_settings(context.settings()), exit_usage);
    transport::SendResult result = mailer.send(message);
    mailer.backend().close();
    if (!result) {
        Error error = std::move(result.error());
        error.message = "not sent: " + error.message;
        throw CommandFailure(std::move(error), exit_failed);
    }
    context.out() << "accepted: " << result->detail << '\n';
    return exit_ok;
}

}  // namespace

void add_notify_command(CLI::App& app, Context& context) {
    auto input = std::make_shared<NotificationInput>();
    CLI::App* command = app.add_subcommand(
        "notify", "Render a notification and send it now with the configured backend");
    add_notification_options(*command, *input);
    on_run(*command, context, [&context, input] { return notify(context, *input); });
}

}  // namespace txmail::cli
