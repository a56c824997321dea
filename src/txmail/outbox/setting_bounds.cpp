#include "txmail/outbox/setting_bounds.h"

#include "txmail/config/settings.h"
#include "txmail/util/duration.h"

namespace txmail::outbox {

Result<std::chrono::milliseconds> duration_setting(const config::Settings& settings,
                                                   std::string_view name,
                                                   std::chrono::milliseconds fallback,
                                                   std::chrono::milliseconds minimum) {
    const auto text = settings.get(name);
    if (!text)
        return fallback;
    auto value = parse_duration(*text, name);
    if (!value)
        return fail(value.error());
    if (*value < minimum)
        return fail(Error::config(std::string(name), std::string(name) + " must be at least " +
                                                         format_duration(minimum) + " (got \"" +
                                                         *text + "\")"));
    return *value;
}

Result<int> int_setting(const config::Settings& settings, std::string_view name, int fallback,
                        int minimum, int maximum) {
    auto value = settings.get_int(name, fallback);
    if (!value)
        return fail(value.error());
    if (*value < minimum || *value > maximum)
        return fail(Error::config(std::string(name), std::string(name) + " must be between " +
                                                         std::to_string(minimum) + " and " +
                                                         std::to_string(maximum) + " (got " +
                                                         std::to_string(*value) + ")"));
    return static_cast<int>(*value);
}

Result<void> require_not_below(std::string_view upper_name, std::chrono::milliseconds upper,
                               std::string_view lower_name, std::chrono::milliseconds lower) {
    if (upper >= lower)
        return {};
    return fail(Error::config(std::string(upper_name),
                              std::string(upper_name) + " (" + format_duration(upper) +
                                  ") must not be below " + std::string(lower_name) + " (" +
                                  format_duration(lower) + ")"));
}

}  // namespace txmail::outbox
