#include "txmail/service/stripe_customers.h"

#include <algorithm>

namespace txmail::service {

void MemoryStripeCustomers::add(Contact contact) {
    std::lock_guard lock(mutex_);
    std::erase_if(contacts_, [&](const Contact& c) { return c.id == contact.id; });
    contacts_.push_back(std::move(contact));
}

std::optional<Contact> MemoryStripeCustomers::find_if(
    const std::function<bool(const Contact&)>& match) {
    std::lock_guard lock(mutex_);
    auto found = std::ranges::find_if(contacts_, match);
    if (found == contacts_.end())
        return std::nullopt;
    return *found;
}

Result<std::optional<Contact>> MemoryStripeCustomers::by_user_id(const std::string& user_id) {
    return find_if([&](const Contact& c) { return c.id == user_id; });
}

Result<std::optional<Contact>> MemoryStripeCustomers::by_customer_id(
    const std::string& customer_id) {
    return find_if([&](const Contact& c) { return c.stripe_customer_id == customer_id; });
}

Result<std::optional<Contact>> MemoryStripeCustomers::by_email(const std::string& email) {
    return find_if([&](const Contact& c) { return c.email == email; });
}

Result<void> MemoryStripeCustomers::link(const std::string& user_id,
                                         const std::string& customer_id) {
    std::lock_guard lock(mutex_);
    for (const Contact& c : contacts_)
        if (c.id != user_id && c.stripe_customer_id == customer_id)
            return fail(Error::invalid("stripe_customer_id",
                                       "Stripe customer " + customer_id +
                                           " is already linked to user " + c.id));
    auto found = std::ranges::find_if(contacts_, [&](const Contact& c) { return c.id == user_id; });
    if (found == contacts_.end())
        return fail(Error::invalid("user_id", "no user " + user_id));
    found->stripe_customer_id = customer_id;
    return {};
}

}  // namespace txmail::service
