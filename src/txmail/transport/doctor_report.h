// What `txmail doctor` found, step by step, and the two ways it is printed: text for people (one
// ✓/✗ line per step, the server's own words, the remediation under a failure) and JSON for
// machines (an array of {name, status, ok, detail, server_reply, diagnosis}).
//
// Printing goes through redact() first: every secret the checkup handled (password, client
// secret, bearer token) is replaced by "****" wherever it might have slipped into a text, so the
// output can be pasted into a ticket as it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/microsoft365/diagnosis.h"

namespace txmail::transport {

enum class StepStatus { passed, failed, skipped };
std::string_view to_string(StepStatus status);

struct DoctorStep {
    std::string name;  // "settings", "dns", "connect", "greeting", "ehlo", "starttls"...
    StepStatus status = StepStatus::skipped;
    std::string detail;        // what was found, or why the step failed or did not run
    std::string server_reply;  // the server's reply, verbatim; empty when none
    std::optional<microsoft365::Diagnosis> diagnosis;
};

struct DoctorReport {
    std::string summary;  // one line: backend, server, authentication, mailbox
    std::string mailbox;  // EMAIL_HOST_USER, written into the remediation steps
    std::vector<DoctorStep> steps;

    bool ok() const;  // no step failed
};

// Replaces every occurrence of each non-empty secret in every text of the report.
void redact(DoctorReport& report, const std::vector<std::string>& secrets);

std::string render_text(const DoctorReport& report);
std::string render_json(const DoctorReport& report);

}  // namespace txmail::transport
