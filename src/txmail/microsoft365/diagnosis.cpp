#include "txmail/microsoft365/diagnosis.h"

#include <algorithm>

#include "txmail/microsoft365/reply_knowledge_base.h"
#include "txmail/util/strings.h"

namespace txmail::microsoft365 {
namespace {

// `haystack` is already lower case; needles are matched ASCII case-insensitively because
// Exchange Online's capitalisation varies between front ends ("Mailbox full", "mailbox full").
bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(ascii_lowercase(needle)) != std::string_view::npos;
}

bool matches(const ReplyRule& rule, const Error& error, std::string_view text) {
    if (rule.code != 0 && rule.code != error.code)
        return false;
    if (!status_matches(rule.status, error.enhanced_status))
        return false;
    if (!std::ranges::all_of(rule.all_of, [&](auto needle) { return contains(text, needle); }))
        return false;
    return rule.any_of.empty() ||
           std::ranges::any_of(rule.any_of, [&](auto needle) { return contains(text, needle); });
}

Diagnosis to_diagnosis(const ReplyRule& rule) {
    Diagnosis out;
    out.id = rule.id;
    out.cause = rule.cause;
    out.remediation.assign(rule.remediation.begin(), rule.remediation.end());
    out.systemic = rule.systemic;
    out.kind = rule.kind;
    out.reference = rule.reference;
    return out;
}

}  // namespace

std::optional<Diagnosis> diagnose(const Error& error) {
    // The reply is the server's words; the message may carry them too (the token source puts the
    // identity platform's AADSTS description there), so both are searched.
    const std::string text = ascii_lowercase(error.reply + '\n' + error.message);
    for (const ReplyRule& rule : reply_rules()) {
        if (matches(rule, error, text))
            return to_diagnosis(rule);
    }
    return std::nullopt;
}

}  // namespace txmail::microsoft365
