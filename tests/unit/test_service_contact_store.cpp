// The ContactStore contract, run on the memory store and on SQLite in a temp file (migrated by
// outbox::open_store, as `txmail serve` does).
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "support/temp_directory.h"
#include "txmail/outbox/store.h"
#include "txmail/service/contact_store.h"
#include "txmail/service/memory_contact_store.h"

namespace txmail::service {
namespace {

struct Backend {
    std::string name;
    std::function<std::unique_ptr<ContactStore>(const testing::TempDirectory&)> open;
};

class ContactStoreContract : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override { store = GetParam().open(directory); }
    testing::TempDirectory directory;
    std::unique_ptr<ContactStore> store;
};

Contact ada() {
    return {"7", "ada@example.com", "Ada Lovelace", std::nullopt, {}, {}};
}

TEST_P(ContactStoreContract, UpsertCreatesThenUpdatesKeepingCreatedAt) {
    ASSERT_TRUE(*store->upsert(ada()));
    const auto first = **store->get("7");
    Contact changed = ada();
    changed.email = "ada@example.org";
    changed.stripe_customer_id = "cus_1";
    ASSERT_FALSE(*store->upsert(changed));
    const auto second = **store->get("7");
    EXPECT_EQ(second.email, "ada@example.org");
    EXPECT_EQ(second.stripe_customer_id, "cus_1");
    EXPECT_EQ(second.created_at, first.created_at);
    EXPECT_FALSE(store->get("8")->has_value());
}

TEST_P(ContactStoreContract, StripeCustomerBelongsToOneContact) {
    Contact first = ada();
    first.stripe_customer_id = "cus_1";
    ASSERT_TRUE(store->upsert(first));
    Contact second{"8", "bob@example.com", "Bob", "cus_1", {}, {}};
    auto result = store->upsert(second);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "stripe_customer_id");
    EXPECT_FALSE(store->get("8")->has_value());
}

TEST_P(ContactStoreContract, WatchlistIsReplacedAndWatchersFound) {
    ASSERT_TRUE(store->upsert(ada()));
    ASSERT_TRUE(store->upsert({"8", "bob@example.com", "Bob", std::nullopt, {}, {}}));
    ASSERT_TRUE(store->set_watchlist("7", {"MSFT", "AAPL"}));
    ASSERT_TRUE(store->set_watchlist("8", {"AAPL"}));
    ASSERT_TRUE(store->set_watchlist("7", {"AAPL", "TSLA"}));
    EXPECT_EQ(*store->watchlist("7"), (std::vector<std::string>{"AAPL", "TSLA"}));
    auto watchers = *store->watchers("AAPL");
    ASSERT_EQ(watchers.size(), 2u);
    EXPECT_EQ(watchers[0].id, "7");
    EXPECT_EQ(watchers[1].email, "bob@example.com");
    EXPECT_TRUE(store->watchers("MSFT")->empty());
}

TEST_P(ContactStoreContract, WatchlistOfUnknownUserNamesUserId) {
    auto result = store->set_watchlist("nobody", {"AAPL"});
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().field, "user_id");
}

TEST_P(ContactStoreContract, RemoveDropsContactAndWatchlist) {
    ASSERT_TRUE(store->upsert(ada()));
    ASSERT_TRUE(store->set_watchlist("7", {"AAPL"}));
    EXPECT_TRUE(*store->remove("7"));
    EXPECT_FALSE(*store->remove("7"));
    EXPECT_TRUE(store->watchers("AAPL")->empty());
    EXPECT_TRUE(store->watchlist("7")->empty());
    EXPECT_TRUE(store->ping());
}

TEST_P(ContactStoreContract, FindsByStripeCustomerAndByEmailIgnoringCase) {
    Contact linked = ada();
    linked.stripe_customer_id = "cus_1";
    ASSERT_TRUE(store->upsert(linked));
    ASSERT_TRUE(store->upsert({"8", "Bob@Example.com", "Bob", std::nullopt, {}, {}}));
    ASSERT_TRUE(store->upsert({"9", "bob@example.com", "Bob again", std::nullopt, {}, {}}));
    EXPECT_EQ((*store->by_stripe_customer("cus_1"))->id, "7");
    EXPECT_FALSE(store->by_stripe_customer("cus_2")->has_value());
    EXPECT_EQ((*store->by_email("BOB@example.COM"))->id, "8");  // the lowest id of the two
    EXPECT_FALSE(store->by_email("carol@example.com")->has_value());
}

TEST_P(ContactStoreContract, LinkStripeCustomerSetsItOnceAndNamesTheConflict) {
    ASSERT_TRUE(store->upsert(ada()));
    ASSERT_TRUE(store->upsert({"8", "bob@example.com", "Bob", std::nullopt, {}, {}}));
    ASSERT_TRUE(store->link_stripe_customer("7", "cus_1"));
    EXPECT_EQ((**store->get("7")).stripe_customer_id, "cus_1");
    EXPECT_EQ((**store->get("7")).email, "ada@example.com");
    ASSERT_TRUE(store->link_stripe_customer("7", "cus_1"));  // again: no conflict with itself

    auto taken = store->link_stripe_customer("8", "cus_1");
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().field, "stripe_customer_id");
    EXPECT_FALSE((**store->get("8")).stripe_customer_id.has_value());

    auto unknown = store->link_stripe_customer("nobody", "cus_2");
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().field, "user_id");
    EXPECT_FALSE(store->by_stripe_customer("cus_2")->has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Stores, ContactStoreContract,
    ::testing::Values(
        Backend{"memory",
                [](const testing::TempDirectory&) -> std::unique_ptr<ContactStore> {
                    return std::make_unique<MemoryContactStore>();
                }},
        Backend{"sqlite",
                [](const testing::TempDirectory& directory) -> std::unique_ptr<ContactStore> {
                    const std::string url = "sqlite:///" + (directory / "txmail.db").string();
                    auto outbox = outbox::open_store(url);  // migrates the file
                    if (!outbox)
                        throw std::runtime_error(outbox.error().describe());
                    auto store = open_contact_store(url);
                    if (!store)
                        throw std::runtime_error(store.error().describe());
                    return std::move(*store);
                }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace txmail::service
