#include "txmail/service/stripe_event_worker.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include "txmail/util/thread_name.h"

namespace txmail::service {

namespace {

// Answers come first: when the cores are contended, acting on what was answered for waits (on
// disk) rather than slow the answers down; when they are not, it has all it needs. At nice 10 this
// thread gets about a tenth of a normal thread's share under contention (on Linux, nice is per
// thread: setpriority(2)). docs/benchmarks.md, "Stripe webhook: answered once stored", has the
// figures; a failure to lower it changes nothing else.
void yield_to_the_answers() {
    constexpr int behind_the_answers = 10;
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), behind_the_answers);
}

}  // namespace

void StripeEventWorker::start() {
    thread_ = named_thread("stripe-worker", [this] { run(); });
}

void StripeEventWorker::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wakeup_.notify_one();
}

void StripeEventWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wakeup_.notify_one();
    if (thread_.joinable())
        thread_.join();
}

void StripeEventWorker::run() {
    yield_to_the_answers();
    bool acted_since_trim = false;
    for (;;) {
        bool woken = false;
        {
            std::unique_lock lock(mutex_);
            woken = wakeup_.wait_for(lock, idle_wait_, [this] { return woken_ || stopping_; });
            if (stopping_)
                return;
            woken_ = false;
        }
        // A burst is over (a whole idle wait without a wake): the memory acting on it took (this
        // thread's malloc arena, a batch's renders) goes back to the system once, rather than
        // stay in the process's RSS until the next burst.
        if (!woken && acted_since_trim) {
            malloc_trim(0);
            acted_since_trim = false;
        }
        Result<StripeWebhookProcessor::Sweep> sweep = StripeWebhookProcessor::Sweep{};
        try {
            sweep = processor_.act_on_received([this] {
                std::lock_guard lock(mutex_);
                return !stopping_;
            });
        } catch (const std::exception& bug) {  // said, and the events stay received
            sweep = fail(Error::internal(bug.what()));
        }
        if (!sweep) {
            report_("Stripe events not acted on: " + sweep.error().describe());
            continue;
        }
        acted_since_trim = acted_since_trim || sweep->acted > 0;
        for (const std::string& why : sweep->deferred)
            report_(why);
    }
}

}  // namespace txmail::service
