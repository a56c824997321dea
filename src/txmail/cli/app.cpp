#include "txmail/cli/app.h"

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/version.h"

namespace txmail::cli {
namespace {

constexpr const char* kFooter =
    "Settings come from the environment, then the .env file ($TXMAIL_ENV_FILE, default ./.env),\n"
    "then built-in defaults; `txmail config` shows each one and where it came from.\n"
    "Exit codes: 0 ok, 1 the operation failed (e.g. the message was not accepted),\n"
    "2 usage or configuration error (nothing was attempted), 3 internal error.";

}  // namespace

int run(int argc, char** argv, Context& context) {
    CLI::App app("txmail: transactional email for Boritrader", "txmail");
    app.set_version_flag("--version", std::string(version()));
    app.require_subcommand(1);
    app.footer(kFooter);

    // One line per subcommand: each is defined in <name>_command.cpp and declared in commands.h.
    add_send_command(app, context);
    add_config_command(app, context);
    add_version_command(app, context);
    add_dispatch_command(app, context);
    add_doctor_command(app, context);
    add_render_command(app, context);
    add_notify_command(app, context);
    add_enqueue_command(app, context);
    add_outbox_command(app, context);
    add_migrate_command(app, context);
    add_serve_command(app, context);

    // The boundary: nothing escapes as an exception; every failure is one `txmail: ...` line.
    try {
        app.parse(argc, argv);
        return context.exit_code;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0)  // --help, --version
            return app.exit(e, context.out(), context.err());
        context.err() << "txmail: " << e.what() << "\nRun with --help for more information.\n";
        return exit_usage;
    } catch (const CommandFailure& failure) {
        context.err() << "txmail: " << failure.what() << '\n';
        return failure.exit_code();
    } catch (const std::exception& e) {
        context.err() << "txmail: internal error: " << e.what() << '\n';
        return exit_internal;
    } catch (...) {
        context.err() << "txmail: internal error: unknown exception\n";
        return exit_internal;
    }
}

int run(int argc, char** argv) {
    // A peer that closes first must be an error value, not a killed process: OpenSSL writes to
    // the doctor's socket with write(), which raises SIGPIPE (Postfix ignores it the same way).
    std::signal(SIGPIPE, SIG_IGN);
    Context context(config::process_environment(), std::cout, std::cerr);
    return run(argc, argv, context);
}

}  // namespace txmail::cli
