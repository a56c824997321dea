// The `txmail` subcommands. Each lives in <name>_command.cpp, defines add_<name>_command(), and
// is registered by one line in app.cpp. Options belong to the command; shared plumbing (settings,
// exit codes, reading files) is in context.h.
#pragma once

namespace CLI {
class App;
}

namespace txmail::cli {

class Context;

void add_send_command(CLI::App& app, Context& context);
void add_config_command(CLI::App& app, Context& context);
void add_version_command(CLI::App& app, Context& context);
void add_dispatch_command(CLI::App& app, Context& context);
void add_doctor_command(CLI::App& app, Context& context);
void add_render_command(CLI::App& app, Context& context);
void add_notify_command(CLI::App& app, Context& context);
void add_enqueue_command(CLI::App& app, Context& context);
void add_outbox_command(CLI::App& app, Context& context);
void add_migrate_command(CLI::App& app, Context& context);
void add_serve_command(CLI::App& app, Context& context);

}  // namespace txmail::cli
