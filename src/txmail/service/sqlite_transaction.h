// One BEGIN IMMEDIATE ... COMMIT around `body` on a service table in the outbox's SQLite file:
// IMMEDIATE takes the write lock up front, so a read-check-write body cannot be overtaken by
// another connection (another thread's store, or another txmail process). A failed body or
// commit rolls back and its error comes back unchanged.
#pragma once

#include <functional>

#include "txmail/outbox/sqlite/connection.h"

namespace txmail::service {

Result<void> immediate_transaction(outbox::sqlite::Connection& connection,
                                   const std::function<Result<void>()>& body);

}  // namespace txmail::service
