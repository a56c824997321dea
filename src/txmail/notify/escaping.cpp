#include "txmail/notify/escaping.h"

#include "txmail/notify/display_format.h"

namespace txmail::notify {
namespace {

std::string keep_as_is(const std::string& text) {
    return text;
}

std::string escape_one_line(const std::string& text) {
    return one_line(text, text.size());
}

}  // namespace

// &#39; rather than kainjow's &apos;, which HTML 4 mail clients do not know.
std::string escape_html(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Escape escape_for(Part part) {
    switch (part) {
        case Part::subject:
        case Part::preheader:
            return escape_one_line;
        case Part::text_body:
            return keep_as_is;
        case Part::html_body:
            return escape_html;
    }
    return escape_html;
}

}  // namespace txmail::notify
