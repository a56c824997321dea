// RFC 2047 encoded-words for non-ASCII header text (Subject, display names, extra headers).
//
// Text is UTF-8 (validated by the caller). It is cut into `=?utf-8?q?...?=` or `=?utf-8?b?...?=`
// words of at most 75 characters (section 2) at character boundaries, so no word holds part of a
// UTF-8 sequence (section 5: each encoded-word must be self-contained). Q or B is chosen once for
// the whole text, whichever is shorter. Q uses only the characters section 5 (3) allows in a
// phrase, so the same words are valid in Subject and in a display name. Whitespace between
// adjacent encoded-words is not part of the text (section 6.2), so all of the text's own spaces are
// encoded inside the words.
#pragma once

#include <cstddef>
#include <string_view>

#include "txmail/mail/header_folder.h"

namespace txmail::mail {

// True when unstructured text cannot go out as it is: control characters or non-ASCII, something a
// reader would take for an encoded-word ("=?"), leading or trailing whitespace (readers trim it),
// or a word too long to fold at 78 columns. first_room: the columns left after "Name: ".
bool needs_encoded_words(std::string_view text, std::size_t first_room);

// Appends the text as encoded-words, each sized to the room left on its line.
void append_encoded_words(HeaderFolder& folder, std::string_view utf8);

}  // namespace txmail::mail
