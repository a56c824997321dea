#include "txmail/service/contact_store.h"

#include "txmail/service/memory_contact_store.h"
#include "txmail/service/open_beside_outbox.h"
#include "txmail/service/sqlite_contact_store.h"

namespace txmail::service {

Result<std::unique_ptr<ContactStore>> open_contact_store(const std::string& database_url) {
    return open_beside_outbox<ContactStore, MemoryContactStore, SqliteContactStore>(
        database_url, "contacts and watchlists");
}

}  // namespace txmail::service
