#include "txmail/config/dotenv.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace txmail::config {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool is_name_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) {
    return is_name_start(c) || (c >= '0' && c <= '9');
}

// The escapes python-dotenv decodes in double-quoted values; others keep their backslash.
std::optional<char> double_quote_escape(char c) {
    switch (c) {
        case 'n':
            return '\n';
        case 't':
            return '\t';
        case 'r':
            return '\r';
        case 'a':
            return '\a';
        case 'b':
            return '\b';
        case 'f':
            return '\f';
        case 'v':
            return '\v';
        case '"':
        case '\'':
        case '\\':
            return c;
        default:
            return std::nullopt;
    }
}

class Parser {
  public:
    Parser(std::string_view text, std::string_view file_name) : text_(text), file_(file_name) {
        if (text_.starts_with("\xEF\xBB\xBF"))  // a UTF-8 byte order mark from some editors
            pos_ = 3;
    }

    Result<std::vector<DotenvEntry>> parse() {
        std::vector<DotenvEntry> entries;
        while (true) {
            skip_blanks();
            if (at_end())
                return entries;
            if (peek() == '#') {
                skip_to_line_end();
                continue;
            }
            if (peek() == '\n' || peek() == '\r') {
                skip_line_break();
                continue;
            }
            auto entry = parse_entry();
            if (!entry)
                return fail(entry.error());
            entries.push_back(std::move(*entry));
        }
    }

  private:
    Result<DotenvEntry> parse_entry() {
        DotenvEntry entry{.line = line_};
        if (rest().starts_with("export") && rest().size() > 6 && is_blank(rest()[6])) {
            pos_ += 6;
            skip_blanks();
        }
        if (at_end() || !is_name_start(peek()))
            return error("expected a name (letters, digits and _, not starting with a digit)");
        while (!at_end() && is_name_char(peek()))
            entry.name += text_[pos_++];
        skip_blanks();
        if (at_end() || peek() != '=') {
            if (at_end() || peek() == '\n' || peek() == '\r')
                return error("expected KEY=value, found no '='");
            return error("expected '=' after the name (names are letters, digits and _)");
        }
        ++pos_;
        skip_blanks();
        Result<std::string> value;
        if (!at_end() && peek() == '\'')
            value = single_quoted();
        else if (!at_end() && peek() == '"')
            value = double_quoted();
        else
            value = unquoted();
        if (!value)
            return fail(value.error());
        entry.value = std::move(*value);
        return entry;
    }

    std::string unquoted() {
        std::size_t start = pos_;
        skip_to_line_end();
        std::string_view raw = text_.substr(start, pos_ - start);
        // `#` starts a comment only after whitespace, so `pa#ss` stays a value.
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '#' && (i == 0 || is_blank(raw[i - 1]))) {
                raw = raw.substr(0, i);
                break;
            }
        }
        while (!raw.empty() && (is_blank(raw.back()) || raw.back() == '\r'))
            raw.remove_suffix(1);
        return std::string(raw);
    }

    Result<std::string> single_quoted() {
        int start_line = line_;
        ++pos_;
        std::string value;
        while (!at_end() && peek() != '\'')
            value += take();
        if (at_end())
            return error_at(start_line, "unterminated single-quoted value");
        ++pos_;
        return after_closing_quote(std::move(value));
    }

    Result<std::string> double_quoted() {
        int start_line = line_;
        ++pos_;
        std::string value;
        while (!at_end() && peek() != '"') {
            char c = take();
            if (c == '\\' && !at_end()) {
                if (auto decoded = double_quote_escape(peek())) {
                    value += *decoded;
                    ++pos_;
                    continue;
                }
            }
            value += c;
        }
        if (at_end())
            return error_at(start_line, "unterminated double-quoted value");
        ++pos_;
        return after_closing_quote(std::move(value));
    }

    // Only blanks and a comment may follow a closing quote on its line.
    Result<std::string> after_closing_quote(std::string value) {
        skip_blanks();
        if (!at_end() && peek() == '#')
            skip_to_line_end();
        if (!at_end() && peek() == '\r')
            ++pos_;
        if (!at_end() && peek() != '\n')
            return error("unexpected text after the closing quote");
        return value;
    }

    std::unexpected<Error> error(std::string_view what) const { return error_at(line_, what); }
    std::unexpected<Error> error_at(int line, std::string_view what) const {
        return fail(Error::config(
            std::string(file_),
            std::string(file_) + " line " + std::to_string(line) + ": " + std::string(what)));
    }

    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }
    std::string_view rest() const { return text_.substr(pos_); }
    char take() {
        char c = text_[pos_++];
        if (c == '\n')
            ++line_;
        return c;
    }
    void skip_blanks() {
        while (!at_end() && is_blank(peek()))
            ++pos_;
    }
    void skip_to_line_end() {
        while (!at_end() && peek() != '\n')
            ++pos_;
    }
    void skip_line_break() {
        if (peek() == '\r')
            ++pos_;
        if (!at_end() && peek() == '\n')
            take();
    }

    std::string_view text_;
    std::string_view file_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

}  // namespace

Result<std::vector<DotenvEntry>> parse_dotenv(std::string_view text, std::string_view file_name) {
    return Parser(text, file_name).parse();
}

Result<std::vector<DotenvEntry>> read_dotenv(const std::filesystem::path& path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (status.type() == std::filesystem::file_type::not_found)
        return std::vector<DotenvEntry>{};
    if (std::filesystem::is_directory(status))
        return fail(
            Error::config(path.string(), path.string() + " is a directory, not a .env file"));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(Error::config(path.string(),
                                  "cannot read " + path.string() + ": " + std::strerror(errno)));
    std::ostringstream content;
    content << in.rdbuf();
    return parse_dotenv(content.str(), path.string());
}

}  // namespace txmail::config
