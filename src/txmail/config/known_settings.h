// The table of every setting txmail reads (DESIGN.md "Settings"): name, embedded default, type,
// whether it is a secret, and one line saying what it is for. `txmail config` prints it in this
// order; Settings::load() checks every typed value against it at start-up.
//
// Adding a setting: one line in known_settings.cpp. A setting that is not in the table can still
// be set in .env and read with Settings::get(), but it is never validated nor shown.
#pragma once

#include <span>
#include <string_view>

namespace txmail::config {

// What Settings::load() checks a value against (an empty value always means "use the default").
enum class SettingType {
    text,     // anything
    boolean,  // Django's spellings: True/False, true/false, 1/0, yes/no, on/off
    integer,  // a whole number
    number,   // a number, fractions allowed (EMAIL_TIMEOUT, as Django's float)
};

struct KnownSetting {
    std::string_view name;
    std::string_view default_value;  // "" = no default
    SettingType type = SettingType::text;
    bool secret = false;  // printed as "****"; never in logs, errors or output
    std::string_view description;
};

std::span<const KnownSetting> known_settings();
// nullptr when the name is not in the table.
const KnownSetting* find_known_setting(std::string_view name);

}  // namespace txmail::config
