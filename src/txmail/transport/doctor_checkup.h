// `txmail doctor`: checks the configured backend one step at a time, the way a person at a
// terminal would, and stops at the first step that fails, keeping the server's own words and
// adding the diagnosis (microsoft365/diagnosis.h) when the reply is one we know.
//
// smtp:  settings, dns, connect, [tls | greeting, ehlo, starttls], ehlo, auth offered, token
//        (OAuth only), auth, mail from (+ RSET), send test (--send-test), quit
// graph: settings, dns, connect, tls, token, send test
// other backends (file, console, ...): settings, send test
//
// MAIL FROM shows that the server takes the sender; Exchange Online checks Send As only when a
// message is submitted, so only --send-test proves it (the step says so when From is not the
// mailbox). Secrets (password, client secret, token) are sent to the server they are for and
// nowhere else: never in the report (which is redacted on top of that), never in a log.
#pragma once

#include <optional>
#include <string>

#include "txmail/transport/doctor_report.h"

namespace txmail::config {
class Settings;
}

namespace txmail::transport {

struct DoctorRequest {
    std::optional<std::string> send_test_to;  // --send-test ADDR
};

DoctorReport run_doctor(const config::Settings& settings, const DoctorRequest& request);

}  // namespace txmail::transport
