#include "txmail/notify/event_data.h"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

#include "txmail/notify/display_format.h"
#include "txmail/util/iso8601.h"
#include "txmail/util/strings.h"
#include "txmail/util/utf8.h"

namespace txmail::notify {
namespace {

using json = nlohmann::json;

// A value as the error shows it: JSON text on one line, cut so a 10,000-character field cannot
// flood a log line.
std::string shown(const json& value) {
    return one_line(value.dump(-1, ' ', false, json::error_handler_t::replace), 80);
}

Error invalid_value(std::string_view path, FieldType type, const json& value) {
    return Error::invalid(
        std::string(path),
        std::string(path) + " must be " + std::string(to_string(type)) + ", got " + shown(value));
}

// The part of a dotted path after its object: "user.email" -> "email"; "amount" -> "amount".
std::string_view leaf(std::string_view path) {
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

bool is_ticker_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view(".-^=:_").find(c) != std::string_view::npos;
}

bool is_ip_address(const std::string& text) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// Checks one present, non-null value; returns its human form.
Result<std::string> check(const FieldSpec& field, const json& value) {
    const FieldType type = field.type;
    if (type == FieldType::identifier) {
        if (value.is_number_integer())
            return value.dump();
        if (value.is_string() && !value.get_ref<const std::string&>().empty())
            return value.get<std::string>();
        return fail(invalid_value(field.name, type, value));
    }
    if (type == FieldType::money) {
        if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
            return fail(invalid_value(field.name, type, value));
        return value.dump();  // the caller formats it with its currency
    }
    if (!value.is_string())
        return fail(invalid_value(field.name, type, value));
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find('\0') != std::string::npos || !is_valid_utf8(text)) {
        return fail(Error::invalid(std::string(field.name),
                                   std::string(field.name) +
                                       " must be UTF-8 text without NUL characters, got " +
                                       shown(value)));
    }
    switch (type) {
        case FieldType::text:
            return text;
        case FieldType::label:
        case FieldType::status:
            return one_line(text, text.size());
        case FieldType::email: {
            auto address = mail::Address::parse(text, field.name);
            if (!address) {
                return fail(Error::invalid(std::string(field.name),
                                           std::string(field.name) + " must be an email address: " +
                                               address.error().message));
            }
            if (!address->display_name.empty())
                return fail(invalid_value(field.name, type, value));
            return address->addr_spec();
        }
        case FieldType::date:
        case FieldType::datetime: {
            const auto time = parse_iso8601(text);
            if (!time)
                return fail(invalid_value(field.name, type, value));
            const bool has_time = text.size() > 10;
            return type == FieldType::datetime && has_time ? format_date_time(*time)
                                                           : format_date(*time);
        }
        case FieldType::currency:
            if (text.size() != 3 || !std::ranges::all_of(text, [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                }))
                return fail(invalid_value(field.name, type, value));
            return currency_code(text);
        case FieldType::url:
            if (!is_http_url(text))
                return fail(invalid_value(field.name, type, value));
            return text;
        case FieldType::ip_address:
            if (!is_ip_address(text))
                return fail(invalid_value(field.name, type, value));
            return text;
        case FieldType::ticker:
            if (!is_ticker_symbol(text))
                return fail(invalid_value(field.name, type, value));
            return text;
        default:
            return text;
    }
}

// The fields an object at `prefix` ("" for the top level, "user." inside user) may hold.
std::string known_fields(const EventSpec& spec, std::string_view prefix) {
    std::vector<std::string_view> names;
    for (const FieldSpec& field : spec.fields) {
        std::string_view name = field.name;
        if (!name.starts_with(prefix))
            continue;
        name.remove_prefix(prefix.size());
        name = name.substr(0, name.find('.'));
        if (std::ranges::find(names, name) == names.end())
            names.push_back(name);
    }
    std::string out;
    for (std::string_view name : names)
        out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

Result<void> reject_unknown(const EventSpec& spec, const json& object, std::string_view prefix) {
    for (const auto& [key, value] : object.items()) {
        const std::string path = std::string(prefix) + key;
        const bool known = std::ranges::any_of(spec.fields, [&](const FieldSpec& field) {
            return field.name == path || field.name.starts_with(path + ".");
        });
        if (!known) {
            return fail(Error::invalid(path, "unknown field " + path + " for event " +
                                                 std::string(spec.name) +
                                                 "; known fields: " + known_fields(spec, prefix)));
        }
    }
    return {};
}

}  // namespace

Result<void> check_view_change(std::string_view old_status, std::string_view new_status) {
    const std::string old_view = one_line(old_status, old_status.size());
    const std::string new_view = one_line(new_status, new_status.size());
    for (const auto& [name, view] :
         {std::pair{"old_status", &old_view}, {"new_status", &new_view}}) {
        if (view->empty()) {
            return fail(Error::invalid(name, std::string(name) +
                                                 " is blank: name the view, such as BUY, HOLD "
                                                 "or SELL"));
        }
    }
    if (iequals_ascii(old_view, new_view)) {
        return fail(Error::invalid("new_status", "new_status \"" + new_view +
                                                     "\" is old_status \"" + old_view +
                                                     "\" again: the view did not change, so "
                                                     "there is nothing to tell its followers"));
    }
    return {};
}

bool is_ticker_symbol(std::string_view text) {
    return !text.empty() && text.size() <= 20 && std::ranges::all_of(text, is_ticker_char);
}

bool is_http_url(std::string_view text) {
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos)
        return false;
    const std::string_view scheme = text.substr(0, scheme_end);
    if (scheme != "https" && scheme != "http")
        return false;
    const std::string_view rest = text.substr(scheme_end + 3);
    if (rest.empty() || rest.front() == '/' || text.size() > 2048)
        return false;
    return std::ranges::none_of(text, [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\';
    });
}

