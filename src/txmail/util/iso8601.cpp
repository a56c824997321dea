#include "txmail/util/iso8601.h"

#include <charconv>
#include <ctime>

namespace txmail {
namespace {

bool read_int(std::string_view& s, std::size_t digits, int& out) {
    if (s.size() < digits)
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + digits, out);
    if (ec != std::errc{} || end != s.data() + digits)
        return false;
    s.remove_prefix(digits);
    return true;
}

bool expect(std::string_view& s, char c) {
    if (s.empty() || s.front() != c)
        return false;
    s.remove_prefix(1);
    return true;
}

}  // namespace

std::string format_iso8601_utc_seconds(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

std::string format_iso8601_utc(std::chrono::system_clock::time_point time) {
    return format_iso8601_utc_seconds(
        std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count());
}

std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view s) {
    using namespace std::chrono;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (!read_int(s, 4, y) || !expect(s, '-') || !read_int(s, 2, mo) || !expect(s, '-') ||
        !read_int(s, 2, d)) {
        return std::nullopt;
    }
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                              day{static_cast<unsigned>(d)}};
    if (!date.ok())
        return std::nullopt;
    milliseconds fraction{0};
    if (!s.empty() && (s.front() == 'T' || s.front() == ' ')) {
        s.remove_prefix(1);
        if (!read_int(s, 2, h) || !expect(s, ':') || !read_int(s, 2, mi))
            return std::nullopt;
        if (!s.empty() && s.front() == ':') {
            s.remove_prefix(1);
            if (!read_int(s, 2, sec))
                return std::nullopt;
            if (!s.empty() && s.front() == '.') {
                s.remove_prefix(1);
                int scale = 100, ms = 0;
                while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
                    ms += (s.front() - '0') * scale;
                    scale /= 10;
                    s.remove_prefix(1);
                }
                fraction = milliseconds(ms);
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return std::nullopt;
    }
    minutes offset{0};
    if (!s.empty() && s.front() == 'Z') {
        s.remove_prefix(1);
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        const int sign = s.front() == '-' ? -1 : 1;
        s.remove_prefix(1);
        int oh = 0, om = 0;
        if (!read_int(s, 2, oh) || !expect(s, ':') || !read_int(s, 2, om))
            return std::nullopt;
        offset = minutes(sign * (oh * 60 + om));
    }
    if (!s.empty())
        return std::nullopt;
    return sys_days(date) + hours(h) + minutes(mi) + seconds(sec) + fraction - offset;
}

}  // namespace txmail
