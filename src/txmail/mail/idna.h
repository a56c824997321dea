// Unicode domain names to their ASCII form (IDNA 2008, UTS #46 non-transitional, via libidn2) for
// the SMTP envelope and Message-ID, where only ASCII may appear without SMTPUTF8.
//
// ASCII domains come back unchanged without calling libidn2. A domain libidn2 refuses (disallowed
// code points, a label too long) is an error naming the field and the domain.
#pragma once

#include <string>
#include <string_view>

#include "txmail/util/error.h"

namespace txmail::mail {

Result<std::string> domain_to_ascii(std::string_view domain, std::string_view field);

}  // namespace txmail::mail
