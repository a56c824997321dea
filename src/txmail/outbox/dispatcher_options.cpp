#include "txmail/outbox/dispatcher_options.h"

#include <algorithm>

#include "txmail/config/settings.h"
#include "txmail/outbox/duration_setting.h"
#include "txmail/transport/backend.h"

namespace txmail::outbox {

SenderLimits sender_limits_for(const microsoft365::ProviderLimits& limits) {
    SenderLimits out;
    if (limits.messages && limits.messages->count > 0 && limits.messages->window.count() > 0)
        out.messages_per_second = static_cast<double>(limits.messages->count) /
                                  static_cast<double>(limits.messages->window.count());
    if (limits.concurrency)
        out.max_concurrent = static_cast<int>(*limits.concurrency);
    return out;
}

Result<DispatcherOptions> dispatcher_options_from(const config::Settings& settings) {
    DispatcherOptions options;
    auto workers = settings.get_int("TXMAIL_WORKERS", options.workers);
    if (!workers)
        return fail(workers.error());
    if (*workers < 1 || *workers > 256)
        return fail(Error::config(
            "TXMAIL_WORKERS",
            "TXMAIL_WORKERS must be between 1 and 256 (got " + std::to_string(*workers) + ")"));
    options.workers = static_cast<int>(*workers);

    auto lease = duration_setting(settings, "TXMAIL_LEASE", options.lease_for);
    if (!lease)
        return fail(lease.error());
    if (*lease < std::chrono::seconds(1))
        return fail(Error::config("TXMAIL_LEASE", "TXMAIL_LEASE must be at least 1s (got \"" +
                                                      settings.get_or("TXMAIL_LEASE", "") + "\")"));
    options.lease_for = *lease;
    auto idle = duration_setting(settings, "TXMAIL_DISPATCH_IDLE", options.idle_wait);
    if (!idle)
        return fail(idle.error());
    if (*idle <= std::chrono::milliseconds::zero())
        return fail(Error::config("TXMAIL_DISPATCH_IDLE",
                                  "TXMAIL_DISPATCH_IDLE must be above zero (got \"" +
                                      settings.get_or("TXMAIL_DISPATCH_IDLE", "") + "\")"));
    options.idle_wait = *idle;

    auto retry = retry_config_from(settings);
    if (!retry)
        return fail(retry.error());
    options.retry = *retry;
    auto breaker = breaker_config_from(settings);
    if (!breaker)
        return fail(breaker.error());
    options.breaker = *breaker;

    auto backend = transport::backend_name(settings.get_or("EMAIL_BACKEND", "file"));
    if (!backend)
        return fail(backend.error());
    auto limits = microsoft365::provider_limits(settings, *backend);
    if (!limits)
        return fail(limits.error());
    options.limits = sender_limits_for(*limits);
    if (options.limits.max_concurrent)
        options.workers = std::min(options.workers, *options.limits.max_concurrent);
    return options;
}

}  // namespace txmail::outbox
