// Quoted-printable body encoding (RFC 2045 section 6.7) for text that is mostly ASCII.
//
// Line breaks in the input (CRLF, lone CR or lone LF) become CRLF hard breaks; everything else
// that is not printable ASCII, '=' itself, and a space or tab at the end of a line is written as
// =XX. Soft breaks ("=" CRLF) keep every encoded line within 76 characters (rule 5). The output
// ends without a line break; the caller ends the part.
#pragma once

#include <string>
#include <string_view>

namespace txmail::mail {

void append_quoted_printable(std::string& out, std::string_view text);

}  // namespace txmail::mail
