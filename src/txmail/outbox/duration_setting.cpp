#include "txmail/outbox/duration_setting.h"

#include "txmail/config/settings.h"
#include "txmail/util/duration.h"

namespace txmail::outbox {

Result<std::chrono::milliseconds> duration_setting(const config::Settings& settings,
                                                   std::string_view name,
                                                   std::chrono::milliseconds fallback) {
    const auto text = settings.get(name);
    if (!text)
        return fallback;
    return parse_duration(*text, name);
}

}  // namespace txmail::outbox
