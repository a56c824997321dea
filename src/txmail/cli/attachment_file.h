// A file named on the command line (`txmail send --attach FILE`) as a mail::Attachment: its bytes,
// its file name, and a content type guessed from the extension (a short table of the types
// transactional mail carries; anything else is application/octet-stream, which is always safe).
// An unreadable file is an error naming the option and the path.
#pragma once

#include <filesystem>
#include <string_view>

#include "txmail/mail/message.h"
#include "txmail/util/error.h"

namespace txmail::cli {

std::string_view content_type_for(const std::filesystem::path& path);
Result<mail::Attachment> read_attachment(const std::filesystem::path& path,
                                         std::string_view option = "--attach");

}  // namespace txmail::cli
