#include "txmail/outbox/dispatcher_options.h"

#include <algorithm>

#include "txmail/config/settings.h"
#include "txmail/outbox/setting_bounds.h"
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

Result<DispatcherOptions> dispatcher_options_from(const config::Settings& settings,
                                                  std::optional<int> workers) {
    DispatcherOptions options;
    auto configured = int_setting(settings, "TXMAIL_WORKERS", options.workers, 1, 256);
    if (!configured)
        return fail(configured.error());
    options.workers = workers.value_or(*configured);
    // A lease must outlast one send (EMAIL_TIMEOUT per command), or a slow send is sent twice.
    auto lease =
        duration_setting(settings, "TXMAIL_LEASE", options.lease_for, std::chrono::seconds(1));
    if (!lease)
        return fail(lease.error());
    options.lease_for = *lease;
    auto idle = duration_setting(settings, "TXMAIL_DISPATCH_IDLE", options.idle_wait);
    if (!idle)
        return fail(idle.error());
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
