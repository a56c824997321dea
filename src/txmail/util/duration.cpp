#include "txmail/util/duration.h"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "txmail/util/strings.h"

namespace txmail {

namespace {

// Longest spellings first is not needed: units are matched whole, after the number.
constexpr std::array<std::pair<std::string_view, double>, 13> units{{
    {"ms", 1.0},
    {"s", 1e3},
    {"sec", 1e3},
    {"second", 1e3},
    {"seconds", 1e3},
    {"m", 60e3},
    {"min", 60e3},
    {"minute", 60e3},
    {"minutes", 60e3},
    {"h", 3600e3},
    {"hour", 3600e3},
    {"hours", 3600e3},
    {"d", 86400e3},
}};

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text, std::string_view field) {
    const auto invalid = [&] {
        return fail(Error::config(std::string(field),
                                  std::string(field) +
                                      " must be a duration such as 500ms, 30s, 5min or 1h (got \"" +
                                      std::string(text) + "\")"));
    };
    const std::string_view value = trim_blanks(text);
    double number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || !std::isfinite(number) || number < 0)
        return invalid();
    const std::string unit =
        ascii_lowercase(trim_blanks(std::string_view(end, value.data() + value.size())));
    double scale = 1e3;  // a bare number is seconds
    if (!unit.empty()) {
        scale = 0;
        for (const auto& [name, factor] : units)
            if (unit == name)
                scale = factor;
        if (scale == 0)
            return invalid();
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(number * scale)));
}

std::string format_duration(std::chrono::milliseconds duration) {
    using namespace std::chrono;
    const auto total = duration.count();
    if (total < 1000)
        return std::to_string(total) + "ms";
    const auto seconds = duration_cast<std::chrono::seconds>(duration).count();
    const auto h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict on a chain of
    // std::string operator+ with a temporary (GCC bug 105329).
    std::string out;
    const auto add = [&out](long long value, const char* unit) {
        if (!out.empty())
            out += ' ';
        out += std::to_string(value);
        out += unit;
    };
    if (h > 0) {
        add(h, "h");
        if (m > 0)
            add(m, "m");
    } else if (m > 0) {
        add(m, "m");
        if (s > 0)
            add(s, "s");
    } else {
        add(s, "s");
    }
    return out;
}

}  // namespace txmail
