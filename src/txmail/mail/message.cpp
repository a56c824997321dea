#include "txmail/mail/message.h"

#include <unordered_set>

#include "txmail/util/strings.h"

namespace txmail::mail {

std::vector<Address> Message::recipients() const {
    std::vector<Address> out;
    out.reserve(to.size() + cc.size() + bcc.size());
    std::unordered_set<std::string> seen;
    for (const auto* list : {&to, &cc, &bcc}) {
        for (const Address& address : *list) {
            // Domains are case-insensitive (RFC 5321 section 2.4); local parts are compared as
            // written, since only the receiving server knows whether case matters there.
            if (seen.insert(address.local + "@" + ascii_lowercase(address.domain)).second)
                out.push_back(address);
        }
    }
    return out;
}

}  // namespace txmail::mail
