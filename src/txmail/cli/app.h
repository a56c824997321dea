// The `txmail` command line: builds the CLI11 app from the subcommands in this folder and runs it.
// Returns the process exit code; never throws.
#pragma once

namespace txmail::cli {

class Context;

int run(int argc, char** argv);
// The same with the environment and streams given, for tests that run commands in-process.
int run(int argc, char** argv, Context& context);

}  // namespace txmail::cli
