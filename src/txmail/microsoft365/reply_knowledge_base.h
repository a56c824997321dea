// The knowledge base behind diagnose(): one rule per provider reply we can explain, as data.
//
// A rule matches on the reply code (0 = any), the enhanced status (exact "5.7.139", a detail range
// "5.2.251-255", or empty = any) and substrings of the reply text (all of `all_of` and at least one
// of `any_of`; ASCII case-insensitive). Rules are tried in order and the first match wins, so the
// table lists the specific before the general (the 5.7.139 variants before the catch-all 5.7.139;
// "550 5.2.252 Sender throttled" before "554 5.2.252 SendAsDenied").
//
// Each rule carries `samples`: the provider's exact words, as Exchange Online or the identity
// platform sends them, written "<code> [<enhanced status>] <text>" (an SMTP reply line, or the
// HTTP status followed by Graph's or the identity platform's error text). Tests replay every sample
// and require that it lands on its own rule, and docs/microsoft365.md lists every rule id; so a
// rule added here is tested and documented. Remediation lines may contain "<mailbox>", which
// printers replace with the configured mailbox.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::microsoft365 {

struct ReplyRule {
    std::string_view id;
    int code = 0;                           // SMTP or HTTP code; 0 matches any
    std::string_view status;                // enhanced status pattern; empty matches any
    std::vector<std::string_view> all_of;   // every one must appear in the text
    std::vector<std::string_view> any_of;   // one must appear, when not empty
    std::vector<std::string_view> samples;  // the provider's exact replies, for tests and docs

    std::string_view cause;
    std::vector<std::string_view> remediation;
    bool systemic = false;
    std::optional<ErrorKind> kind;
    std::string_view reference;
};

// Exchange Online SMTP AUTH replies, Microsoft Graph sendMail errors, identity platform AADSTS
// errors; in matching order.
std::span<const ReplyRule> reply_rules();

// "5.7.139" against "5.7.139", "5.2.251-255" or "" (any). Exposed for tests.
bool status_matches(std::string_view pattern, std::string_view status);

}  // namespace txmail::microsoft365
