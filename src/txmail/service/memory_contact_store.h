// The in-memory ContactStore: one process, for tests; same contract as the SQLite one.
#pragma once

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
    Result<void> ping() override { return {}; }

  private:
    std::mutex mutex_;
    std::map<std::string, Contact> contacts_;
    std::map<std::string, std::set<std::string>> watchlists_;  // user id -> tickers
};

}  // namespace txmail::service
