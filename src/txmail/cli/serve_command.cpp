// `txmail serve`: the HTTP API (http/api_handlers.h) and the outbox dispatcher in one process, on
// TXMAIL_LISTEN with the store named by TXMAIL_DATABASE_URL and the configured backend.
//
// Prints `txmail: listening on http://ADDR:PORT` once it accepts (the real port, so
// TXMAIL_LISTEN=127.0.0.1:0 works for tests). Without TXMAIL_API_TOKEN the API has no
// authentication, so a non-loopback TXMAIL_LISTEN is refused at start-up (exit 2) and the
// loopback-only mode is said on stderr. On SIGTERM/SIGINT: stop accepting, answer the requests
// in flight, act on the Stripe events in hand, let the dispatcher finish the messages in hand,
// exit 0. With TXMAIL_RETENTION, purges what is older at start and every hour
// (service/retention.h).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/outbox_store.h"
#include "txmail/cli/shutdown_signals.h"
#include "txmail/http/api_handlers.h"
#include "txmail/http/metrics_handler.h"
#include "txmail/http/openapi.h"
#include "txmail/http/server.h"
#include "txmail/http/webhook_handlers.h"
#include "txmail/outbox/dispatcher_options.h"
#include "txmail/service/contact_store.h"
#include "txmail/service/notifier.h"
#include "txmail/service/retention.h"
#include "txmail/service/stripe_event_worker.h"
#include "txmail/service/stripe_webhook_ledger.h"
#include "txmail/service/stripe_webhook_processor.h"
#include "txmail/transport/backend.h"
#include "txmail/util/loopback.h"

