#include "txmail/cli/context.h"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "txmail/log/log_format.h"

namespace txmail::cli {

CommandFailure::CommandFailure(Error error, int exit_code)
    : error_(std::move(error)), exit_code_(exit_code), text_(error_.describe()) {}

Context::Context(config::EnvLookup env, std::ostream& out, std::ostream& err)
    : env_(std::move(env)), out_(out), err_(err) {}

const config::Settings& Context::settings() {
    if (!settings_) {
        settings_ = require(config::load_settings(env_), exit_usage);
        require(log::configure_logging(*settings_), exit_usage);  // TXMAIL_LOG_FORMAT
    }
    return *settings_;
}

void require(Result<void> result, int exit_code) {
    if (!result)
        throw CommandFailure(std::move(result.error()), exit_code);
}

void on_run(CLI::App& command, Context& context, std::function<int()> run) {
    command.callback([&context, run = std::move(run)] { context.exit_code = run(); });
}

Result<std::string> read_input_file(const std::filesystem::path& path, std::string_view option) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail(Error::invalid(std::string(option), std::string(option) + " \"" +
                                                            path.string() + "\" is a directory"));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(Error::invalid(std::string(option), "cannot read " + std::string(option) +
                                                            " \"" + path.string() +
                                                            "\": " + std::strerror(errno)));
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

Result<std::string> read_argument(std::string_view value, std::string_view option) {
    if (!value.starts_with('@'))
        return std::string(value);
    std::string_view path = value.substr(1);
    if (path == "-") {
        std::ostringstream content;
        content << std::cin.rdbuf();
        return content.str();
    }
    return read_input_file(path, option);
}

}  // namespace txmail::cli
