#include "txmail/service/contact_store.h"

#include "txmail/outbox/database_url.h"
#include "txmail/service/memory_contact_store.h"
#include "txmail/service/sqlite_contact_store.h"

namespace txmail::service {

Result<std::unique_ptr<ContactStore>> open_contact_store(const std::string& database_url) {
    auto url = outbox::parse_database_url(database_url);
    if (!url)
        return fail(url.error());
    switch (url->kind) {
        case outbox::DatabaseUrl::Kind::memory:
            return std::make_unique<MemoryContactStore>();
        case outbox::DatabaseUrl::Kind::sqlite: {
            auto store = SqliteContactStore::open(url->path);
            if (!store)
                return fail(store.error());
            return std::unique_ptr<ContactStore>(std::move(*store));
        }
        case outbox::DatabaseUrl::Kind::postgresql:
            break;
    }
    return fail(Error::config("TXMAIL_DATABASE_URL",
                              "contacts and watchlists are stored in SQLite only for now; "
                              "TXMAIL_DATABASE_URL names a PostgreSQL database"));
}

}  // namespace txmail::service