namespace txmail::cli {
namespace {

int serve(Context& context) {
    const config::Settings& settings = context.settings();
    const http::ServerOptions listen =
        require(http::parse_listen(settings.get_or("TXMAIL_LISTEN", "127.0.0.1:8025")), exit_usage);
    const std::optional<std::string> token = settings.get("TXMAIL_API_TOKEN");
    if (!token && !is_loopback_host(listen.address))
        throw CommandFailure(
            Error::config("TXMAIL_LISTEN",
                          "TXMAIL_LISTEN " + listen.address +
                              " is not a loopback address and TXMAIL_API_TOKEN is not set: the "
                              "API would be open to the network; set TXMAIL_API_TOKEN or listen "
                              "on 127.0.0.1"),
            exit_usage);
    const outbox::DispatcherOptions dispatcher_options =
        require(outbox::dispatcher_options_from(settings), exit_usage);
    const notify::Renderer renderer =
        require(notify::Renderer::from_settings(settings), exit_usage);
    // Outlives what feeds it: the dispatcher, the server, and the file's writer, whose syncer
    // reports each sync until the last store on the file is gone.
    http::ServiceMetrics metrics;
    const std::unique_ptr<outbox::Store> store = open_outbox(context);
    auto contacts = service::open_contact_store(settings.get_or("TXMAIL_DATABASE_URL", ""));
    if (!contacts)
        throw CommandFailure(contacts.error(), exit_code_for_store_error(contacts.error()));
    const std::unique_ptr<service::StripeWebhookLedger> stripe_ledger = open_stripe_ledger(context);
    service::StripeWebhookOptions stripe_options =
        require(service::stripe_webhook_options(settings), exit_usage);
    const std::optional<std::chrono::milliseconds> retention =
        require(service::retention_from(settings), exit_usage);

    const ShutdownSignals signals;  // before any worker or I/O thread exists
    // Events first: one acted on between the two reads has its message queued already, so a
    // scrape never shows both at zero while there is work (bench/http_common.sh waits on that).
    metrics.track_stripe_events(*stripe_ledger);
    metrics.track_queue(*store);
    metrics.track_syncs(*store);
    outbox::Dispatcher dispatcher(
        *store, [&settings] { return transport::make_backend(settings); }, dispatcher_options);
    dispatcher.set_observer(metrics.attempt_observer());
    require(dispatcher.start(), exit_usage);

    service::Notifier notifier(renderer, *store);
    notifier.on_queued([&dispatcher](std::string_view sender) { dispatcher.notify(sender); });
    notifier.on_accepted([&metrics](std::string_view event) { metrics.count_accepted(event); });
    http::ApiServices services{**contacts, notifier, *store, token, true};
    http::Router router;
    http::add_api_routes(router, services);
    if (stripe_options.secrets.empty())
        context.err() << "txmail: STRIPE_WEBHOOK_SECRET is not set: POST /webhooks/stripe "
                         "answers 503\n";
    service::StripeWebhookProcessor stripe_webhooks(*stripe_ledger, **contacts, notifier,
                                                    std::move(stripe_options));
    services.on_contact_saved = [&](const service::Contact& user) {
        if (auto delivered = stripe_webhooks.deliver_pending_for(user); !delivered)
            context.err() << "txmail: Stripe events for user " << user.id
                          << " stay pending: " << delivered.error().describe() << '\n';
    };
    service::StripeEventWorker stripe_worker(
        stripe_webhooks, dispatcher_options.idle_wait,
        [&context](const std::string& why) { context.err() << "txmail: " << why << '\n'; });
    stripe_webhooks.on_received([&stripe_worker] { stripe_worker.wake(); });
    stripe_worker.start();
    std::optional<service::RetentionWorker> retention_worker;
    if (retention) {
        retention_worker.emplace(
            *store, *stripe_ledger, *retention, std::chrono::hours(1),
            [&context](const std::string& what) { context.err() << "txmail: " << what << '\n'; });
        retention_worker->start();
    }
    http::WebhookServices webhook_services{
        stripe_webhooks, *stripe_ledger, token,
        [&metrics](std::string_view outcome) { metrics.count_webhook(outcome); }};
    http::add_webhook_routes(router, webhook_services);
    http::add_metrics_route(router, metrics);
    http::add_openapi_route(router);
    for (const std::string& route : http::undocumented_routes(router, http::openapi_document()))
        context.err() << "txmail: warning: " << route << " is not described in /openapi.json\n";
    http::Server server(listen, router, metrics.request_observer());
    if (auto started = server.start(); !started) {
        if (retention_worker)
            retention_worker->stop();
        stripe_worker.stop();
        dispatcher.stop();
        throw CommandFailure(started.error(), exit_failed);
    }
    if (!token)
        context.err() << "txmail: TXMAIL_API_TOKEN is not set: /v1 needs no token, so txmail "
                         "listens on loopback only\n";
    // DESIGN.md names an /admin page behind this token, and `txmail config` lists it; this
    // version serves none, so whoever sets the token is told so instead of meeting a 404.
    if (settings.get("TXMAIL_ADMIN_TOKEN"))
        context.err() << "txmail: warning: TXMAIL_ADMIN_TOKEN is set, but this version serves no "
                         "/admin page: GET /v1/messages and `txmail outbox` show the outbox\n";
    context.err() << "txmail: " << dispatcher_options.workers << " dispatcher worker(s), backend "
                  << settings.get_or("EMAIL_BACKEND", "") << '\n';
    context.out() << "txmail: listening on http://"
                  << (listen.address.find(':') != std::string::npos ? "[" + listen.address + "]"
                                                                    : listen.address)
                  << ':' << server.port() << std::endl;

    std::optional<int> signal;
    while (!(signal = signals.wait_for(std::chrono::seconds(1))))
        if (!dispatcher.running())
            break;
    context.err() << "txmail: "
                  << (signal == SIGTERM ? "SIGTERM"
                      : signal          ? "SIGINT"
                                        : "stopped")
                  << ", finishing requests in flight and messages in hand\n";
    server.stop();
    if (retention_worker)
        retention_worker->stop();
    stripe_worker.stop();
    dispatcher.stop();
    return exit_ok;
}

}  // namespace

void add_serve_command(CLI::App& app, Context& context) {
    CLI::App* command = app.add_subcommand(
        "serve", "Run the HTTP API and the outbox dispatcher on TXMAIL_LISTEN until SIGTERM");
    on_run(*command, context, [&context] { return serve(context); });
}

}  // namespace txmail::cli
