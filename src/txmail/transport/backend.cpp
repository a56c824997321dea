#include "txmail/transport/backend.h"

#include <array>
#include <utility>

namespace txmail::transport {
namespace {

// Django's dotted paths (settings.EMAIL_BACKEND) and the short names they stand for.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kDjangoBackends = {{
    {"django.core.mail.backends.smtp.EmailBackend", "smtp"},
    {"django.core.mail.backends.console.EmailBackend", "console"},
    {"django.core.mail.backends.filebased.EmailBackend", "file"},
    {"django.core.mail.backends.locmem.EmailBackend", "memory"},
    {"django.core.mail.backends.dummy.EmailBackend", "dummy"},
}};

constexpr std::array<std::string_view, 6> kBackends = {"smtp",    "graph",  "file",
                                                       "console", "memory", "dummy"};

}  // namespace

SendResult Backend::send(const mail::RenderedMessage& message) {
    std::vector<SendResult> results = send_messages(std::span(&message, 1));
    if (results.size() != 1)
        return fail(Error::internal("backend " + std::string(name()) + " returned " +
                                    std::to_string(results.size()) + " results for one message"));
    return std::move(results.front());
}

SendResult Backend::send(const mail::Message& message) {
    auto prepared = mail::prepare(message);
    if (!prepared)
        return fail(prepared.error());
    return send(*prepared);
}

Result<std::string> backend_name(std::string_view configured) {
    for (std::string_view name : kBackends)
        if (configured == name)
            return std::string(name);
    for (auto [dotted, name] : kDjangoBackends)
        if (configured == dotted)
            return std::string(name);
    return fail(Error::config(
        "EMAIL_BACKEND",
        "EMAIL_BACKEND \"" + std::string(configured) +
            "\" is not a backend: use smtp, graph, file, console, memory or dummy (or Django's "
            "django.core.mail.backends.{smtp,console,filebased,locmem,dummy}.EmailBackend)"));
}

}  // namespace txmail::transport
