// Shared plumbing for `txmail` subcommands: exit codes, the settings (loaded once, on first use),
// reading files and `@file` arguments named on the command line, and the one way a command fails.
//
// Exit codes (also in `txmail --help`):
//   0  ok
//   1  the operation ran and failed (a message was not accepted; a check found a problem)
//   2  usage or configuration: bad arguments, bad input, bad settings; nothing was attempted
//   3  internal error: a bug or an unexpected fault in txmail itself
// A command fails by throwing CommandFailure (or through require()); run() prints
// `txmail: <error>` on stderr and returns the code. Errors never carry secrets (util/error.h).
#pragma once

#include <exception>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "txmail/config/settings.h"
#include "txmail/util/error.h"

namespace CLI {
class App;
}

namespace txmail::cli {

enum ExitCode : int {
    exit_ok = 0,
    exit_failed = 1,
    exit_usage = 2,
    exit_internal = 3,
};

class CommandFailure : public std::exception {
  public:
    CommandFailure(Error error, int exit_code);
    const char* what() const noexcept override { return text_.c_str(); }
    const Error& error() const { return error_; }
    int exit_code() const { return exit_code_; }

  private:
    Error error_;
    int exit_code_;
    std::string text_;
};

class Context {
  public:
    Context(config::EnvLookup env, std::ostream& out, std::ostream& err);

    // Environment, then the .env file ($TXMAIL_ENV_FILE or ./.env), then defaults. Loaded on first
    // use, so `txmail version` and `--help` work with broken settings; a bad setting throws
    // CommandFailure(exit_usage) naming it and its value.
    const config::Settings& settings();
    const config::EnvLookup& env() const { return env_; }
    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }

    int exit_code = exit_ok;  // set by the command that ran (see on_run)

  private:
    config::EnvLookup env_;
    std::ostream& out_;
    std::ostream& err_;
    std::optional<config::Settings> settings_;
};

// The value, or CommandFailure(error, exit_code).
template <class T>
T require(Result<T> result, int exit_code) {
    if (!result)
        throw CommandFailure(std::move(result.error()), exit_code);
    return std::move(*result);
}
void require(Result<void> result, int exit_code);

// Makes `run` the action of a subcommand; what it returns becomes the process exit code.
void on_run(CLI::App& command, Context& context, std::function<int()> run);

// The bytes of a file named on the command line; errors name the option and the path.
Result<std::string> read_input_file(const std::filesystem::path& path, std::string_view option);
// `@path` -> that file's bytes, `@-` -> standard input, anything else -> the value itself.
Result<std::string> read_argument(std::string_view value, std::string_view option);

}  // namespace txmail::cli
