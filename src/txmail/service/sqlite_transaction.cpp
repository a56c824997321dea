#include "txmail/service/sqlite_transaction.h"

namespace txmail::service {

Result<void> immediate_transaction(outbox::sqlite::Connection& connection,
                                   const std::function<Result<void>()>& body) {
    if (auto begun = connection.execute("BEGIN IMMEDIATE"); !begun)
        return begun;
    if (auto done = body(); !done) {
        (void)connection.execute("ROLLBACK");
        return done;
    }
    if (auto committed = connection.execute("COMMIT"); !committed) {
        (void)connection.execute("ROLLBACK");
        return committed;
    }
    return {};
}

}  // namespace txmail::service
