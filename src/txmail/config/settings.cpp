#include "txmail/config/settings.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "txmail/config/dotenv.h"
#include "txmail/config/known_settings.h"
#include "txmail/util/strings.h"

namespace txmail::config {
namespace {

std::string shown_value(const Setting& setting) {
    return setting.secret ? std::string("****") : setting.value;
}

// "EMAIL_PORT must be a whole number, got \"abc\" (from the environment)"
Error bad_value(const Setting& setting, std::string_view expected, const std::string& origin) {
    std::string message = setting.name + " must be " + std::string(expected) + ", got \"" +
                          shown_value(setting) + "\"";
    if (!origin.empty())
        message += " (" + origin + ")";
    return Error::config(setting.name, std::move(message));
}

constexpr std::string_view kBooleanSpellings =
    "True or False (also true/false, 1/0, yes/no, on/off)";

std::optional<bool> parse_bool(std::string_view text) {
    text = trim_blanks(text);
    for (std::string_view yes : {"true", "1", "yes", "on"})
        if (iequals_ascii(text, yes))
            return true;
    for (std::string_view no : {"false", "0", "no", "off"})
        if (iequals_ascii(text, no))
            return false;
    return std::nullopt;
}

template <class Number>
std::optional<Number> parse_number(std::string_view text) {
    text = trim_blanks(text);
    if (text.starts_with('+'))
        text.remove_prefix(1);
    Number value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    if constexpr (std::is_floating_point_v<Number>) {
        if (!std::isfinite(value))
            return std::nullopt;
    }
    return value;
}

Setting make_setting(std::string_view name, std::string value, Source source) {
    const KnownSetting* known = find_known_setting(name);
    return {std::string(name), std::move(value), source, known && known->secret};
}

Setting default_setting(const KnownSetting& known) {
    std::string value(known.default_value);
    Source source = value.empty() ? Source::unset : Source::default_value;
    return make_setting(known.name, std::move(value), source);
}

}  // namespace

std::string_view to_string(Source source) {
    switch (source) {
        case Source::environment:
            return "environment";
        case Source::dotenv:
            return ".env";
        case Source::default_value:
            return "default";
        case Source::unset:
            return "unset";
    }
    return "unset";
}

EnvLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr)
            return std::nullopt;
        return std::string(value);
    };
}

Result<Settings> Settings::load(const EnvLookup& env, const std::filesystem::path& dotenv) {
    auto entries = read_dotenv(dotenv);
    if (!entries)
        return fail(entries.error());
    std::map<std::string, DotenvEntry, std::less<>> from_file;
    for (auto& entry : *entries)
        from_file.insert_or_assign(entry.name, std::move(entry));

    Settings settings;
    settings.env_ = env;
    settings.dotenv_path_ = dotenv;
    for (const KnownSetting& known : known_settings()) {
        Setting setting = default_setting(known);
        auto in_file = from_file.find(known.name);
        // The .env file cannot name another .env file: TXMAIL_ENV_FILE is read before it.
        bool file_may_set = known.name != "TXMAIL_ENV_FILE";
        if (auto value = env(known.name)) {
            setting.value = std::move(*value);
            setting.source = Source::environment;
        } else if (in_file != from_file.end() && file_may_set) {
            setting.value = in_file->second.value;
            setting.source = Source::dotenv;
        }
        settings.values_.insert_or_assign(setting.name, std::move(setting));
    }
    // Names outside the table are kept for get(); they are neither validated nor listed.
    for (auto& [name, entry] : from_file)
        if (!settings.values_.contains(name))
            settings.values_.emplace(name, make_setting(name, entry.value, Source::dotenv));

    if (auto valid = settings.validate(); !valid)
        return fail(valid.error());
    return settings;
}

Settings Settings::from_map(const std::map<std::string, std::string>& values) {
    Settings settings;
    for (const KnownSetting& known : known_settings())
        settings.values_.insert_or_assign(std::string(known.name), default_setting(known));
    for (const auto& [name, value] : values)
        settings.values_.insert_or_assign(name, make_setting(name, value, Source::environment));
    return settings;
}

// Strict checking at start-up (as Django's backends check their options at construction): a
// typed setting with a value its getter would refuse fails the load, naming it and the value.
Result<void> Settings::validate() const {
    for (const KnownSetting& known : known_settings()) {
        Result<void> checked;
        switch (known.type) {
            case SettingType::text:
                break;
            case SettingType::boolean:
                if (auto value = get_bool(known.name); !value)
                    checked = fail(value.error());
                break;
            case SettingType::integer:
                if (auto value = get_int(known.name, 0); !value)
                    checked = fail(value.error());
                break;
            case SettingType::number:
                if (auto value = get_double(known.name, 0); !value)
                    checked = fail(value.error());
                break;
        }
        if (!checked)
            return checked;
    }
    return {};
}

