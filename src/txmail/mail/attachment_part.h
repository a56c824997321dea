// One attachment as a MIME body part: its checks and its bytes on the wire.
//
// The content type must be `type/subtype` (RFC 2045 section 5.1 tokens), optionally followed by
// `; parameters` in printable ASCII; empty means application/octet-stream. multipart/* and
// message/* are refused: composite types may not be base64 (RFC 2045 section 6.4, RFC 2046
// section 5.2.1). The filename is UTF-8 on one line and goes into Content-Disposition (RFC 2183)
// per mime_parameter.h. The body is always base64, so the recipient gets exactly the bytes given,
// whatever they are.
#pragma once

#include <cstddef>
#include <string>

#include "txmail/mail/message.h"
#include "txmail/util/error.h"

namespace txmail::mail {

// index: the attachment's position, for the field name in errors ("attachments[2].filename").
Result<void> check_attachment(const Attachment& attachment, std::size_t index);
// Appends the part's headers, a blank line and the base64 body (no final line break).
void append_attachment_part(std::string& out, const Attachment& attachment);

}  // namespace txmail::mail
