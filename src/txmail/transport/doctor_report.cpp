#include "txmail/transport/doctor_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "txmail/microsoft365/diagnosis_text.h"

namespace txmail::transport {
namespace {

constexpr std::string_view kMask = "****";

void redact_text(std::string& text, const std::string& secret) {
    for (auto at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + kMask.size()))
        text.replace(at, secret.size(), kMask);
}

std::string_view mark(StepStatus status) {
    switch (status) {
        case StepStatus::passed:
            return "✓";
        case StepStatus::failed:
            return "✗";
        case StepStatus::skipped:
            return "-";
    }
    return "-";
}

// Continuation lines of a multi-line text, indented under the step.
std::string indented(std::string_view text, std::string_view indent) {
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        const auto line = text.substr(start, end == std::string_view::npos ? end : end - start);
        out.append(indent).append(line).append("\n");
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string_view to_string(StepStatus status) {
    switch (status) {
        case StepStatus::passed:
            return "passed";
        case StepStatus::failed:
            return "failed";
        case StepStatus::skipped:
            return "skipped";
    }
    return "skipped";
}

bool DoctorReport::ok() const {
    return std::ranges::none_of(steps,
                                [](const DoctorStep& s) { return s.status == StepStatus::failed; });
}

void redact(DoctorReport& report, const std::vector<std::string>& secrets) {
    for (const std::string& secret : secrets) {
        if (secret.empty())
            continue;
        redact_text(report.summary, secret);
        for (DoctorStep& step : report.steps) {
            redact_text(step.detail, secret);
            redact_text(step.server_reply, secret);
            if (step.diagnosis) {
                redact_text(step.diagnosis->cause, secret);
                for (std::string& line : step.diagnosis->remediation)
                    redact_text(line, secret);
            }
        }
    }
}

std::string render_text(const DoctorReport& report) {
    std::size_t width = 0;
    for (const DoctorStep& step : report.steps)
        width = std::max(width, step.name.size());

    std::string out = "txmail doctor: " + report.summary + "\n";
    for (const DoctorStep& step : report.steps) {
        std::string name = step.name;
        name.resize(width, ' ');
        out.append(mark(step.status)).append(" ").append(name).append("  ");
        const std::string continuation(width + 4, ' ');
        const auto first_break = step.detail.find('\n');
        out.append(step.detail.substr(0, first_break)).append("\n");
        if (first_break != std::string::npos)
            out += indented(std::string_view(step.detail).substr(first_break + 1), continuation);
        if (!step.server_reply.empty() && step.status == StepStatus::failed)
            out += indented("server said: " + step.server_reply, continuation);
        if (step.diagnosis)
            out += microsoft365::format_diagnosis(*step.diagnosis, report.mailbox, continuation);
    }
    out += report.ok() ? "All checks passed.\n" : "A check failed; later steps were not run.\n";
    return out;
}

std::string render_json(const DoctorReport& report) {
    auto steps = nlohmann::json::array();
    for (const DoctorStep& step : report.steps) {
        nlohmann::json diagnosis = nullptr;
        if (step.diagnosis) {
            auto remediation = nlohmann::json::array();
            for (const std::string& line : step.diagnosis->remediation)
                remediation.push_back(microsoft365::fill_mailbox(line, report.mailbox));
            diagnosis = {{"id", step.diagnosis->id},
                         {"cause", step.diagnosis->cause},
                         {"remediation", remediation},
                         {"systemic", step.diagnosis->systemic},
                         {"reference", step.diagnosis->reference}};
        }
        steps.push_back({{"name", step.name},
                         {"status", to_string(step.status)},
                         {"ok", step.status == StepStatus::passed},
                         {"detail", step.detail},
                         {"server_reply", step.server_reply},
                         {"diagnosis", diagnosis}});
    }
    // Replies may carry bytes that are not UTF-8; replace them rather than throw.
    return steps.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace txmail::transport
