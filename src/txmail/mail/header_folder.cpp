#include "txmail/mail/header_folder.h"

namespace txmail::mail {

HeaderFolder::HeaderFolder(std::string& out, std::string_view name) : out_(out) {
    line_start_ = out_.size();
    out_ += name;
    out_ += ':';
}

std::size_t HeaderFolder::room_on_line() const {
    const std::size_t used = out_.size() - line_start_ + 1;
    return used >= kFoldColumn ? 0 : kFoldColumn - used;
}

void HeaderFolder::word(std::string_view word, std::string_view separator) {
    if (has_word_ && out_.size() - line_start_ + separator.size() + word.size() > kFoldColumn)
        fold();
    out_ += separator;
    out_ += word;
    has_word_ = true;
}

std::string unfold(std::string_view folded) {
    std::string out;
    out.reserve(folded.size());
    for (std::size_t i = 0; i < folded.size(); ++i) {
        if (folded[i] == '\r' && i + 1 < folded.size() && folded[i + 1] == '\n')
            ++i;
        else
            out += folded[i];
    }
    return out;
}

void fold_words(HeaderFolder& folder, std::string_view value) {
    constexpr std::string_view kWsp = " \t";
    std::size_t pos = value.find_first_not_of(kWsp);
    bool first = true;
    while (pos != std::string_view::npos) {
        const std::size_t ws_start = first ? pos : value.find_last_not_of(kWsp, pos - 1) + 1;
        std::size_t end = value.find_first_of(kWsp, pos);
        if (end == std::string_view::npos)
            end = value.size();
        folder.word(value.substr(pos, end - pos),
                    first ? std::string_view(" ") : value.substr(ws_start, pos - ws_start));
        first = false;
        pos = value.find_first_not_of(kWsp, end);
    }
}

}  // namespace txmail::mail
