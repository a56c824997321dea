// Settings with provenance: environment first, then a .env file, then embedded defaults
// (DESIGN.md "Settings"). Names are Django's where Django has one.
//
// Values are kept as strings; typed getters validate and name the setting and the value in their
// errors. Secrets (passwords, client secrets, tokens) are flagged so every printer masks them.
// A malformed .env line is a config error naming the file and line, never silently skipped.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::config {

enum class Source { environment, dotenv, default_value, unset };
std::string_view to_string(Source source);

struct Setting {
    std::string name;
    std::string value;
    Source source = Source::unset;
    bool secret = false;
};

// Looks a variable up in the process environment; injected so tests need not touch the real one.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_environment();

class Settings {
  public:
    // Reads every known setting (and any other that the .env or environment names explicitly
    // when asked through get()). dotenv may not exist; an unreadable or malformed one is an error.
    static Result<Settings> load(const EnvLookup& env,
                                 const std::filesystem::path& dotenv = ".env");
    // For tests: explicit values (as if from the environment) over the embedded defaults.
    static Settings from_map(const std::map<std::string, std::string>& values);

    std::optional<std::string> get(std::string_view name) const;  // nullopt when unset or empty
    std::string get_or(std::string_view name, std::string_view fallback) const;
    // Django's boolean spellings: True/False, true/false, 1/0, yes/no, on/off (any case).
    Result<bool> get_bool(std::string_view name, bool fallback = false) const;
    Result<long> get_int(std::string_view name, long fallback) const;
    Result<double> get_double(std::string_view name, double fallback) const;

    Source source(std::string_view name) const;
    bool is_secret(std::string_view name) const;
    // Every known setting in a stable order, for `txmail config`; secrets are NOT masked here.
    std::vector<Setting> all() const;
    // Returns a copy with one value replaced (source: environment), for tests and CLI overrides.
    Settings with(std::string_view name, std::string value) const;

  private:
    Result<void> validate() const;
    std::string origin(const Setting& setting) const;

    std::map<std::string, Setting, std::less<>> values_;
    EnvLookup env_;                      // for names outside the table; empty in from_map()
    std::filesystem::path dotenv_path_;  // for error messages: where a value came from
};

// The .env file to read: $TXMAIL_ENV_FILE when set, else ".env" in the current directory.
std::filesystem::path dotenv_path(const EnvLookup& env);
// What programs call: load() from dotenv_path(env). A TXMAIL_ENV_FILE that names a missing file
// is a config error (it was asked for); a missing default .env is not.
Result<Settings> load_settings(const EnvLookup& env);

// "****" for secrets with a value, the value otherwise: the one place that masks secrets.
// URLs with a password (postgresql://user:pass@host/db) keep everything but the password.
std::string display_value(const Setting& setting);
// scheme://user:pass@host... -> scheme://user:****@host...; anything else unchanged. For printing
// a URL that did not come through a Setting (an error about a database URL, say).
std::string mask_url_password(std::string_view value);

}  // namespace txmail::config
