#include "txmail/stripe/event_envelope.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <vector>

#include "txmail/stripe/event_errors.h"
#include "txmail/util/hex.h"
#include "txmail/util/utf8.h"

namespace txmail::stripe {
namespace {

// Which of the fields the envelope reads a value is, by where it sits.
enum class Slot : unsigned char { none, id, type, created, data, data_object };

// What the body holds for them. A key seen twice counts the last time, as in nlohmann's DOM
// (parse_event()), and nullopt is "absent or of the wrong type".
struct Found {
    bool top_is_object = false;
    std::optional<std::string> id;
    std::optional<std::string> type;
    std::optional<std::int64_t> created;
    bool data_is_object = false;    // the last "data" at the top
    bool object_is_object = false;  // its last "object"
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 8259 JSON, checked as nlohmann's lexer and parser check it (strings must be well-formed
// UTF-8 and escapes must pair their surrogates; a UTF-8 byte order mark may come first), walked
// with a stack of its own rather than recursion: a signed body may nest as deep as its 1 MiB
// allows.
class Scanner {
  public:
    explicit Scanner(std::string_view text) : at_(text.data()), end_(text.data() + text.size()) {}

    bool scan(Found& found) {
        if (end_ - at_ >= 3 && at_[0] == '\xEF' && at_[1] == '\xBB' && at_[2] == '\xBF')
            at_ += 3;
        Slot slot = Slot::none;
        for (;;) {
            // A value, for `slot`.
            skip_space();
            if (at_ == end_)
                return false;
            if (*at_ == '{' || *at_ == '[') {
                const bool array = *at_ == '[';
                ++at_;
                record(found, slot, std::nullopt, std::nullopt, !array);
                if (open_.empty())
                    found.top_is_object = !array;
                open_.push_back({array, open_.empty(), slot == Slot::data});
                skip_space();
                if (at_ != end_ && *at_ == (array ? ']' : '}')) {
                    ++at_;
                    open_.pop_back();
                } else if (array) {
                    slot = Slot::none;
                    continue;
                } else if (!key(slot)) {
                    return false;
                } else {
                    continue;
                }
            } else if (!scalar(found, slot)) {
                return false;
            }
            // After a value: the next one, the end of its container, or the end of the body.
            for (;;) {
                skip_space();
                if (open_.empty())
                    return at_ == end_;
                if (at_ == end_)
                    return false;
                const Open& container = open_.back();
                if (*at_ == (container.array ? ']' : '}')) {
                    ++at_;
                    open_.pop_back();
                    continue;
                }
                if (*at_ != ',')
                    return false;
                ++at_;
                break;
            }
            if (open_.back().array) {
                slot = Slot::none;
            } else if (!key(slot)) {
                return false;
            }
        }
    }

  private:
    struct Open {
        bool array;
        bool top;   // the body's own object or array
        bool data;  // the top's "data"
    };

    void skip_space() {
        while (at_ != end_ && (*at_ == ' ' || *at_ == '\t' || *at_ == '\n' || *at_ == '\r'))
            ++at_;
    }

    // A key and its colon, inside an object; `slot` becomes its value's.
    bool key(Slot& slot) {
        skip_space();
        const Open& container = open_.back();
        const bool wanted = container.top || container.data;
        if (at_ == end_ || *at_ != '"' || !string(wanted ? &key_ : nullptr))
            return false;
        skip_space();
        if (at_ == end_ || *at_ != ':')
            return false;
        ++at_;
        slot = Slot::none;
        if (container.top) {
            if (key_ == "id")
                slot = Slot::id;
            else if (key_ == "type")
                slot = Slot::type;
            else if (key_ == "created")
                slot = Slot::created;
            else if (key_ == "data")
                slot = Slot::data;
        } else if (container.data && key_ == "object") {
            slot = Slot::data_object;
        }
        return true;
    }

    // A value for `slot`: the string or integer it is, if any, or an object. Anything else in a
    // slot is "of the wrong type", and a new "data" replaces the old, its "object" too.
    static void record(Found& found, Slot slot, std::optional<std::string> text,
                       std::optional<std::int64_t> integer, bool object) {
        switch (slot) {
            case Slot::id:
                found.id = std::move(text);
                break;
            case Slot::type:
                found.type = std::move(text);
                break;
            case Slot::created:
                found.created = integer;
                break;
            case Slot::data:
                found.data_is_object = object;
                found.object_is_object = false;
                break;
            case Slot::data_object:
                found.object_is_object = object;
                break;
            case Slot::none:
                break;
        }
    }

    bool scalar(Found& found, Slot slot) {
        std::optional<std::string> text;
        std::optional<std::int64_t> integer;
        if (*at_ == '"') {
            const bool wanted = slot == Slot::id || slot == Slot::type;
            std::string value;
            if (!string(wanted ? &value : nullptr))
                return false;
            if (wanted)
                text = std::move(value);
        } else if (*at_ == '-' || is_digit(*at_)) {
            if (!number(integer))
                return false;
        } else if (!literal("true") && !literal("false") && !literal("null")) {
            return false;
        }
        record(found, slot, std::move(text), integer, false);
        return true;
    }

    bool literal(std::string_view word) {
        if (static_cast<std::size_t>(end_ - at_) < word.size() ||
            std::string_view(at_, word.size()) != word)
            return false;
        at_ += word.size();
        return true;
    }

