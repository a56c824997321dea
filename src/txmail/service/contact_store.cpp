#include "txmail/service/contact_store.h"

#include <algorithm>

#include "txmail/service/memory_contact_store.h"
#include "txmail/service/open_beside_outbox.h"
#include "txmail/service/sqlite_contact_store.h"
#include "txmail/util/strings.h"

namespace txmail::service {

std::string check_user_id(std::string_view id, std::string_view field) {
    const std::string name(field);
    if (id.empty())
        return name + " must not be empty";
    if (id.size() > max_user_id_length)
        return name + " is " + std::to_string(id.size()) + " bytes long; at most " +
               std::to_string(max_user_id_length) + " are allowed";
    if (std::ranges::any_of(id, [](char c) { return c == ' ' || is_ascii_control(c); }))
        return name + " must not hold spaces or control characters, got " +
               printable_quoted(id, max_user_id_length);
    return {};
}

Result<std::unique_ptr<ContactStore>> open_contact_store(const std::string& database_url) {
    return open_beside_outbox<ContactStore, MemoryContactStore, SqliteContactStore>(
        database_url, "contacts and watchlists");
}

}  // namespace txmail::service
