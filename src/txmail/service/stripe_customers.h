// Who a Stripe event is about: the contact behind a Stripe customer, found by the app's user id
// (checkout's client_reference_id), the Stripe customer id, or the customer's email, in that
// order; and linking a Stripe customer id to a user after checkout.
//
// ContactStore has no lookup by customer id or email, hence this small interface beside it.
// Implementations: memory (tests). The SQLite one over the `users` table is not written yet.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "txmail/service/contact_store.h"

namespace txmail::service {

class StripeCustomers {
  public:
    virtual ~StripeCustomers() = default;

    virtual Result<std::optional<Contact>> by_user_id(const std::string& user_id) = 0;
    virtual Result<std::optional<Contact>> by_customer_id(const std::string& customer_id) = 0;
    virtual Result<std::optional<Contact>> by_email(const std::string& email) = 0;
    // Error when another contact already holds the customer id (ContactStore's contract).
    virtual Result<void> link(const std::string& user_id, const std::string& customer_id) = 0;
};

class MemoryStripeCustomers final : public StripeCustomers {
  public:
    void add(Contact contact);  // replaces a contact with the same id

    Result<std::optional<Contact>> by_user_id(const std::string& user_id) override;
    Result<std::optional<Contact>> by_customer_id(const std::string& customer_id) override;
    Result<std::optional<Contact>> by_email(const std::string& email) override;
    Result<void> link(const std::string& user_id, const std::string& customer_id) override;

  private:
    std::optional<Contact> find_if(const std::function<bool(const Contact&)>& match);

    std::mutex mutex_;
    std::vector<Contact> contacts_;
};

}  // namespace txmail::service