std::string Settings::origin(const Setting& setting) const {
    switch (setting.source) {
        case Source::environment:
            return "from the environment";
        case Source::dotenv:
            return "from " + dotenv_path_.string();
        case Source::default_value:
            return "the default";
        case Source::unset:
            return "";
    }
    return "";
}

std::optional<std::string> Settings::get(std::string_view name) const {
    std::optional<std::string> value;
    if (auto it = values_.find(name); it != values_.end())
        value = it->second.value;
    else if (env_)
        value = env_(name);
    if (value && value->empty())
        return std::nullopt;
    return value;
}

std::string Settings::get_or(std::string_view name, std::string_view fallback) const {
    return get(name).value_or(std::string(fallback));
}

Result<bool> Settings::get_bool(std::string_view name, bool fallback) const {
    auto value = get(name);
    if (!value)
        return fallback;
    if (auto parsed = parse_bool(*value))
        return *parsed;
    Setting setting = make_setting(name, *value, source(name));
    return fail(bad_value(setting, kBooleanSpellings, origin(setting)));
}

Result<long> Settings::get_int(std::string_view name, long fallback) const {
    auto value = get(name);
    if (!value)
        return fallback;
    if (auto parsed = parse_number<long>(*value))
        return *parsed;
    Setting setting = make_setting(name, *value, source(name));
    return fail(bad_value(setting, "a whole number", origin(setting)));
}

Result<double> Settings::get_double(std::string_view name, double fallback) const {
    auto value = get(name);
    if (!value)
        return fallback;
    if (auto parsed = parse_number<double>(*value))
        return *parsed;
    Setting setting = make_setting(name, *value, source(name));
    return fail(bad_value(setting, "a number", origin(setting)));
}

Source Settings::source(std::string_view name) const {
    if (auto it = values_.find(name); it != values_.end())
        return it->second.source;
    if (env_ && env_(name))
        return Source::environment;
    return Source::unset;
}

bool Settings::is_secret(std::string_view name) const {
    if (const KnownSetting* known = find_known_setting(name))
        return known->secret;
    auto it = values_.find(name);
    return it != values_.end() && it->second.secret;
}

std::vector<Setting> Settings::all() const {
    std::vector<Setting> out;
    for (const KnownSetting& known : known_settings()) {
        auto it = values_.find(known.name);
        out.push_back(it != values_.end() ? it->second : default_setting(known));
    }
    return out;
}

Settings Settings::with(std::string_view name, std::string value) const {
    Settings copy = *this;
    copy.values_.insert_or_assign(std::string(name),
                                  make_setting(name, std::move(value), Source::environment));
    return copy;
}

std::filesystem::path dotenv_path(const EnvLookup& env) {
    auto configured = env("TXMAIL_ENV_FILE");
    if (configured && !configured->empty())
        return *configured;
    return ".env";
}

Result<Settings> load_settings(const EnvLookup& env) {
    std::filesystem::path path = dotenv_path(env);
    auto configured = env("TXMAIL_ENV_FILE");
    std::error_code ec;
    if (configured && !configured->empty() && !std::filesystem::exists(path, ec))
        return fail(Error::config("TXMAIL_ENV_FILE", "TXMAIL_ENV_FILE names \"" + path.string() +
                                                         "\", which does not exist"));
    return Settings::load(env, path);
}

std::string display_value(const Setting& setting) {
    if (setting.secret && !setting.value.empty())
        return "****";
    return mask_url_password(setting.value);
}

std::string mask_url_password(std::string_view value) {
    std::size_t scheme_end = value.find("://");
    if (scheme_end == std::string_view::npos)
        return std::string(value);
    std::size_t authority_start = scheme_end + 3;
    std::size_t authority_end = value.find_first_of("/?#", authority_start);
    if (authority_end == std::string_view::npos)
        authority_end = value.size();
    std::string_view authority = value.substr(authority_start, authority_end - authority_start);
    std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos)
        return std::string(value);
    std::size_t colon = authority.substr(0, at).find(':');
    if (colon == std::string_view::npos || colon + 1 == at)
        return std::string(value);
    std::size_t password_start = authority_start + colon + 1;
    std::size_t password_end = authority_start + at;
    return std::string(value.substr(0, password_start)) + "****" +
           std::string(value.substr(password_end));
}

}  // namespace txmail::config
