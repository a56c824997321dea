#include "txmail/service/sqlite_contact_store.h"

#include "txmail/outbox/lifecycle.h"
#include "txmail/outbox/sqlite/rows.h"

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

// The error when customer_id belongs to a contact other than user_id.
Result<void> customer_free_for(outbox::sqlite::Connection& connection,
                               const std::string& customer_id, const std::string& user_id) {
    auto owner =
        connection.prepare("SELECT id FROM users WHERE stripe_customer_id = ?1 AND id <> ?2");
    if (!owner)
        return fail(owner.error());
    auto row = owner->bind(1, customer_id).bind(2, user_id).step();
    if (!row)
        return fail(row.error());
    if (*row)
        return fail(Error::invalid(
            "stripe_customer_id",
            "stripe_customer_id " + customer_id + " already belongs to user " + owner->text(0)));
    return {};
}

Result<bool> user_exists(outbox::sqlite::Connection& connection, const std::string& id) {
    auto exists = connection.prepare("SELECT 1 FROM users WHERE id = ?1");
    if (!exists)
        return fail(exists.error());
    return exists->bind(1, id).step();
}

}  // namespace

Result<std::unique_ptr<SqliteContactStore>> SqliteContactStore::open(
    const std::filesystem::path& path) {
    auto file = outbox::sqlite::open_store_file(path);
    if (!file)
        return fail(file.error());
    return std::unique_ptr<SqliteContactStore>(new SqliteContactStore(std::move(*file)));
}

Result<void> SqliteContactStore::write(const outbox::sqlite::GroupCommit::Work& work) {
    return writer_->commits.run(work);
}

Result<bool> SqliteContactStore::upsert(const Contact& contact) {
    bool created = false;
    auto done = write([&](outbox::sqlite::Connection& connection) -> Result<void> {
        if (contact.stripe_customer_id)
            if (auto free = customer_free_for(connection, *contact.stripe_customer_id, contact.id);
                !free)
                return free;
        auto exists = user_exists(connection, contact.id);
        if (!exists)
            return fail(exists.error());
        created = !*exists;
        auto upsert = connection.prepare(
            "INSERT INTO users (id, email, name, stripe_customer_id, created_at, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (id) DO UPDATE SET email = ?2, "
            "name = ?3, stripe_customer_id = ?4, updated_at = ?5");
        if (!upsert)
            return fail(upsert.error());
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

Result<std::optional<Contact>> SqliteContactStore::first_where(std::string_view condition,
                                                               const std::string& value) {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare("SELECT " + std::string(contact_columns) + " FROM users WHERE " +
                                  std::string(condition) + " ORDER BY id LIMIT 1");
    if (!query)
        return fail(query.error());
    query->bind(1, value);
    return outbox::sqlite::first_row<Contact>(*query, read_contact);
}

Result<std::optional<Contact>> SqliteContactStore::get(const std::string& id) {
    return first_where("id = ?1", id);
}

Result<std::optional<Contact>> SqliteContactStore::by_stripe_customer(
    const std::string& customer_id) {
    return first_where("stripe_customer_id = ?1", customer_id);
}

// SQLite's lower() folds ASCII only, as iequals_ascii does in the memory store.
Result<std::optional<Contact>> SqliteContactStore::by_email(const std::string& email) {
    return first_where("lower(email) = lower(?1)", email);
}

Result<void> SqliteContactStore::link_stripe_customer(const std::string& user_id,
                                                      const std::string& customer_id) {
    return write([&](outbox::sqlite::Connection& connection) -> Result<void> {
        if (auto free = customer_free_for(connection, customer_id, user_id); !free)
            return free;
        auto link = connection.prepare(
            "UPDATE users SET stripe_customer_id = ?2, updated_at = ?3 WHERE id = ?1");
        if (!link)
            return fail(link.error());
        if (auto done = link->bind(1, user_id)
                            .bind(2, customer_id)
                            .bind(3, outbox::to_unix_ms(std::chrono::system_clock::now()))
                            .run();
            !done)
            return done;
        if (connection.changes() == 0)
            return fail(Error::invalid("user_id", "no user with id " + user_id));
        return {};
    });
}

Result<bool> SqliteContactStore::remove(const std::string& id) {
    return outbox::sqlite::changed_any(
        writer_->commits,
        [&](outbox::sqlite::Connection& connection) -> Result<void> {
            auto statement = connection.prepare("DELETE FROM users WHERE id = ?1");
            if (!statement)
                return fail(statement.error());
            return statement->bind(1, id).run();
        },
        outbox::sqlite::GroupCommit::Await::durable);
}

Result<void> SqliteContactStore::set_watchlist(const std::string& user_id,
                                               const std::vector<std::string>& tickers) {
    return write([&](outbox::sqlite::Connection& connection) -> Result<void> {
        auto exists = user_exists(connection, user_id);
        if (!exists)
            return fail(exists.error());
        if (!*exists)
            return fail(Error::invalid("user_id", "no user with id " + user_id));
        auto clear = connection.prepare("DELETE FROM watchlist WHERE user_id = ?1");
        if (!clear)
            return fail(clear.error());
        if (auto done = clear->bind(1, user_id).run(); !done)
            return done;
        for (const std::string& ticker : tickers) {
            auto insert = connection.prepare(
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
    std::lock_guard lock(reader_mutex_);
    auto query =
        reader_->prepare("SELECT ticker FROM watchlist WHERE user_id = ?1 ORDER BY ticker");
    if (!query)
        return fail(query.error());
    query->bind(1, user_id);
    return outbox::sqlite::all_rows<std::string>(
        *query, [](const outbox::sqlite::Statement& row) { return row.text(0); });
}

Result<std::vector<Contact>> SqliteContactStore::watchers(const std::string& ticker) {
    std::lock_guard lock(reader_mutex_);
    auto query = reader_->prepare(
        "SELECT u.id, u.email, u.name, u.stripe_customer_id, u.created_at, u.updated_at "
        "FROM watchlist w JOIN users u ON u.id = w.user_id WHERE w.ticker = ?1 ORDER BY u.id");
    if (!query)
        return fail(query.error());
    query->bind(1, ticker);
    return outbox::sqlite::all_rows<Contact>(*query, read_contact);
}

Result<void> SqliteContactStore::ping() {
    std::lock_guard lock(reader_mutex_);
    return reader_->probe("users");
}

}  // namespace txmail::service
