#include "txmail/mail/address.h"

#include <algorithm>
#include <expected>

#include "txmail/mail/address_header.h"
#include "txmail/mail/address_syntax.h"
#include "txmail/mail/header_rules.h"
#include "txmail/mail/idna.h"
#include "txmail/util/strings.h"
#include "txmail/util/utf8.h"

namespace txmail::mail {
namespace {

constexpr std::size_t kMaxLocal = 64;    // RFC 5321 section 4.5.3.1.1
constexpr std::size_t kMaxDomain = 253;  // RFC 1035 section 2.3.4, 255 minus length octets
constexpr std::size_t kMaxLabel = 63;
constexpr std::string_view kWsp = " \t";

// Why an address is not acceptable, for the error message; empty when it is.
using Problem = std::string;

std::string_view trim(std::string_view s) {
    const std::size_t first = s.find_first_not_of(kWsp);
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(kWsp) - first + 1);
}

Error invalid(std::string_view field, std::string_view text, std::string_view problem) {
    return Error::invalid(std::string(field), std::string(field) + ": invalid address " +
                                                  printable_quoted(text) + ": " +
                                                  std::string(problem));
}

std::string describe_char(char c) {
    return c == ' ' ? std::string("a space") : "'" + std::string(1, c) + "'";
}

// Calls visit(i) for each byte of s outside quoted-strings and `<...>` (when skip_angle) until
// visit returns true. Returns false when s ends inside a quoted-string.
template <class Visit>
bool scan_unquoted(std::string_view s, bool skip_angle, Visit visit) {
    bool quoted = false, angle = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (skip_angle && angle) {
            angle = c != '>';
        } else if (skip_angle && c == '<') {
            angle = true;
        } else if (visit(i)) {
            return true;
        }
    }
    return !quoted;
}

std::size_t find_unquoted(std::string_view s, char target, std::size_t from = 0) {
    std::size_t found = std::string_view::npos;
    scan_unquoted(s, false, [&](std::size_t i) {
        if (i < from || s[i] != target)
            return false;
        found = i;
        return true;
    });
    return found;
}

// A display name as typed: atoms and quoted-strings, the quotes removed and escapes undone.
std::expected<std::string, Problem> decode_display_name(std::string_view phrase) {
    std::string name;
    name.reserve(phrase.size());
    for (std::size_t i = 0; i < phrase.size(); ++i) {
        const char c = phrase[i];
        if (c == '"') {
            // parse() has checked that every quote is closed.
            for (++i; i < phrase.size() && phrase[i] != '"'; ++i) {
                if (phrase[i] == '\\' && i + 1 < phrase.size())
                    ++i;
                name += phrase[i];
            }
        } else if (std::string_view(",;<>\\").find(c) != std::string_view::npos) {
            return std::unexpected("the display name contains " + describe_char(c) +
                                   ": put the name in double quotes");
        } else {
            name += c;
        }
    }
    return name;
}

