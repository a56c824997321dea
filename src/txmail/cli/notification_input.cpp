#include "txmail/cli/notification_input.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "txmail/cli/context.h"
#include "txmail/notify/event_catalogue.h"
#include "txmail/notify/renderer.h"

namespace txmail::cli {
int render_exit_code(const Error& error) {
    return error.kind == ErrorKind::internal ? exit_internal : exit_usage;
}

void add_notification_options(CLI::App& command, NotificationInput& input) {
    command.add_option("event", input.event, "One of: " + notify::event_names())->required();
    command
        .add_option("--data", input.data,
                    "Event data as JSON, @file or @- (stdin): "
                    "{\"user\":{\"id\":…,\"email\":…,\"name\":…}, …event fields…}")
        ->required();
}

mail::Message render_notification(Context& context, const NotificationInput& input) {
    // The event first: a typo should be named before anything else is looked at.
    require(notify::lookup_event(input.event), exit_usage);
    const std::string text = require(read_argument(input.data, "--data"), exit_usage);
    nlohmann::json data;
    try {
        data = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw CommandFailure(
            Error::invalid("--data", "--data is not valid JSON: " + std::string(e.what())),
            exit_usage);
    }
    auto renderer = notify::Renderer::from_settings(context.settings());
    if (!renderer)
        throw CommandFailure(renderer.error(), render_exit_code(renderer.error()));
    auto message = renderer->render(input.event, data);
    if (!message)
        throw CommandFailure(message.error(), render_exit_code(message.error()));
    return std::move(*message);
}

}  // namespace txmail::cli
