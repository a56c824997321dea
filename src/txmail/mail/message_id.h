// Message-ID values (RFC 5322 section 3.6.4): `token@domain`, written in angle brackets.
//
// A new id is 128 random bits from OpenSSL's CSPRNG as hex, then '@' and the sender's domain in
// punycode, so ids are unique without coordination and say which domain minted them. An id the
// caller pins (Message::message_id) is checked: one '@', no spaces, brackets, line breaks, NUL or
// non-ASCII, so it cannot break the header.
#pragma once

#include <string>
#include <string_view>

#include "txmail/mail/address.h"
#include "txmail/util/error.h"

namespace txmail::mail {

Result<std::string> make_message_id(const Address& sender);
Result<void> check_message_id(std::string_view id);

}  // namespace txmail::mail