Problem local_part_problem(std::string_view local) {
    if (local.empty())
        return "the local part (before '@') is empty";
    if (local.size() > kMaxLocal)
        return "the local part is longer than 64 octets";
    if (!std::ranges::all_of(local, [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return "non-ASCII local parts need SMTPUTF8 (RFC 6531), which txmail does not use";
    if (local.front() == '"') {
        if (local.size() < 2 || local.back() != '"')
            return "a quoted local part must be the whole local part";
        for (std::size_t i = 1; i + 1 < local.size(); ++i) {
            const auto c = static_cast<unsigned char>(local[i]);
            if (c == '\\')
                ++i;
            else if (c == '"')
                return "the quoted local part has an unescaped '\"'";
            else if ((c < 0x20 && c != '\t') || c == 0x7f)
                return "the local part contains a control character";
        }
        return {};
    }
    // dot-atom (section 3.2.3): atext runs separated by single dots.
    for (std::size_t i = 0; i < local.size(); ++i) {
        const char c = local[i];
        if (c == '.') {
            if (i == 0 || i + 1 == local.size() || local[i + 1] == '.')
                return "the local part has a '.' at its start or end, or two in a row";
        } else if (!is_atext(static_cast<unsigned char>(c))) {
            return "the local part contains " + describe_char(c) +
                   ", which is only allowed inside double quotes";
        }
    }
    return {};
}

Problem domain_problem(std::string_view domain) {
    if (domain.empty())
        return "the domain (after '@') is empty";
    if (domain.front() == '[')
        return "address literals such as [192.0.2.1] are not supported; use a domain name";
    auto ascii = domain_to_ascii(domain, "domain");
    if (!ascii)
        return "the domain cannot be converted to ASCII (IDNA): " + ascii.error().message;
    if (ascii->size() > kMaxDomain)
        return "the domain is longer than 253 octets";
    std::string_view rest = *ascii;
    while (true) {
        const std::size_t dot = rest.find('.');
        const std::string_view label = rest.substr(0, dot);
        if (label.empty())
            return "the domain has an empty label (a '.' at its start or end, or two in a row)";
        if (label.size() > kMaxLabel)
            return "a domain label is longer than 63 octets";
        if (label.front() == '-' || label.back() == '-')
            return "a domain label starts or ends with '-'";
        for (char c : label) {
            const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                             (c >= '0' && c <= '9') || c == '-';
            if (!ldh)
                return "the domain contains " + describe_char(c) +
                       "; domains are letters, digits, '-' and '.'";
        }
        if (dot == std::string_view::npos)
            return {};
        rest.remove_prefix(dot + 1);
    }
}

Problem address_problem(const Address& address) {
    const std::string_view name = address.display_name;
    if (name.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        return "the display name contains a line break or NUL, refused (header injection)";
    if (!is_valid_utf8(name))
        return "the display name is not valid UTF-8";
    if (auto problem = local_part_problem(address.local); !problem.empty())
        return problem;
    return domain_problem(address.domain);
}

}  // namespace

Result<Address> Address::parse(std::string_view text, std::string_view field) {
    if (auto ok = check_single_line(text, field); !ok)
        return fail(ok.error());
    if (auto ok = check_utf8(text, field); !ok)
        return fail(ok.error());
    const std::string_view s = trim(text);
    if (s.empty())
        return fail(invalid(field, text, "it is empty"));
    if (!scan_unquoted(s, false, [](std::size_t) { return false; }))
        return fail(invalid(field, text, "a double quote is not closed"));
    Address address;
    std::string_view spec = s;
    if (const std::size_t lt = find_unquoted(s, '<'); lt != std::string_view::npos) {
        const std::size_t gt = find_unquoted(s, '>', lt + 1);
        if (gt == std::string_view::npos)
            return fail(invalid(field, text, "'<' without a closing '>'"));
        if (!trim(s.substr(gt + 1)).empty())
            return fail(invalid(field, text, "unexpected text after '>'"));
        auto name = decode_display_name(trim(s.substr(0, lt)));
        if (!name)
            return fail(invalid(field, text, name.error()));
        address.display_name = std::move(*name);
        spec = trim(s.substr(lt + 1, gt - lt - 1));
    } else if (find_unquoted(s, '>') != std::string_view::npos) {
        return fail(invalid(field, text, "'>' without an opening '<'"));
    }
    // The domain holds neither '@' nor quotes, so the last '@' ends the local part.
    const std::size_t at = spec.rfind('@');
    if (at == std::string_view::npos)
        return fail(invalid(field, text, "no '@' between local part and domain"));
    address.local = spec.substr(0, at);
    address.domain = spec.substr(at + 1);
    if (auto problem = address_problem(address); !problem.empty())
        return fail(invalid(field, text, problem));
    return address;
}

Result<std::vector<Address>> Address::parse_list(std::string_view text, std::string_view field) {
    if (auto ok = check_single_line(text, field); !ok)
        return fail(ok.error());
    std::vector<Address> addresses;
    std::size_t start = 0;
    auto take = [&](std::size_t end) -> Result<void> {
        const std::string_view item = trim(text.substr(start, end - start));
        start = end + 1;
        if (item.empty())
            return {};
        auto address = parse(item, field);
        if (!address)
            return fail(address.error());
        addresses.push_back(std::move(*address));
        return {};
    };
    Result<void> status;
    scan_unquoted(text, true, [&](std::size_t i) {
        if (text[i] != ',')
            return false;
        status = take(i);
        return !status;
    });
    if (status)
        status = take(text.size());
    if (!status)
        return fail(status.error());
    return addresses;
}

Result<void> Address::validate(std::string_view field) const {
    if (auto problem = address_problem(*this); !problem.empty())
        return fail(invalid(field, to_string(), problem));
    return {};
}

std::string Address::addr_spec() const {
    std::string spec;
    spec.reserve(local.size() + 1 + domain.size());
    spec += local;
    spec += '@';
    spec += domain;
    return spec;
}

Result<std::string> Address::envelope() const {
    return envelope("address");
}

Result<std::string> Address::envelope(std::string_view field) const {
    if (auto problem = address_problem(*this); !problem.empty())
        return fail(invalid(field, to_string(), problem));
    auto ascii = domain_to_ascii(domain, field);
    if (!ascii)
        return fail(ascii.error());
    return local + "@" + *ascii;
}

std::string Address::header_value() const {
    constexpr std::string_view kName = "X";
    std::string folded;
    HeaderFolder folder(folded, kName);
    append_address(folder, *this);
    return unfold(std::string_view(folded).substr(kName.size() + 2));
}

std::string Address::to_string() const {
    if (display_name.empty())
        return addr_spec();
    std::string out =
        is_plain_phrase(display_name, true) ? display_name : quote_string(display_name);
    out += " <";
    out += addr_spec();
    out += '>';
    return out;
}

}  // namespace txmail::mail
