#include "txmail/mail/attachment_part.h"

#include <algorithm>

#include "txmail/mail/body_encoding.h"
#include "txmail/mail/header_folder.h"
#include "txmail/mail/header_rules.h"
#include "txmail/mail/mime_parameter.h"
#include "txmail/util/strings.h"

namespace txmail::mail {
namespace {

// token (RFC 2045 section 5.1): printable ASCII except space and tspecials.
bool is_token(std::string_view text) {
    return !text.empty() && std::ranges::all_of(text, [](char c) {
        return c > ' ' && c < 0x7f &&
               std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
    });
}

bool is_valid_content_type(std::string_view value) {
    const std::size_t semicolon = std::min(value.find(';'), value.size());
    const std::string_view type = value.substr(0, semicolon);
    const std::size_t slash = type.find('/');
    if (slash == std::string_view::npos || !is_token(type.substr(0, slash)) ||
        !is_token(type.substr(slash + 1)))
        return false;
    return std::ranges::all_of(value.substr(semicolon),
                               [](char c) { return (c >= ' ' && c < 0x7f) || c == '\t'; });
}

}  // namespace

Result<void> check_attachment(const Attachment& attachment, std::size_t index) {
    const std::string prefix = "attachments[" + std::to_string(index) + "].";
    const std::string filename_field = prefix + "filename";
    if (auto ok = check_single_line(attachment.filename, filename_field); !ok)
        return ok;
    if (auto ok = check_utf8(attachment.filename, filename_field); !ok)
        return ok;
    const std::string_view type = attachment.content_type;
    const std::string field = prefix + "content_type";
    if (!type.empty() && !is_valid_content_type(type)) {
        return fail(Error::invalid(field, field + ": invalid content type " +
                                              printable_quoted(type) +
                                              ": expected type/subtype, such as "
                                              "application/pdf"));
    }
    // RFC 2045 section 6.4 and RFC 2046 section 5.2.1: composite types may not be base64.
    const std::string lower = ascii_lowercase(type.substr(0, type.find('/') + 1));
    if (lower == "multipart/" || lower == "message/") {
        return fail(Error::invalid(field, field + ": " + printable_quoted(type) +
                                              " cannot be an attachment: composite types may "
                                              "not be base64-encoded; use "
                                              "application/octet-stream"));
    }
    return {};
}

void append_attachment_part(std::string& out, const Attachment& attachment) {
    {
        HeaderFolder type(out, "Content-Type");
        fold_words(type, attachment.content_type.empty()
                             ? std::string_view("application/octet-stream")
                             : attachment.content_type);
        type.finish();
    }
    out += "Content-Transfer-Encoding: base64\r\n";
    HeaderFolder disposition(out, "Content-Disposition");
    if (attachment.filename.empty()) {
        disposition.word("attachment");
    } else {
        disposition.word("attachment;");
        append_filename_parameter(disposition, attachment.filename);
    }
    disposition.finish();
    out += "\r\n";
    append_base64_body(out, attachment.data);
}

}  // namespace txmail::mail
