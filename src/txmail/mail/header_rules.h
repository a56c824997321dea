// What may go into a header: the checks that keep caller data from forging header lines.
//
// Any CR, LF or NUL in a value would end the header and start another (header injection), so it
// is refused, naming the field. Extra header names must be RFC 5322 field names (printable ASCII
// except ':', section 3.6.8) and short enough to fold. Headers txmail writes itself (From, To, Cc,
// Reply-To, Subject, Date, Message-ID, MIME-Version, Content-Type, Content-Transfer-Encoding,
// Content-Disposition) and Bcc (which must never appear) cannot be set as extra headers: the
// Message has a member for each of those (or writes them itself), and two sources for one header
// would let the headers disagree with each other or with the envelope.
#pragma once

#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::mail {

// Error unless text is free of CR, LF and NUL. field: "subject", "to[2].display_name", ...
Result<void> check_single_line(std::string_view text, std::string_view field);
// Error unless text is well-formed UTF-8 (the charset every header and body here declares).
Result<void> check_utf8(std::string_view text, std::string_view field);
Result<void> check_extra_header_name(std::string_view name);
// The field name errors use for an extra header: "headers.X-Campaign".
std::string extra_header_field(std::string_view name);

}  // namespace txmail::mail
