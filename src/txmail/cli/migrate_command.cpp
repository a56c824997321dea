// `txmail migrate [--json]`: brings the database named by TXMAIL_DATABASE_URL to the current schema
// and says what it applied ("already at schema version N" when nothing). Every command that opens
// the outbox migrates too; this one is for deployments that migrate before starting the service.
// Exit 2 for a bad TXMAIL_DATABASE_URL or a database from a newer txmail, 1 when it cannot be
// opened or a migration fails (that migration is rolled back).
#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/outbox_store.h"
#include "txmail/config/settings.h"

namespace txmail::cli {
namespace {

int migrate(Context& context, bool json) {
    const std::string url = context.settings().get_or("TXMAIL_DATABASE_URL", "");
    auto report = outbox::migrate_database(url);
    if (!report)
        throw CommandFailure(report.error(), exit_code_for_store_error(report.error()));
    if (json) {
        nlohmann::json applied = nlohmann::json::array();
        for (const auto& change : report->applied)
            applied.push_back({{"version", change.version}, {"name", change.name}});
        context.out() << nlohmann::json{{"database", config::mask_url_password(url)},
                                        {"version", report->version},
                                        {"applied", applied}}
                             .dump(2)
                      << '\n';
        return exit_ok;
    }
    for (const auto& change : report->applied)
        context.out() << "applied " << change.version << ": " << change.name << '\n';
    if (report->applied.empty())
        context.out() << config::mask_url_password(url) << " is already at schema version "
                      << report->version << '\n';
    else
        context.out() << config::mask_url_password(url) << " is now at schema version "
                      << report->version << '\n';
    return exit_ok;
}

}  // namespace

void add_migrate_command(CLI::App& app, Context& context) {
    auto json = std::make_shared<bool>(false);
    CLI::App* command = app.add_subcommand(
        "migrate", "Bring the outbox database (TXMAIL_DATABASE_URL) to the current schema");
    command->add_flag("--json", *json, "Print the result as JSON");
    on_run(*command, context, [&context, json] { return migrate(context, *json); });
}

}  // namespace txmail::cli
