#include "txmail/service/memory_contact_store.h"

#include "txmail/util/strings.h"

namespace txmail::service {

Result<void> MemoryContactStore::customer_free_for(const std::string& customer_id,
                                                   const std::string& user_id) const {
    for (const auto& [id, other] : contacts_)
        if (id != user_id && other.stripe_customer_id == customer_id)
            return fail(Error::invalid("stripe_customer_id", "stripe_customer_id " + customer_id +
                                                                 " already belongs to user " + id));
    return {};
}

Result<bool> MemoryContactStore::upsert(const Contact& contact) {
    std::lock_guard lock(mutex_);
    if (contact.stripe_customer_id)
        if (auto free = customer_free_for(*contact.stripe_customer_id, contact.id); !free)
            return fail(free.error());
    const auto now = std::chrono::system_clock::now();
    auto [it, created] = contacts_.try_emplace(contact.id, contact);
    const auto created_at = created ? now : it->second.created_at;
    it->second = contact;
    it->second.created_at = created_at;
    it->second.updated_at = now;
    return created;
}

Result<std::optional<Contact>> MemoryContactStore::get(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto it = contacts_.find(id);
    if (it == contacts_.end())
        return std::optional<Contact>{};
    return it->second;
}

Result<bool> MemoryContactStore::remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    watchlists_.erase(id);
    return contacts_.erase(id) > 0;
}

Result<void> MemoryContactStore::set_watchlist(const std::string& user_id,
                                               const std::vector<std::string>& tickers) {
    std::lock_guard lock(mutex_);
    if (!contacts_.contains(user_id))
        return fail(Error::invalid("user_id", "no user with id " + user_id));
    watchlists_[user_id] = {tickers.begin(), tickers.end()};
    return {};
}

Result<std::vector<std::string>> MemoryContactStore::watchlist(const std::string& user_id) {
    std::lock_guard lock(mutex_);
    auto it = watchlists_.find(user_id);
    if (it == watchlists_.end())
        return std::vector<std::string>{};
    return std::vector<std::string>(it->second.begin(), it->second.end());
}

Result<std::vector<Contact>> MemoryContactStore::watchers(const std::string& ticker) {
    std::lock_guard lock(mutex_);
    std::vector<Contact> found;
    for (const auto& [id, tickers] : watchlists_)
        if (tickers.contains(ticker))
            found.push_back(contacts_.at(id));
    return found;
}

std::optional<Contact> MemoryContactStore::first_where(
    const std::function<bool(const Contact&)>& match) {
    std::lock_guard lock(mutex_);
    for (const auto& [id, contact] : contacts_)  // ordered by id
        if (match(contact))
            return contact;
    return std::nullopt;
}

Result<std::optional<Contact>> MemoryContactStore::by_stripe_customer(
    const std::string& customer_id) {
    return first_where([&](const Contact& c) { return c.stripe_customer_id == customer_id; });
}

Result<std::optional<Contact>> MemoryContactStore::by_email(const std::string& email) {
    return first_where([&](const Contact& c) { return iequals_ascii(c.email, email); });
}

Result<void> MemoryContactStore::link_stripe_customer(const std::string& user_id,
                                                      const std::string& customer_id) {
    std::lock_guard lock(mutex_);
    auto it = contacts_.find(user_id);
    if (it == contacts_.end())
        return fail(Error::invalid("user_id", "no user with id " + user_id));
    if (auto free = customer_free_for(customer_id, user_id); !free)
        return free;
    it->second.stripe_customer_id = customer_id;
    it->second.updated_at = std::chrono::system_clock::now();
    return {};
}

}  // namespace txmail::service
