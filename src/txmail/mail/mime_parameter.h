// The filename parameter of Content-Disposition (RFC 2183), ASCII or RFC 2231.
//
// A short printable-ASCII name goes out as `filename="name"`. Anything else (non-ASCII, control
// characters, or too long for a 78-column line) uses RFC 2231: `filename*=utf-8''%E2%82%AC.pdf`,
// split into numbered continuations (`filename*0*=`, `filename*1*=`, section 3) when it does not
// fit one line. Cuts never fall inside a %XX triplet or a UTF-8 sequence.
#pragma once

#include <string_view>

#include "txmail/mail/header_folder.h"

namespace txmail::mail {

// Writes the parameter as one or more words (separated by ";") into the folder.
void append_filename_parameter(HeaderFolder& folder, std::string_view utf8_filename);

}  // namespace txmail::mail
