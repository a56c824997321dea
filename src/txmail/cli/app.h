// The `txmail` command line: builds the CLI11 app from the subcommands in this folder and runs it.
// Returns the process exit code; never throws.
#pragma once

namespace txmail::cli {

int run(int argc, char** argv);

}  // namespace txmail::cli
