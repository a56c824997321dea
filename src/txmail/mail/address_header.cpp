#include "txmail/mail/address_header.h"

#include <string>

#include "txmail/mail/address_syntax.h"
#include "txmail/mail/encoded_word.h"
#include "txmail/mail/idna.h"

namespace txmail::mail {

void append_address(HeaderFolder& folder, const Address& address, std::string_view suffix) {
    const std::string_view name = address.display_name;
    std::string angle_addr;
    if (!name.empty()) {
        if (needs_encoded_words(name, kFoldColumn - 3)) {
            append_encoded_words(folder, name);
        } else if (is_plain_phrase(name, false)) {
            fold_words(folder, name);
        } else {
            fold_words(folder, quote_string(name));
        }
        angle_addr += '<';
    }
    angle_addr += address.local;
    angle_addr += '@';
    auto domain = domain_to_ascii(address.domain, "address");
    angle_addr += domain ? *domain : address.domain;
    if (!name.empty())
        angle_addr += '>';
    angle_addr += suffix;
    folder.word(angle_addr);
}

void append_address_list(HeaderFolder& folder, const std::vector<Address>& addresses) {
    for (std::size_t i = 0; i < addresses.size(); ++i)
        append_address(folder, addresses[i], i + 1 < addresses.size() ? "," : "");
}

}  // namespace txmail::mail
