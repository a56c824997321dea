// How a value is written into each part of a notification (see renderer.h): HTML-escaped in the
// HTML body, made one line in the subject and preheader (so data cannot add a header line), as it
// is in the text body.
#pragma once

#include <string>

#include "txmail/notify/template_set.h"

namespace txmail::notify {

std::string escape_html(const std::string& text);
Escape escape_for(Part part);

}  // namespace txmail::notify
