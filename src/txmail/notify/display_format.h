// How event values are shown to people in emails: money, dates, and one-line text.
//
// Pure functions, English (en-US) conventions, no locale dependence:
//   format_money(2900, "usd") -> "$29.00", (1299900, "eur") -> "€12,999.00", (500, "jpy") ->
//   "¥500", (2900, "xyz") -> "29.00 XYZ" (unknown codes: two decimals and the code after the
//   amount). format_date(t) -> "December 24, 2026"; format_date_time(t) -> "December 24, 2026 at
//   10:30 UTC". one_line(text, max) collapses every run of white space (CR, LF, tabs, Unicode line
//   and paragraph separators) into one space, drops other control characters, trims, and cuts at
//   `max` characters (code points) with "…": what a header or a preheader can hold safely.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace txmail::notify {

// Digits after the decimal point for an ISO 4217 code as Stripe counts minor units (any case):
// 0 for zero-decimal currencies (JPY, KRW, ...), 3 for BHD, JOD, KWD, OMR, TND, else 2.
int minor_unit_digits(std::string_view currency);
// "usd" -> "USD": how a currency code is shown.
std::string currency_code(std::string_view currency);
std::string format_money(std::int64_t minor_units, std::string_view currency);

std::string format_date(std::chrono::system_clock::time_point time);
std::string format_date_time(std::chrono::system_clock::time_point time);

std::string one_line(std::string_view text, std::size_t max_chars);

// How a view on a ticker reads: positive (BUY, OUTPERFORM, ...), negative (SELL, UNDERWEIGHT, ...)
// or neutral (HOLD and anything unknown). Templates colour status badges by it.
enum class Tone { positive, negative, neutral };
Tone status_tone(std::string_view status);
std::string_view to_string(Tone tone);

}  // namespace txmail::notify
