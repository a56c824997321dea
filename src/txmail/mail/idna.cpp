#include "txmail/mail/idna.h"

#include <idn2.h>

#include <algorithm>

#include "txmail/util/strings.h"

namespace txmail::mail {

Result<std::string> domain_to_ascii(std::string_view domain, std::string_view field) {
    if (std::ranges::all_of(domain, [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return std::string(domain);
    const std::string input(domain);  // libidn2 wants a NUL-terminated string
    char* output = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
        return fail(Error::invalid(std::string(field),
                                   std::string(field) + ": domain " + printable_quoted(domain) +
                                       " cannot be converted to ASCII: " + idn2_strerror(rc)));
    }
    std::string ascii(output);
    idn2_free(output);
    return ascii;
}

}  // namespace txmail::mail
