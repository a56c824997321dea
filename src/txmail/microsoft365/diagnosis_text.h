// The one way a Diagnosis is shown to people: the CLI's stderr (`txmail send`, `txmail doctor`),
// log lines and the admin page all print through these, so the words never drift apart.
//
// Remediation lines may name "<mailbox>"; given the configured mailbox (EMAIL_HOST_USER) the
// formatter writes it in, so that PowerShell lines can be pasted as they are.
#pragma once

#include <string>
#include <string_view>

#include "txmail/microsoft365/diagnosis.h"

namespace txmail::microsoft365 {

// "<mailbox>" replaced by `mailbox` when it is not empty.
std::string fill_mailbox(std::string_view line, std::string_view mailbox);

// Multi-line text for a terminal:
//   diagnosis: <cause>
//     - <step>
//     ...
//     see <reference>
// Each line is prefixed with `indent`; ends with a newline.
std::string format_diagnosis(const Diagnosis& diagnosis, std::string_view mailbox = {},
                             std::string_view indent = {});

// One line for logs: "<id>: <cause> (see <reference>)".
std::string format_diagnosis_line(const Diagnosis& diagnosis);

}  // namespace txmail::microsoft365
