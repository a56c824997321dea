// What `txmail render` and `txmail notify` share: the EVENT argument and --data option (the JSON
// shape of the HTTP API, {"user":{"id":…,"email":…,"name":…}, …event fields…}, inline or @file or
// @- for stdin), and turning them into a mail::Message with the configured templates and brand.
// Failures throw CommandFailure: bad JSON, unknown event or invalid data -> exit 2 naming the
// field and the value; bad settings or templates (TXMAIL_TEMPLATE_DIR, SITE_URL, ...) -> exit 2;
// a broken built-in template -> exit 3.
#pragma once

#include <string>

#include "txmail/mail/message.h"

namespace CLI {
class App;
}

namespace txmail::cli {

class Context;

struct NotificationInput {
    std::string event;
    std::string data;  // as given: JSON text, @path or @-
};

void add_notification_options(CLI::App& command, NotificationInput& input);
mail::Message render_notification(Context& context, const NotificationInput& input);

}  // namespace txmail::cli
