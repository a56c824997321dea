#include "txmail/mail/message_id.h"

#include <algorithm>

#include "txmail/mail/idna.h"
#include "txmail/util/random.h"
#include "txmail/util/strings.h"

namespace txmail::mail {

Result<std::string> make_message_id(const Address& sender) {
    auto domain = domain_to_ascii(sender.domain, "from");
    if (!domain)
        return fail(domain.error());
    std::string id = random_token(16);
    id += '@';
    id += *domain;
    return id;
}

Result<void> check_message_id(std::string_view id) {
    const std::size_t at = id.find('@');
    const bool ok = at != std::string_view::npos && at > 0 && at + 1 < id.size() &&
                    id.find('@', at + 1) == std::string_view::npos && id.size() <= 900 &&
                    std::ranges::all_of(id, [](char c) {
                        return c > ' ' && c < 0x7f && c != '<' && c != '>' && c != '"' && c != '\\';
                    });
    if (ok)
        return {};
    return fail(Error::invalid("message_id", "message_id: invalid " + printable_quoted(id) +
                                                 ": expected left@right in printable ASCII, "
                                                 "without angle brackets, quotes or spaces"));
}

}  // namespace txmail::mail
