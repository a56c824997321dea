// Whether a host name or address literal names this machine's loopback interface: "localhost",
// 127.0.0.0/8 and ::1 (bracketed or not). Literal text only, no name resolution: a name that
// resolves to 127.0.0.1 through DNS is not trusted to stay local. Used where plain text is
// acceptable only when nothing leaves the machine (SMTP AUTH without TLS, http:// test servers).
#pragma once

#include <string_view>

namespace txmail {

bool is_loopback_host(std::string_view host);

}  // namespace txmail
