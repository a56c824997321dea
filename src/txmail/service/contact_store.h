// Contacts (the app's users, as txmail needs them to address mail) and their ticker watchlists,
// so the app can say "user 7 registered" or "AAPL changed view" and txmail knows whom to write to.
//
// Contract shared by every implementation (tests/unit/test_service_contact_store.cpp):
// upsert() replaces a contact's email, name and Stripe customer id, keeping created_at; remove()
// drops the contact and its watchlist; set_watchlist() replaces the whole list (symbols are
// already validated and upper-cased by the caller); watchers() lists the contacts following a
// ticker, ordered by id. Two contacts cannot share a Stripe customer id (an error naming
// stripe_customer_id). For the Stripe webhook receiver: by_stripe_customer() finds the contact
// linked to a customer; by_email() compares ASCII case-insensitively (Stripe keeps the address as
// typed at checkout) and, emails not being unique, returns the lowest id; link_stripe_customer()
// sets one contact's customer id (errors name user_id for an unknown contact, stripe_customer_id
// when another contact holds it). Implementations: sqlite (the outbox's file), memory (tests).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "txmail/util/error.h"

namespace txmail::service {

// A user id as the API takes it: the app's own key (a number, a UUID, a slug), 1 - 128 bytes
// without whitespace or control characters. It goes into every fan-out's idempotency keys, log
// lines and URLs, where a blank, a newline or 5,000 bytes would do harm.
inline constexpr std::size_t max_user_id_length = 128;
// Empty when `id` is one; else why not, naming `field`.
std::string check_user_id(std::string_view id, std::string_view field);

struct Contact {
    std::string id;
    std::string email;
    std::string name;
    std::optional<std::string> stripe_customer_id;
    std::chrono::system_clock::time_point created_at{};
    std::chrono::system_clock::time_point updated_at{};
};

class ContactStore {
  public:
    virtual ~ContactStore() = default;

    // created: true when the contact did not exist before.
    virtual Result<bool> upsert(const Contact& contact) = 0;
    virtual Result<std::optional<Contact>> get(const std::string& id) = 0;
    virtual Result<bool> remove(const std::string& id) = 0;  // false: there was no such contact
    virtual Result<void> set_watchlist(const std::string& user_id,
                                       const std::vector<std::string>& tickers) = 0;
    virtual Result<std::vector<std::string>> watchlist(const std::string& user_id) = 0;
    virtual Result<std::vector<Contact>> watchers(const std::string& ticker) = 0;
    virtual Result<std::optional<Contact>> by_stripe_customer(const std::string& customer_id) = 0;
    virtual Result<std::optional<Contact>> by_email(const std::string& email) = 0;
    virtual Result<void> link_stripe_customer(const std::string& user_id,
                                              const std::string& customer_id) = 0;
    // A cheap query proving the store answers (/readyz).
    virtual Result<void> ping() = 0;
};

// The contact store beside the outbox named by TXMAIL_DATABASE_URL: sqlite -> that file (already
// migrated by outbox::open_store), memory:// -> in memory; other stores are not supported yet
// (a config error naming TXMAIL_DATABASE_URL).
Result<std::unique_ptr<ContactStore>> open_contact_store(const std::string& database_url);

}  // namespace txmail::service
