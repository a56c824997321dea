#include "txmail/microsoft365/provider_limits.h"

#include <charconv>
#include <utility>

#include "txmail/config/settings.h"
#include "txmail/util/duration.h"
#include "txmail/util/strings.h"

namespace txmail::microsoft365 {

namespace {

using std::chrono::seconds;

constexpr std::size_t mailbox_recipients_per_day = 10'000;
constexpr std::size_t exchange_recipients_per_message = 1'000;

}  // namespace

bool is_exchange_online_smtp_host(std::string_view host) {
    return iequals_ascii(host, "smtp.office365.com") ||
           iequals_ascii(host, "smtp-legacy.office365.com");
}

Result<std::optional<Rate>> parse_rate(std::string_view text, std::string_view setting) {
    auto bad = [&] {
        return fail(Error::config(std::string(setting),
                                  std::string(setting) + ": \"" + std::string(text) +
                                      "\" is not a rate; write messages/period such as 30/min, "
                                      "2/s, 1000/h, 10000/10min, or none"));
    };
    if (iequals_ascii(text, "none"))
        return std::nullopt;
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return bad();
    std::size_t count = 0;
    const std::string_view count_text = text.substr(0, slash);
    auto [end, ec] =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (ec != std::errc{} || end != count_text.data() + count_text.size() || count == 0)
        return bad();
    // The period is a duration (util/duration.h) whose leading 1 may be left out: "min" = "1min".
    std::string period(text.substr(slash + 1));
    if (period.empty())
        return bad();
    if (period.front() < '0' || period.front() > '9')
        period.insert(0, "1");
    auto window = parse_duration(period, setting);
    if (!window || *window < seconds(1) || *window % seconds(1) != std::chrono::milliseconds(0))
        return bad();
    return Rate{count, std::chrono::duration_cast<seconds>(*window)};
}

std::string format_rate(const Rate& rate) {
    constexpr std::pair<std::string_view, seconds> units[] = {
        {"h", seconds(3'600)}, {"min", seconds(60)}, {"s", seconds(1)}};
    for (const auto& [name, length] : units) {
        if (rate.window % length != seconds(0))
            continue;
        const auto multiple = rate.window / length;
        return std::to_string(rate.count) + "/" + (multiple == 1 ? "" : std::to_string(multiple)) +
               std::string(name);
    }
    return std::to_string(rate.count) + "/" + std::to_string(rate.window.count()) + "s";
}

Result<ProviderLimits> provider_limits(const config::Settings& settings, std::string_view backend) {
    ProviderLimits limits;
    if (backend == "graph") {
        limits =
            ProviderLimits{.provider = "Microsoft Graph (sendMail)",
                           .messages = Rate{10'000, std::chrono::minutes(10)},
                           .messages_source = "Microsoft Graph default",
                           .recipients = Rate{mailbox_recipients_per_day, std::chrono::hours(24)},
                           .concurrency = 4,
                           .recipients_per_message = exchange_recipients_per_message,
                           .request_bytes = graph_max_request_bytes};
    } else if (backend == "smtp" &&
               is_exchange_online_smtp_host(settings.get_or("EMAIL_HOST", ""))) {
        limits =
            ProviderLimits{.provider = "Exchange Online (SMTP AUTH)",
                           .messages = Rate{30, std::chrono::minutes(1)},
                           .messages_source = "Exchange Online default",
                           .recipients = Rate{mailbox_recipients_per_day, std::chrono::hours(24)},
                           .concurrency = 3,
                           .recipients_per_message = exchange_recipients_per_message};
    }
    if (auto configured = settings.get("EMAIL_RATE_LIMIT")) {
        auto rate = parse_rate(*configured);
        if (!rate)
            return fail(rate.error());
        limits.messages = *rate;
        limits.messages_source = "EMAIL_RATE_LIMIT";
    }
    return limits;
}

std::vector<std::string> describe(const ProviderLimits& limits) {
    auto or_unlimited = [](const auto& value, auto format) {
        return value ? format(*value) : std::string("unlimited");
    };
    std::vector<std::string> lines;
    lines.push_back("provider: " + (limits.provider.empty() ? std::string("none known (no provider "
                                                                          "limits)")
                                                            : limits.provider + ", per mailbox"));
    lines.push_back("message rate: " + or_unlimited(limits.messages, format_rate) +
                    (limits.messages_source.empty() ? "" : " (" + limits.messages_source + ")"));
    lines.push_back("recipients: " + or_unlimited(limits.recipients, [](const Rate& rate) {
                        return format_rate(rate) + " (rolling)";
                    }));
    auto count = [](std::size_t n) { return std::to_string(n); };
    lines.push_back("concurrency: " + or_unlimited(limits.concurrency, count));
    lines.push_back("recipients per message: " +
                    or_unlimited(limits.recipients_per_message, count));
    if (limits.request_bytes)
        lines.push_back("request size: " + count(*limits.request_bytes) + " bytes");
    return lines;
}

}  // namespace txmail::microsoft365
