#include "txmail/service/contact_store.h"

#include "txmail/service/memory_contact_store.h"
#include "txmail/service/open_beside_outbox.h"
#include "txmail/service/sqlite_contact_store.h"

namespace txmail::service {

std::string check_user_id(std::string_view id, std::string_view field) {
    const std::string name(field);
    if (id.empty())
        return name + " must not be empty";
    if (id.size() > max_user_id_length)
        return name + " is " + std::to_string(id.size()) + " bytes long; at most " +
               std::to_string(max_user_id_length) + " are allowed";
    for (const char c : id) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F)
            return name + " must not hold spaces or control characters, got \"" + std::string(id) +
                   "\"";
    }
    return {};
}

Result<std::unique_ptr<ContactStore>> open_contact_store(const std::string& database_url) {
    return open_beside_outbox<ContactStore, MemoryContactStore, SqliteContactStore>(
        database_url, "contacts and watchlists");
}

}  // namespace txmail::service
