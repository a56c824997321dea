#include "txmail/service/memory_contact_store.h"

namespace txmail::service {

Result<bool> MemoryContactStore::upsert(const Contact& contact) {
    std::lock_guard lock(mutex_);
    if (contact.stripe_customer_id)
        for (const auto& [id, other] : contacts_)
            if (id != contact.id && other.stripe_customer_id == contact.stripe_customer_id)
                return fail(Error::invalid("stripe_customer_id",
                                           "stripe_customer_id " + *contact.stripe_customer_id +
                                               " already belongs to user " + id));
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

}  // namespace txmail::service
