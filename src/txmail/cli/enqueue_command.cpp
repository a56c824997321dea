// `txmail enqueue EVENT --data JSON|@file [--idempotency-key K] [--priority N] [--json]`: renders
// the notification now (what is queued is exactly what will be sent) and stores it durably in the
// outbox for the dispatcher (`txmail dispatch` or `txmail serve`) to deliver.
//
// Prints the message id on stdout once the row is committed. When the idempotency key was seen
// before, prints that first message's id and says on stderr that nothing new was queued
// (`created: false`). The priority defaults to the event's in the catalogue.
// Exit 2 for bad options, data or settings (nothing queued), 1 when the store fails.
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/notification_input.h"
#include "txmail/cli/outbox_store.h"
#include "txmail/service/notifier.h"

namespace txmail::cli {
namespace {

struct EnqueueOptions {
    NotificationInput input;
    std::optional<std::string> idempotency_key;
    std::optional<int> priority;
    bool json = false;
};

int enqueue(Context& context, const EnqueueOptions& options) {
    const mail::Message message = render_notification(context, options.input);
    const outbox::NewMessage queued =
        require(service::to_new_message(options.input.event, message, options.idempotency_key,
                                        options.priority),
                exit_usage);

    auto store = open_outbox(context);
    auto enqueued = store->enqueue(queued);
    if (!enqueued)
        throw CommandFailure(enqueued.error(), exit_code_for_store_error(enqueued.error()));
    if (options.json) {
        context.out() << nlohmann::json{{"id", enqueued->id},
                                        {"created", enqueued->created},
                                        {"priority", queued.priority}}
                             .dump()
                      << '\n';
        return exit_ok;
    }
    context.out() << enqueued->id << '\n';
    if (!enqueued->created)
        context.err() << "created: false: idempotency key \"" << *options.idempotency_key
                      << "\" was seen before; message " << enqueued->id
                      << " is the one queued for it and nothing new was queued\n";
    return exit_ok;
}

}  // namespace

void add_enqueue_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<EnqueueOptions>();
    CLI::App* command = app.add_subcommand(
        "enqueue", "Render a notification and queue it durably in the outbox; prints its id");
    add_notification_options(*command, options->input);
    command->add_option("--idempotency-key", options->idempotency_key,
                        "Queue at most once per key: a key seen before returns the first id");
    command->add_option("--priority", options->priority,
                        "Higher goes first (low 0, normal 50, high 100); default: the event's");
    command->add_flag("--json", options->json, "Print {\"id\", \"created\", \"priority\"}");
    on_run(*command, context, [&context, options] { return enqueue(context, *options); });
}

}  // namespace txmail::cli
