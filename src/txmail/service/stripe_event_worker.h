// The thread that acts on the Stripe events `txmail serve` has answered for
// (StripeWebhookProcessor::act_on_received): when one is stored (wake()), once at start (those
// received before a stop or a crash), and every `idle_wait` (those whose retry is due, and any
// stored by another process on the same file).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "txmail/service/stripe_webhook_processor.h"

namespace txmail::service {

class StripeEventWorker {
  public:
    // `report` is told why an event was not acted on (it is tried again later) or why the
    // ledger could not be read; it is called on the worker's thread. The processor must outlive
    // the worker.
    StripeEventWorker(StripeWebhookProcessor& processor, std::chrono::milliseconds idle_wait,
                      std::function<void(const std::string&)> report)
        : processor_(processor), idle_wait_(idle_wait), report_(std::move(report)) {}
    ~StripeEventWorker() { stop(); }
    StripeEventWorker(const StripeEventWorker&) = delete;
    StripeEventWorker& operator=(const StripeEventWorker&) = delete;

    void start();
    // Safe from any thread, including a commit's callback: it only signals.
    void wake();
    // Finishes the events in hand (their enqueues and outcomes) and joins; those still received
    // wait on disk for the next start.
    void stop();

  private:
    void run();

    StripeWebhookProcessor& processor_;
    std::chrono::milliseconds idle_wait_;
    std::function<void(const std::string&)> report_;
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool woken_ = true;  // the first look, at start
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace txmail::service
