// Writes one header field, folding long values (RFC 5322 section 2.2.3).
//
// The caller hands over the value word by word with the whitespace that precedes each word; the
// folder breaks the line before that whitespace (CRLF then the whitespace itself, so unfolding
// gives back exactly the same text) when the word would take the line past 78 columns. A word is
// never split: callers that may produce words that cannot fit (encoded-words, RFC 2231
// continuations) size them with room_on_line(). A line that still overflows is only ever a single
// word past column 78; the writer's callers make sure no word comes near 998 octets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace txmail::mail {

inline constexpr std::size_t kFoldColumn = 78;  // RFC 5322 section 2.1.1 "SHOULD"
inline constexpr std::size_t kMaxLine = 998;    // RFC 5322 section 2.1.1 "MUST"

class HeaderFolder {
  public:
    // Writes "Name:" to out.
    HeaderFolder(std::string& out, std::string_view name);

    // Appends separator (non-empty whitespace) and word, folding before the separator if needed.
    void word(std::string_view word, std::string_view separator = " ");
    // Starts a new continuation line now (the next word's separator follows the CRLF).
    void fold() {
        out_ += "\r\n";
        line_start_ = out_.size();
        has_word_ = false;
    }
    // Columns left on the current line for a word preceded by one space.
    std::size_t room_on_line() const;
    bool line_has_word() const { return has_word_; }
    // Ends the field with CRLF.
    void finish() { out_ += "\r\n"; }

  private:
    std::string& out_;
    std::size_t line_start_;
    bool has_word_ = false;  // whether the current line holds a word after the name or indent
};

// Unfolding (RFC 5322 section 2.2.3): removes every CRLF, keeping the whitespace after it.
std::string unfold(std::string_view folded);

// Splits `value` at runs of spaces and tabs and feeds each word to the folder with the whitespace
// that preceded it (a single space for the first word). The text after unfolding is the value.
void fold_words(HeaderFolder& folder, std::string_view value);

}  // namespace txmail::mail
