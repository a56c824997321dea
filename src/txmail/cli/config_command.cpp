// `txmail config [--json]`: every known setting, its effective value and where it came from
// (environment, .env, default, unset). Values go through config::display_value(), so secrets are
// `****` and passwords inside URLs are masked: nothing secret is ever printed.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "txmail/cli/commands.h"
#include "txmail/cli/context.h"
#include "txmail/config/known_settings.h"
#include "txmail/microsoft365/provider_limits.h"
#include "txmail/transport/backend.h"

namespace txmail::cli {
namespace {

std::string dotenv_shown(Context& context) {
    std::error_code ec;
    std::filesystem::path path = config::dotenv_path(context.env());
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    return (ec ? path : absolute).string();
}

void print_table(Context& context, const std::vector<config::Setting>& settings,
                 const std::vector<std::string>& limits) {
    std::size_t name_width = 0, source_width = 0;
    for (const config::Setting& setting : settings) {
        name_width = std::max(name_width, setting.name.size());
        source_width = std::max(source_width, to_string(setting.source).size());
    }
    std::error_code ec;
    bool dotenv_exists = std::filesystem::exists(config::dotenv_path(context.env()), ec);
    std::ostream& out = context.out();
    out << "# environment, then " << dotenv_shown(context) << (dotenv_exists ? "" : " (not found)")
        << ", then defaults\n";
    for (const config::Setting& setting : settings) {
        out << std::left << std::setw(static_cast<int>(name_width + 2)) << setting.name
            << std::setw(static_cast<int>(source_width + 2)) << to_string(setting.source)
            << config::display_value(setting) << '\n';
    }
    out << "# limits in force, per sender:\n";
    for (const std::string& line : limits)
        out << "#   " << line << '\n';
}

void print_json(Context& context, const std::vector<config::Setting>& settings,
                const std::vector<std::string>& limits) {
    nlohmann::json list = nlohmann::json::array();
    for (const config::Setting& setting : settings) {
        const config::KnownSetting* known = config::find_known_setting(setting.name);
        list.push_back({
            {"name", setting.name},
            {"value", config::display_value(setting)},
            {"source", to_string(setting.source)},
            {"secret", setting.secret},
            {"description", known ? known->description : ""},
        });
    }
    nlohmann::json document = {
        {"dotenv", dotenv_shown(context)}, {"settings", std::move(list)}, {"limits", limits}};
    context.out() << document.dump(2) << '\n';
}

// The provider's per-sender limits for the configured backend (microsoft365/provider_limits.h);
// a bad EMAIL_RATE_LIMIT or EMAIL_BACKEND fails the command, naming the setting.
std::vector<std::string> limits_in_force(Context& context) {
    const config::Settings& settings = context.settings();
    auto backend =
        require(transport::backend_name(settings.get_or("EMAIL_BACKEND", "file")), exit_usage);
    return describe(require(microsoft365::provider_limits(settings, backend), exit_usage));
}

}  // namespace

void add_config_command(CLI::App& app, Context& context) {
    auto json = std::make_shared<bool>(false);
    CLI::App* command = app.add_subcommand(
        "config", "Show every setting, its effective value and where it came from");
    command->add_flag("--json", *json, "Print JSON instead of a table");
    on_run(*command, context, [&context, json] {
        std::vector<config::Setting> settings = context.settings().all();
        std::vector<std::string> limits = limits_in_force(context);
        if (*json)
            print_json(context, settings, limits);
        else
            print_table(context, settings, limits);
        return exit_ok;
    });
}

}  // namespace txmail::cli
