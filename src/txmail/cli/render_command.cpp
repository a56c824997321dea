// `txmail render EVENT --data JSON|@file [--format eml|text|html]`: renders one notification with
// the configured templates and brand and prints it: the whole RFC 5322 message (eml, CRLF line
// endings, as it would be sent), or only its text or HTML body. Nothing is sent or queued.
// Exit 0 when it rendered; 2 for bad options, data or settings (naming the field and the value).
#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/notification_input.h"
#include "txmail/mail/mime_writer.h"

namespace txmail::cli {
namespace {

struct RenderOptions {
    NotificationInput input;
    std::string format = "eml";
};

int render(Context& context, const RenderOptions& options) {
    const mail::Message message = render_notification(context, options.input);
    if (options.format == "text") {
        context.out() << message.text;
    } else if (options.format == "html") {
        context.out() << message.html.value_or("");
    } else {
        auto bytes = mail::render(message);
        if (!bytes)
            throw CommandFailure(bytes.error(), render_exit_code(bytes.error()));
        context.out() << *bytes;
    }
    context.out().flush();
    return exit_ok;
}

}  // namespace

void add_render_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<RenderOptions>();
    CLI::App* command = app.add_subcommand(
        "render", "Render a notification (templates + data) and print it; nothing is sent");
    add_notification_options(*command, options->input);
    command
        ->add_option("--format", options->format,
                     "eml: the whole message as sent (default); text or html: that body only")
        ->check(CLI::IsMember({"eml", "text", "html"}));
    on_run(*command, context, [&context, options] { return render(context, *options); });
}

}  // namespace txmail::cli
