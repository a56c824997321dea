#include "txmail/mail/rfc5322_date.h"

namespace txmail::mail {
namespace {

void append_two_digits(std::string& out, unsigned value) {
    out += static_cast<char>('0' + value / 10 % 10);
    out += static_cast<char>('0' + value % 10);
}

}  // namespace

std::string format_rfc5322_date(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{floor<seconds>(time - day)};
    std::string out;
    out.reserve(32);
    out += kDays[weekday{day}.c_encoding()];
    out += ", ";
    append_two_digits(out, static_cast<unsigned>(date.day()));
    out += ' ';
    out += kMonths[static_cast<unsigned>(date.month()) - 1];
    out += ' ';
    out += std::to_string(static_cast<int>(date.year()));
    out += ' ';
    append_two_digits(out, static_cast<unsigned>(clock.hours().count()));
    out += ':';
    append_two_digits(out, static_cast<unsigned>(clock.minutes().count()));
    out += ':';
    append_two_digits(out, static_cast<unsigned>(clock.seconds().count()));
    out += " +0000";
    return out;
}

}  // namespace txmail::mail
