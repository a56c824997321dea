// `txmail dispatch [--workers N] [--once]`: runs the outbox dispatcher alone (`txmail serve` runs
// it too) on the store named by TXMAIL_DATABASE_URL, with the configured backend (one per worker).
//
// Runs until SIGTERM or SIGINT, then lets each worker finish the message in hand, releases the
// messages still leased, and exits 0. --once sends what is due now and exits (tests, cron).
// Prints a summary line (sent / retried / dead / held) on exit. Exit 2 for bad settings or
// options (nothing was sent), 1 when the store cannot be opened.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/outbox_store.h"
#include "txmail/cli/shutdown_signals.h"
#include "txmail/outbox/dispatcher_options.h"
#include "txmail/transport/backend.h"

namespace txmail::cli {
namespace {

struct DispatchOptions {
    std::optional<int> workers;
    bool once = false;
};

void print_summary(Context& context, const outbox::Dispatcher& dispatcher) {
    std::map<outbox::AttemptResult, std::uint64_t> totals;
    for (const auto& row : dispatcher.stats().snapshot().attempts)
        totals[row.result] += row.count;
    context.out() << "dispatched: sent " << totals[outbox::AttemptResult::sent] << ", retried "
                  << totals[outbox::AttemptResult::retried] << ", dead "
                  << totals[outbox::AttemptResult::dead] << ", held (sender paused) "
                  << totals[outbox::AttemptResult::held] << '\n';
    for (const auto& paused : dispatcher.paused_senders())
        context.out() << "paused sender: " << paused.sender << ": " << paused.reason << '\n';
}

int dispatch(Context& context, const DispatchOptions& options) {
    const config::Settings& settings = context.settings();
    const outbox::DispatcherOptions dispatcher_options =
        require(outbox::dispatcher_options_from(settings, options.workers), exit_usage);
    const std::unique_ptr<outbox::Store> store = open_outbox(context);

    const ShutdownSignals signals;  // before any worker thread exists
    outbox::Dispatcher dispatcher(
        *store, [&settings] { return transport::make_backend(settings); }, dispatcher_options);
    require(dispatcher.start(options.once), exit_usage);
    context.err() << "txmail dispatch: " << dispatcher_options.workers << " worker(s)"
                  << (options.once ? ", until nothing is due" : ", until SIGTERM") << '\n';
    // Once mode ends by itself; either mode ends on a signal. The short timeout only bounds how
    // late a finished --once run notices that its workers are done.
    while (dispatcher.running()) {
        if (auto signal = signals.wait_for(std::chrono::milliseconds(100))) {
            context.err() << "txmail dispatch: " << (*signal == SIGTERM ? "SIGTERM" : "SIGINT")
                          << ", finishing the messages in hand\n";
            dispatcher.request_stop();
            break;
        }
    }
    dispatcher.wait();
    print_summary(context, dispatcher);
    return exit_ok;
}

}  // namespace

void add_dispatch_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<DispatchOptions>();
    CLI::App* command = app.add_subcommand(
        "dispatch", "Deliver the outbox: run the dispatcher's workers until SIGTERM");
    command
        ->add_option("--workers", options->workers,
                     "Worker threads, each with its own connection (default: TXMAIL_WORKERS)")
        ->check(CLI::Range(1, 256));
    command->add_flag("--once", options->once, "Send what is due now, then exit");
    on_run(*command, context, [&context, options] { return dispatch(context, *options); });
}

}  // namespace txmail::cli
