// StripeEventWorker: the thread behind `txmail serve`'s webhook answers acts on what was received
// before it started, and on what is received while it runs as soon as it is woken; stop() joins.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "support/notify_fixtures.h"
#include "support/text_file.h"
#include "txmail/outbox/memory_store.h"
#include "txmail/service/memory_contact_store.h"
#include "txmail/service/memory_stripe_webhook_ledger.h"
#include "txmail/service/stripe_event_worker.h"
#include "txmail/stripe/signature.h"

namespace txmail::service {
namespace {

constexpr std::string_view secret = "whsec_test_worker";

std::string event_body(const std::string& id) {
    auto event = nlohmann::json::parse(testing::stripe_fixture("invoice.payment_failed"));
    event["id"] = id;
    return event.dump();
}

class StripeEventWorkerTest : public ::testing::Test {
  protected:
    StripeEventWorkerTest() {
        EXPECT_TRUE(
            contacts.upsert({"42", "zoe@example.com", "Zoe", "cus_TxmailFixture01", {}, {}}));
        notifier.on_queued([this](std::string_view) {
            std::lock_guard lock(mutex);
            ++queued;
            changed.notify_all();
        });
        processor.on_received([this] { worker.wake(); });
    }

    void receive(const std::string& id) {
        const std::string body = event_body(id);
        const auto now =
            std::chrono::duration_cast<std::chrono::seconds>(WebhookClock::now().time_since_epoch())
                .count();
        StripeWebhookInput input;
        input.body = body;
        input.signature_header =
            "t=" + std::to_string(now) + ",v1=" + stripe::compute_signature(secret, now, body);
        auto answer = processor.receive(input);
        ASSERT_TRUE(answer) << answer.error().describe();
        EXPECT_EQ(answer->outcome, "received");
    }

    // Waits, with a deadline, until `count` emails are queued.
    bool queued_at_least(int count) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(10), [&] { return queued >= count; });
    }

    // Before the worker, whose thread uses them until it is stopped.
    std::mutex mutex;
    std::condition_variable changed;
    int queued = 0;
    notify::Renderer renderer = testing::notify_renderer();
    outbox::MemoryStore outbox;
    Notifier notifier{renderer, outbox};
    MemoryStripeWebhookLedger ledger;
    MemoryContactStore contacts;
    StripeWebhookProcessor processor{ledger, contacts, notifier,
                                     StripeWebhookOptions{{std::string(secret)}}};
    // An idle wait far beyond the deadline: only the start and wake() can have acted.
    StripeEventWorker worker{processor, std::chrono::hours(1),
                             [](const std::string& why) { ADD_FAILURE() << why; }};
};

TEST_F(StripeEventWorkerTest, ActsAtStartOnWhatWasReceivedBeforeAndWhenWoken) {
    receive("evt_before_start");
    EXPECT_EQ(ledger.count_received().value(), 1);
    worker.start();
    ASSERT_TRUE(queued_at_least(1)) << "the event received before the start";
    receive("evt_while_running");
    ASSERT_TRUE(queued_at_least(2)) << "the event received while it runs, by wake()";
    worker.stop();
    EXPECT_EQ(ledger.count_received().value(), 0);
    EXPECT_EQ(outbox.list({}).value().size(), 2u);
}

TEST_F(StripeEventWorkerTest, StopsWhenIdleAndWhenNeverStarted) {
    worker.start();
    worker.stop();
    worker.stop();  // again: nothing to join
    StripeEventWorker never_started{processor, std::chrono::hours(1), [](const std::string&) {}};
    never_started.stop();
    receive("evt_after_stop");
    EXPECT_EQ(ledger.count_received().value(), 1) << "waits on disk for the next start";
}

}  // namespace
}  // namespace txmail::service
