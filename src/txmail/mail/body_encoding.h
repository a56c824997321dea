// Content-Transfer-Encoding of a body part (RFC 2045 section 6), chosen from what the content
// needs, and the writers for each.
//
// Text bodies: 7bit when they are ASCII without NUL or other controls and no line is longer than
// 998 octets (RFC 5322 section 2.1.1); otherwise quoted-printable or base64, whichever comes out
// shorter (quoted-printable for mostly-ASCII text, base64 when most bytes would need escaping).
// Text line breaks of any kind (CRLF, CR, LF) are written as CRLF. Attachments are always base64,
// so their bytes arrive exactly as given. Writers end without a line break; the caller ends the
// part.
#pragma once

#include <string>
#include <string_view>

namespace txmail::mail {

enum class TransferEncoding { seven_bit, quoted_printable, base64 };

std::string_view to_string(TransferEncoding encoding);  // "7bit", "quoted-printable", "base64"

TransferEncoding choose_text_encoding(std::string_view text);

// Appends a text body in `encoding`, its line breaks made CRLF first (the canonical form RFC 2045
// section 6.8 asks for before base64, too).
void append_text_body(std::string& out, std::string_view text, TransferEncoding encoding);
// Appends bytes as base64 in lines of 76 characters.
void append_base64_body(std::string& out, std::string_view bytes);

}  // namespace txmail::mail
