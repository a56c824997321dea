#include "txmail/microsoft365/diagnosis_text.h"

namespace txmail::microsoft365 {

std::string fill_mailbox(std::string_view line, std::string_view mailbox) {
    constexpr std::string_view placeholder = "<mailbox>";
    std::string out(line);
    if (mailbox.empty())
        return out;
    for (auto at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + mailbox.size()))
        out.replace(at, placeholder.size(), mailbox);
    return out;
}

std::string format_diagnosis(const Diagnosis& diagnosis, std::string_view mailbox,
                             std::string_view indent) {
    std::string out;
    out.append(indent).append("diagnosis: ").append(diagnosis.cause).append("\n");
    for (const std::string& step : diagnosis.remediation)
        out.append(indent).append("  - ").append(fill_mailbox(step, mailbox)).append("\n");
    if (!diagnosis.reference.empty())
        out.append(indent).append("  see ").append(diagnosis.reference).append("\n");
    return out;
}

std::string format_diagnosis_line(const Diagnosis& diagnosis) {
    std::string out = diagnosis.id + ": " + diagnosis.cause;
    if (!diagnosis.reference.empty())
        out += " (see " + diagnosis.reference + ")";
    return out;
}

}  // namespace txmail::microsoft365
