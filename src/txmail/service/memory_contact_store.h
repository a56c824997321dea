// The in-memory ContactStore: one process, for tests; same contract as the SQLite one.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "txmail/service/contact_store.h"

namespace txmail::service {

class MemoryContactStore final : public ContactStore {
  public:
    Result<bool> upsert(const Contact& contact) override;
    Result<std::optional<Contact>> get(const std::string& id) override;
    Result<bool> remove(const std::string& id) override;
    Result<void> set_watchlist(const std::string& user_id,
                               const std::vector<std::string>& tickers) override;
    Result<std::vector<std::string>> watchlist(const std::string& user_id) override;
    Result<std::vector<Contact>> watchers(const std::string& ticker) override;
    Result<std::optional<Contact>> by_stripe_customer(const std::string& customer_id) override;
    Result<std::optional<Contact>> by_email(const std::string& email) override;
    Result<void> link_stripe_customer(const std::string& user_id,
                                      const std::string& customer_id) override;
    Result<void> ping() override { return {}; }

  private:
    // The error when customer_id belongs to a contact other than user_id. Caller holds mutex_.
    Result<void> customer_free_for(const std::string& customer_id,
                                   const std::string& user_id) const;
    std::optional<Contact> first_where(const std::function<bool(const Contact&)>& match);

    std::mutex mutex_;
    std::map<std::string, Contact> contacts_;
    std::map<std::string, std::set<std::string>> watchlists_;  // user id -> tickers
};

}  // namespace txmail::service
