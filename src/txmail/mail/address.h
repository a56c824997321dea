// A mailbox: optional display name and addr-spec (RFC 5322 section 3.4).
//
// parse() accepts `local@domain`, `Display Name <local@domain>`, `<local@domain>` and quoted
// display names with commas and quotes (`"Doe, Jane \"JD\"" <jane@example.com>`); display names and
// domains may be UTF-8. It rejects CR, LF and NUL outright (header injection) and names the field
// and the value in every error. Unquoted display names are taken literally (`Boritrade [DEV]`)
// except for `,;<>\`, which must be quoted. Not accepted: comments, groups, address literals
// (`[192.0.2.1]`), and non-ASCII local parts (they need SMTPUTF8, which txmail does not use).
// Limits from RFC 5321: local part 64 octets, domain 253 octets in ASCII, labels 63.
// Headers carry the display name as RFC 2047 encoded-words when it is not ASCII; the SMTP
// envelope carries the domain in punycode (IDNA 2008 via libidn2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::mail {

struct Address {
    std::string display_name;  // UTF-8, unquoted; empty when none
    std::string local;   // local part as written (ASCII; a quoted local part keeps its quotes)
    std::string domain;  // as written, UTF-8 allowed

    // field: the name to put in errors ("to", "from", "EMAIL_HOST_USER", ...).
    static Result<Address> parse(std::string_view text, std::string_view field);
    // Parses a comma-separated list, honouring quotes and angle brackets.
    static Result<std::vector<Address>> parse_list(std::string_view text, std::string_view field);

    // Checks a value built field by field (not through parse()) by the same rules as parse().
    Result<void> validate(std::string_view field) const;

    std::string addr_spec() const;  // local@domain as written
    // local@domain with the domain in ASCII (punycode) for MAIL FROM / RCPT TO.
    // Fails when the address is not valid; errors name `field` ("address" without it).
    Result<std::string> envelope() const;
    Result<std::string> envelope(std::string_view field) const;
    // `Name <local@domain>` / `local@domain`, display name RFC 2047-encoded when needed,
    // quoted when it holds specials, domain in punycode. ASCII-only output, ready for a header.
    std::string header_value() const;
    // Human form for logs and CLI output: `Name <local@domain>` in UTF-8.
    std::string to_string() const;

    friend bool operator==(const Address&, const Address&) = default;
};

}  // namespace txmail::mail
