#include "txmail/util/loopback.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "txmail/util/strings.h"

namespace txmail {

bool is_loopback_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (iequals_ascii(host, "localhost") || iequals_ascii(host, "localhost."))
        return true;
    const std::string text(host);
    unsigned char address[16];
    if (inet_pton(AF_INET, text.c_str(), address) == 1)
        return address[0] == 127;
    if (inet_pton(AF_INET6, text.c_str(), address) == 1) {
        static constexpr unsigned char kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0, 1};
        return std::equal(address, address + 16, kLoopback6);
    }
    return false;
}

}  // namespace txmail
