// Opens a service store (contacts, the Stripe webhook ledger) beside the outbox named by
// TXMAIL_DATABASE_URL: memory:// -> the memory implementation, sqlite -> the SQLite one on the
// same file (already migrated by outbox::open_store). PostgreSQL is not supported for these yet:
// a config error naming TXMAIL_DATABASE_URL and saying what (`what`) lives in SQLite only.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "txmail/outbox/database_url.h"
#include "txmail/util/error.h"

namespace txmail::service {

template <class Interface, class Memory, class Sqlite>
Result<std::unique_ptr<Interface>> open_beside_outbox(const std::string& database_url,
                                                      std::string_view what) {
    auto url = outbox::parse_database_url(database_url);
    if (!url)
        return fail(url.error());
    switch (url->kind) {
        case outbox::DatabaseUrl::Kind::memory:
            return std::unique_ptr<Interface>(std::make_unique<Memory>());
        case outbox::DatabaseUrl::Kind::sqlite: {
            auto store = Sqlite::open(url->path);
            if (!store)
                return fail(store.error());
            return std::unique_ptr<Interface>(std::move(*store));
        }
        case outbox::DatabaseUrl::Kind::postgresql:
            break;
    }
    return fail(Error::config("TXMAIL_DATABASE_URL",
                              std::string(what) +
                                  " are stored in SQLite only for now; "
                                  "TXMAIL_DATABASE_URL names a PostgreSQL database"));
}

}  // namespace txmail::service
