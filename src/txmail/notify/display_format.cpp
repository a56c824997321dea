#include "txmail/notify/display_format.h"

#include <algorithm>
#include <array>

#include "txmail/util/strings.h"
#include "txmail/util/utf8.h"

namespace txmail::notify {
namespace {

// Stripe's zero-decimal and three-decimal currencies
// (https://docs.stripe.com/currencies#zero-decimal, #three-decimal).
constexpr std::array<std::string_view, 16> zero_decimal{
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
    "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
};
constexpr std::array<std::string_view, 5> three_decimal{"bhd", "jod", "kwd", "omr", "tnd"};

struct Symbol {
    std::string_view code;
    std::string_view prefix;
};
// Prefix symbols that readers of English recognise without ambiguity; others show the code.
constexpr std::array<Symbol, 12> symbols{{
    {"usd", "$"},
    {"eur", "€"},
    {"gbp", "£"},
    {"jpy", "¥"},
    {"cad", "CA$"},
    {"aud", "A$"},
    {"nzd", "NZ$"},
    {"hkd", "HK$"},
    {"mxn", "MX$"},
    {"brl", "R$"},
    {"inr", "₹"},
    {"krw", "₩"},
}};

bool contains(auto const& list, std::string_view code) {
    return std::ranges::find(list, code) != list.end();
}

// "1299900" -> "12,999" grouping of the integral part.
std::string group_thousands(std::string digits) {
    for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), 1, ',');
    return digits;
}

constexpr std::array<std::string_view, 12> month_names{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

// U+0085 NEL, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: line breaks to some readers.
bool is_unicode_break(std::string_view sequence) {
    return sequence == "\u0085" || sequence == "\u2028" || sequence == "\u2029";
}

}  // namespace

int minor_unit_digits(std::string_view currency) {
    const std::string code = ascii_lowercase(currency);
    if (contains(zero_decimal, code))
        return 0;
    if (contains(three_decimal, code))
        return 3;
    return 2;
}

std::string currency_code(std::string_view currency) {
    std::string upper(currency);
    std::ranges::transform(upper, upper.begin(),
                           [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; });
    return upper;
}

std::string format_money(std::int64_t minor_units, std::string_view currency) {
    const std::string code = ascii_lowercase(currency);
    const int digits = minor_unit_digits(code);
    // Unsigned so that the most negative amount has a magnitude too.
    std::uint64_t magnitude = minor_units < 0 ? 0 - static_cast<std::uint64_t>(minor_units)
                                              : static_cast<std::uint64_t>(minor_units);
    std::uint64_t scale = 1;
    for (int i = 0; i < digits; ++i)
        scale *= 10;
    std::string number = group_thousands(std::to_string(magnitude / scale));
    if (digits > 0) {
        std::string fraction = std::to_string(magnitude % scale);
        number +=
            '.' + std::string(static_cast<std::size_t>(digits) - fraction.size(), '0') + fraction;
    }
    const std::string sign = minor_units < 0 ? "-" : "";
    const auto symbol = std::ranges::find(symbols, code, &Symbol::code);
    if (symbol != symbols.end())
        return sign + std::string(symbol->prefix) + number;
    return sign + number + " " + currency_code(code);
}

std::string format_date(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const year_month_day ymd{floor<days>(time)};
    return std::string(month_names[static_cast<unsigned>(ymd.month()) - 1]) + " " +
           std::to_string(static_cast<unsigned>(ymd.day())) + ", " +
           std::to_string(static_cast<int>(ymd.year()));
}

std::string format_date_time(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const hh_mm_ss clock{floor<minutes>(time - floor<days>(time))};
    const auto two_digits = [](long value) {
        return std::string(value < 10 ? "0" : "") + std::to_string(value);
    };
    return format_date(time) + " at " + two_digits(clock.hours().count()) + ":" +
           two_digits(clock.minutes().count()) + " UTC";
}

std::string one_line(std::string_view text, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    std::size_t cut = 0;  // bytes of `out` that hold at most max_chars - 1 characters
    bool pending_space = false;
    const auto append = [&](std::string_view piece) {
        out += piece;
        if (++chars < max_chars)
            cut = out.size();
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = std::min(utf8_sequence_length(c), text.size() - i);
        const std::string_view sequence = text.substr(i, length);
        i += length;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' ||
            is_unicode_break(sequence)) {
            pending_space = !out.empty();
            continue;
        }
        if (is_ascii_control(static_cast<char>(c)))
            continue;
        if (chars + (pending_space ? 2 : 1) > max_chars) {
            out.resize(cut);
            while (!out.empty() && out.back() == ' ')
                out.pop_back();
            return max_chars == 0 ? out : out + "…";
        }
        if (pending_space)
            append(" ");
        pending_space = false;
        append(sequence);
    }
    return out;
}

Tone status_tone(std::string_view status) {
    static constexpr std::array<std::string_view, 8> positive{
        "buy", "strong buy", "outperform", "overweight", "accumulate", "add", "long", "bullish"};
    static constexpr std::array<std::string_view, 8> negative{
        "sell", "strong sell", "underperform", "underweight", "reduce", "trim", "short", "bearish"};
    const std::string key = ascii_lowercase(one_line(status, 32));
    if (contains(positive, key))
        return Tone::positive;
    if (contains(negative, key))
        return Tone::negative;
    return Tone::neutral;
}

std::string_view to_string(Tone tone) {
    switch (tone) {
        case Tone::positive:
            return "positive";
        case Tone::negative:
            return "negative";
        case Tone::neutral:
            return "neutral";
    }
    return "neutral";
}

}  // namespace txmail::notify
