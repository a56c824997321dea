#include "txmail/service/sqlite_contact_store.h"

#include "txmail/outbox/lifecycle.h"

namespace txmail::service {
namespace {

constexpr std::string_view contact_columns =
    "id, email, name, stripe_customer_id, created_at, updated_at";

Contact read_contact(const outbox::sqlite::Statement& row) {
    return Contact{row.text(0),
                   row.text(1),
                   row.text(2),
                   row.optional_text(3),
                   outbox::from_unix_ms(row.integer(4)),
                   outbox::from_unix_ms(row.integer(5))};
}

}  // namespace

Result<std::unique_ptr<SqliteContactStore>> SqliteContactStore::open(
    const std::filesystem::path& path) {
    auto connection = outbox::sqlite::Connection::open(path);
    if (!connection)
        return fail(connection.error());
    return std::unique_ptr<SqliteContactStore>(new SqliteContactStore(std::move(*connection)));
}

Result<void> SqliteContactStore::transaction(const std::function<Result<void>()>& body) {
    if (auto begun = connection_->execute("BEGIN IMMEDIATE"); !begun)
        return begun;
    if (auto done = body(); !done) {
        (void)connection_->execute("ROLLBACK");
        return done;
    }
    if (auto committed = connection_->execute("COMMIT"); !committed) {
        (void)connection_->execute("ROLLBACK");
        return committed;
    }
    return {};
}

Result<bool> SqliteContactStore::upsert(const Contact& contact) {
    std::lock_guard lock(mutex_);
    bool created = false;
    auto done = transaction([&]() -> Result<void> {
        if (contact.stripe_customer_id) {
            auto owner = connection_->prepare(
                "SELECT id FROM users WHERE stripe_customer_id = ?1 AND id <> ?2");
            if (!owner)
                return fail(owner.error());
            auto row = owner->bind(1, *contact.stripe_customer_id).bind(2, contact.id).step();
            if (!row)
                return fail(row.error());
            if (*row)
                return fail(Error::invalid("stripe_customer_id",
                                           "stripe_customer_id " + *contact.stripe_customer_id +
                                               " already belongs to user " + owner->text(0)));
        }
        auto upsert = connection_->prepare(
            "INSERT INTO users (id, email, name, stripe_customer_id, created_at, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (id) DO UPDATE SET email = ?2, "
            "name = ?3, stripe_customer_id = ?4, updated_at = ?5");
        if (!upsert)
            return fail(upsert.error());
        auto exists = connection_->prepare("SELECT 1 FROM users WHERE id = ?1");
        if (!exists)
            return fail(exists.error());
        auto seen = exists->bind(1, contact.id).step();
        if (!seen)
            return fail(seen.error());
        created = !*seen;
        return upsert->bind(1, contact.id)
            .bind(2, contact.email)
            .bind(3, contact.name)
            .bind_optional(4, contact.stripe_customer_id)
            .bind(5, outbox::to_unix_ms(std::chrono::system_clock::now()))
            .run();
    });
    if (!done)
        return fail(done.error());
    return created;
}

Result<std::optional<Contact>> SqliteContactStore::get(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto query = connection_->prepare("SELECT " + std::string(contact_columns) +
                                      " FROM users WHERE id = ?1");
    if (!query)
        return fail(query.error());
    auto row = query->bind(1, id).step();
    if (!row)
        return fail(row.error());
    if (!*row)
        return std::optional<Contact>{};
    return read_contact(*query);
}

Result<bool> SqliteContactStore::remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto statement = connection_->prepare("DELETE FROM users WHERE id = ?1");
    if (!statement)
        return fail(statement.error());
    if (auto done = statement->bind(1, id).run(); !done)
        return fail(done.error());
    return connection_->changes() > 0;
}

Result<void> SqliteContactStore::set_watchlist(const std::string& user_id,
                                               const std::vector<std::string>& tickers) {
    std::lock_guard lock(mutex_);
    return transaction([&]() -> Result<void> {
        auto exists = connection_->prepare("SELECT 1 FROM users WHERE id = ?1");
        if (!exists)
            return fail(exists.error());
        auto seen = exists->bind(1, user_id).step();
        if (!seen)
            return fail(seen.error());
        if (!*seen)
            return fail(Error::invalid("user_id", "no user with id " + user_id));
        auto clear = connection_->prepare("DELETE FROM watchlist WHERE user_id = ?1");
        if (!clear)
            return fail(clear.error());
        if (auto done = clear->bind(1, user_id).run(); !done)
            return done;
        for (const std::string& ticker : tickers) {
            auto insert = connection_->prepare(
                "INSERT OR IGNORE INTO watchlist (user_id, ticker) VALUES (?1, ?2)");
            if (!insert)
                return fail(insert.error());
            if (auto done = insert->bind(1, user_id).bind(2, ticker).run(); !done)
                return done;
        }
        return {};
    });
}

Result<std::vector<std::string>> SqliteContactStore::watchlist(const std::string& user_id) {
    std::lock_guard lock(mutex_);
    auto query =
        connection_->prepare("SELECT ticker FROM watchlist WHERE user_id = ?1 ORDER BY ticker");
    if (!query)
        return fail(query.error());
    query->bind(1, user_id);
    std::vector<std::string> tickers;
    while (true) {
        auto row = query->step();
        if (!row)
            return fail(row.error());
        if (!*row)
            return tickers;
        tickers.push_back(query->text(0));
    }
}

Result<std::vector<Contact>> SqliteContactStore::watchers(const std::string& ticker) {
    std::lock_guard lock(mutex_);
    auto query = connection_->prepare(
        "SELECT u.id, u.email, u.name, u.stripe_customer_id, u.created_at, u.updated_at "
        "FROM watchlist w JOIN users u ON u.id = w.user_id WHERE w.ticker = ?1 ORDER BY u.id");
    if (!query)
        return fail(query.error());
    query->bind(1, ticker);
    std::vector<Contact> found;
    while (true) {
        auto row = query->step();
        if (!row)
            return fail(row.error());
        if (!*row)
            return found;
        found.push_back(read_contact(*query));
    }
}

Result<void> SqliteContactStore::ping() {
    std::lock_guard lock(mutex_);
    auto query = connection_->prepare("SELECT count(*) FROM users WHERE 0");
    if (!query)
        return fail(query.error());
    auto row = query->step();
    if (!row)
        return fail(row.error());
    return {};
}

}  // namespace txmail::service
