// What `txmail render` and `txmail notify` share: the EVENT argument and --data option (the JSON
// shape of the HTTP API, {"user":{"id":…,"email":…,"name":…}, …event fields…}, inline or @file or
// @- for stdin), and turning them into a mail::Message with the configured templates and brand.
// Failures throw CommandFailure: bad JSON, unknown event or invalid data -> exit 2 naming the
// field and the value; bad settings or templates (TXMAIL_TEMPLATE_DIR, SITE_URL, ...) -> exit 2;
// a broken built-in template -> exit 3.
#pragma once

#include <string>

#include "txmail/mail/message.h"
#include "txmail/util/error.h"

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
// Exit code for a rendering error: 3 for a bug of ours (ErrorKind::internal), else 2 (input).
int render_exit_code(const Error& error);

}  // namespace txmail::cli
