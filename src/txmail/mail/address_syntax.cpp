#include "txmail/mail/address_syntax.h"

namespace txmail::mail {

std::string quote_string(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

bool is_plain_phrase(std::string_view name, bool allow_utf8) {
    // '.' is not atext: "John Q. Public" is obsolete syntax (section 4.1) and gets quoted.
    bool previous_space = true;  // also refuses a leading space
    for (unsigned char c : name) {
        if (c == ' ') {
            if (previous_space)
                return false;
            previous_space = true;
        } else if (c < 0x80 ? is_atext(c) : allow_utf8) {
            previous_space = false;
        } else {
            return false;
        }
    }
    return !previous_space;
}

}  // namespace txmail::mail
