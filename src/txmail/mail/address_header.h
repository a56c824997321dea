// Writes mailboxes into an address header (From, To, Cc, Reply-To) as ASCII, folding between
// words: the display name as atoms, a quoted-string (RFC 5322 section 3.2.4) or RFC 2047
// encoded-words, whichever it needs, then `<local@domain>` with the domain in punycode.
// Addresses must have passed Address::validate(); nothing here fails.
#pragma once

#include <string_view>
#include <vector>

#include "txmail/mail/address.h"
#include "txmail/mail/header_folder.h"

namespace txmail::mail {

// suffix (such as the list's ",") is written right after the address, never folded away from it.
void append_address(HeaderFolder& folder, const Address& address, std::string_view suffix = "");
// Addresses separated by ", ", folding after a comma when the next one does not fit.
void append_address_list(HeaderFolder& folder, const std::vector<Address>& addresses);

}  // namespace txmail::mail
