// Tells a failure that is the sender's (every message as this sender would fail alike: the
// circuit breaker pauses it) from one that is about a single message (only that message retries
// or dies). Microsoft 365's replies are judged by microsoft365::diagnose()'s `systemic` flag; any
// other server by its codes (RFC 4954 section 6, RFC 3463):
//   530 authentication required, 534 mechanism too weak, 535 credentials invalid, 538
//   encryption required, 454 4.7.0 temporary authentication failure;
//   Exchange's continuous-error blocks 5.2.251-5.2.255; a backend that cannot work as configured.
// A temporary failure (network, timeout, 4xx) is neither: it says nothing about the sender.
#pragma once

#include <optional>

#include "txmail/microsoft365/diagnosis.h"
#include "txmail/util/error.h"

namespace txmail::outbox {

enum class FailureScope {
    sender,   // pause the sender, keep its messages queued
    message,  // the server refused this message for good: the sender itself works
    unknown,  // temporary (network, timeout, 4xx): says nothing about the sender
};

FailureScope failure_scope(const Error& error,
                           const std::optional<microsoft365::Diagnosis>& diagnosis);

}  // namespace txmail::outbox
