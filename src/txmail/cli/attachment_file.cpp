#include "txmail/cli/attachment_file.h"

#include <array>
#include <utility>

#include "txmail/cli/context.h"
#include "txmail/util/strings.h"

namespace txmail::cli {
namespace {

// message/rfc822 is left out on purpose: RFC 2046 section 5.2.1 forbids base64 for it, and an
// attachment may be encoded either way.
constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kContentTypes = {{
    {".pdf", "application/pdf"},
    {".txt", "text/plain"},
    {".csv", "text/csv"},
    {".html", "text/html"},
    {".htm", "text/html"},
    {".ics", "text/calendar"},
    {".md", "text/markdown"},
    {".json", "application/json"},
    {".xml", "application/xml"},
    {".zip", "application/zip"},
    {".gz", "application/gzip"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".svg", "image/svg+xml"},
    {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {".xls", "application/vnd.ms-excel"},
}};

}  // namespace

std::string_view content_type_for(const std::filesystem::path& path) {
    std::string extension = ascii_lowercase(path.extension().string());
    for (auto [known, type] : kContentTypes)
        if (extension == known)
            return type;
    return "application/octet-stream";
}

Result<mail::Attachment> read_attachment(const std::filesystem::path& path,
                                         std::string_view option) {
    auto data = read_input_file(path, option);
    if (!data)
        return fail(data.error());
    return mail::Attachment{path.filename().string(), std::string(content_type_for(path)),
                            std::move(*data)};
}

}  // namespace txmail::cli