    // A number; `integer` gets its value when nlohmann would call it one (no fraction, no
    // exponent, and it fits an int64, or a uint64 if not negative, read as int64 as get() does).
    // Any other is a double to nlohmann, which refuses one too large for it.
    bool number(std::optional<std::int64_t>& integer) {
        const char* start = at_;
        const bool negative = *at_ == '-';
        if (negative)
            ++at_;
        if (at_ == end_ || !is_digit(*at_))
            return false;
        std::uint64_t magnitude = 0;
        bool fits = true;
        if (*at_ == '0') {
            ++at_;
        } else {
            while (at_ != end_ && is_digit(*at_)) {
                const auto digit = static_cast<std::uint64_t>(*at_ - '0');
                if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
                    fits = false;
                magnitude = magnitude * 10 + digit;
                ++at_;
            }
        }
        bool whole = true;
        if (at_ != end_ && *at_ == '.') {
            whole = false;
            ++at_;
            if (at_ == end_ || !is_digit(*at_))
                return false;
            while (at_ != end_ && is_digit(*at_))
                ++at_;
        }
        if (at_ != end_ && (*at_ == 'e' || *at_ == 'E')) {
            whole = false;
            ++at_;
            if (at_ != end_ && (*at_ == '+' || *at_ == '-'))
                ++at_;
            if (at_ == end_ || !is_digit(*at_))
                return false;
            while (at_ != end_ && is_digit(*at_))
                ++at_;
        }
        constexpr auto int64_limit =
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
        if (!whole || !fits || (negative && magnitude > int64_limit))
            return std::isfinite(std::strtod(std::string(start, at_).c_str(), nullptr));
        integer = negative ? static_cast<std::int64_t>(0 - magnitude)
                           : static_cast<std::int64_t>(magnitude);
        return true;
    }

    // A string from its opening quote; decoded into `out` unless it is nullptr.
    bool string(std::string* out) {
        ++at_;
        if (out)
            out->clear();
        for (;;) {
            const char* run = at_;
            while (at_ != end_ && *at_ != '"' && *at_ != '\\' &&
                   static_cast<unsigned char>(*at_) >= 0x20 &&
                   static_cast<unsigned char>(*at_) < 0x80)
                ++at_;
            if (out)
                out->append(run, at_);
            if (at_ == end_)
                return false;
            const auto c = static_cast<unsigned char>(*at_);
            if (c == '"') {
                ++at_;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (!escape(out))
                    return false;
            } else if (!utf8_sequence(out)) {
                return false;
            }
        }
    }

    // One well-formed UTF-8 sequence of two to four bytes (Unicode's table 3-7, as nlohmann).
    bool utf8_sequence(std::string* out) {
        const std::size_t length =
            well_formed_utf8_length(std::string_view(at_, static_cast<std::size_t>(end_ - at_)), 0);
        if (length == 0)
            return false;
        if (out)
            out->append(at_, length);
        at_ += length;
        return true;
    }

    // Four hex digits after "\u".
    bool code_unit(char32_t& unit) {
        if (end_ - at_ < 4)
            return false;
        unit = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hex_digit_value(at_[i]);
            if (digit < 0)
                return false;
            unit = unit * 16 + static_cast<char32_t>(digit);
        }
        at_ += 4;
        return true;
    }

    bool escape(std::string* out) {
        ++at_;
        if (at_ == end_)
            return false;
        char decoded = 0;
        switch (*at_++) {
            case '"':
                decoded = '"';
                break;
            case '\\':
                decoded = '\\';
                break;
            case '/':
                decoded = '/';
                break;
            case 'b':
                decoded = '\b';
                break;
            case 'f':
                decoded = '\f';
                break;
            case 'n':
                decoded = '\n';
                break;
            case 'r':
                decoded = '\r';
                break;
            case 't':
                decoded = '\t';
                break;
            case 'u': {
                char32_t code = 0;
                if (!code_unit(code) || (code >= 0xDC00 && code <= 0xDFFF))
                    return false;
                if (code >= 0xD800 && code <= 0xDBFF) {
                    char32_t low = 0;
                    if (end_ - at_ < 2 || at_[0] != '\\' || at_[1] != 'u')
                        return false;
                    at_ += 2;
                    if (!code_unit(low) || low < 0xDC00 || low > 0xDFFF)
                        return false;
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                if (out)
                    append_utf8(*out, code);
                return true;
            }
            default:
                return false;
        }
        if (out)
            *out += decoded;
        return true;
    }

    const char* at_;
    const char* end_;
    std::vector<Open> open_;
    std::string key_;
};

}  // namespace

Result<EventEnvelope> parse_event_envelope(std::string_view body) {
    Found found;
    if (!Scanner(body).scan(found) || !found.top_is_object)
        return fail(event_errors::not_a_json_object());
    if (!found.id || found.id->empty())
        return fail(event_errors::missing_string("id"));
    if (!found.type || found.type->empty())
        return fail(event_errors::missing_string("type"));
    if (!found.created)
        return fail(event_errors::missing_created());
    if (!found.data_is_object || !found.object_is_object)
        return fail(event_errors::missing_data_object());
    return EventEnvelope{std::move(*found.id), std::move(*found.type), *found.created};
}

}  // namespace txmail::stripe