Result<EventData> validate_event_data(std::string_view event, const nlohmann::json& data) {
    auto spec = lookup_event(event);
    if (!spec)
        return fail(spec.error());
    return validate_event_data(**spec, data);
}

Result<EventData> validate_event_data(const EventSpec& spec, const nlohmann::json& data) {
    if (!data.is_object()) {
        return fail(Error::invalid("data",
                                   "event data must be a JSON object such as "
                                   "{\"user\":{\"id\":…,\"email\":…}}, got " +
                                       shown(data)));
    }
    const auto user = data.find("user");
    if (user == data.end() || user->is_null()) {
        return fail(Error::invalid(
            "user", "missing required field user (an object with id, email and optional name)"));
    }
    if (!user->is_object()) {
        return fail(Error::invalid("user",
                                   "user must be an object with id, email and optional "
                                   "name, got " +
                                       shown(*user)));
    }
    if (auto checked = reject_unknown(spec, data, ""); !checked)
        return fail(checked.error());
    if (auto checked = reject_unknown(spec, *user, "user."); !checked)
        return fail(checked.error());

    EventData out{&spec, json::object(), json::object(), {}};
    for (const FieldSpec& field : spec.fields) {
        const bool in_user = field.name.starts_with("user.");
        const json& parent = in_user ? *user : data;
        const auto found = parent.find(std::string(leaf(field.name)));
        if (found == parent.end() || found->is_null()) {
            if (field.required) {
                return fail(Error::invalid(std::string(field.name),
                                           "missing required field " + std::string(field.name)));
            }
            continue;
        }
        auto display = check(field, *found);
        if (!display)
            return fail(display.error());
        json& raw = in_user ? out.raw["user"] : out.raw;
        json& human = in_user ? out.display["user"] : out.display;
        raw[std::string(leaf(field.name))] = *found;
        human[std::string(leaf(field.name))] = *display;
    }
    // Money is shown with its currency, which therefore must come with it.
    for (const FieldSpec& field : spec.fields) {
        if (field.currency_field.empty() || !out.raw.contains(field.name))
            continue;
        const std::string currency(field.currency_field);
        if (!out.raw.contains(currency)) {
            return fail(
                Error::invalid(currency, currency + " is required with " + std::string(field.name) +
                                             " (" + shown(out.raw[std::string(field.name)]) + ")"));
        }
        out.display[std::string(field.name)] =
            format_money(out.raw[std::string(field.name)].get<std::int64_t>(),
                         out.raw[currency].get<std::string>());
    }

    if (out.raw.contains("old_status") && out.raw.contains("new_status")) {
        if (auto changed = check_view_change(out.raw["old_status"].get<std::string>(),
                                             out.raw["new_status"].get<std::string>());
            !changed)
            return fail(changed.error());
    }

    const json& shown_user = out.display["user"];
    auto recipient = mail::Address::parse(shown_user["email"].get<std::string>(), "user.email");
    if (!recipient)
        return fail(recipient.error());
    if (shown_user.contains("name")) {
        // A display name is for recognising the sender's greeting, not for carrying a novel.
        recipient->display_name = one_line(shown_user["name"].get<std::string>(), 64);
    }
    out.recipient = std::move(*recipient);
    return out;
}

}  // namespace txmail::notify
