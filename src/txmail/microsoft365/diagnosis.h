// Reply diagnosis: maps what a provider answered (reply code, enhanced status, text) to a cause
// and the remediation, in words an operator can act on. Exchange Online's replies and the
// Microsoft identity platform's AADSTS errors are the first knowledge base (DESIGN.md
// "Microsoft 365 facts"). Pure: no I/O, tested with the exact reply texts.
//
// `systemic` says whether the failure is about the sender (authentication, authorization,
// quota, blocked mailbox: every message will fail the same way, so the dispatcher pauses the
// sender) rather than about one message or recipient.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::microsoft365 {

struct Diagnosis {
    std::string id;                        // stable identifier, e.g. "smtp_auth_disabled_tenant"
    std::string cause;                     // one sentence: what is wrong
    std::vector<std::string> remediation;  // steps, in order; may include PowerShell lines
    bool systemic = false;                 // the sender, not this message, is the problem
    std::optional<ErrorKind> kind;  // when the reply's code misleads (e.g. 5.2.251 throttling)
    std::string reference;          // Microsoft Learn URL, when one documents it
};

// nullopt when the reply is not one we know; callers then show the reply as it is.
std::optional<Diagnosis> diagnose(const Error& error);

}  // namespace txmail::microsoft365
