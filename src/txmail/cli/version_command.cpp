// `txmail version`: prints "txmail <version>".
#include <CLI/CLI.hpp>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/cli/version.h"

namespace txmail::cli {

void add_version_command(CLI::App& app, Context& context) {
    CLI::App* command = app.add_subcommand("version", "Print txmail's version");
    on_run(*command, context, [&context] {
        context.out() << "txmail " << version() << '\n';
        return exit_ok;
    });
}

}  // namespace txmail::cli
