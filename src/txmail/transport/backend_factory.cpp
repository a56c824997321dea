// make_backend(): EMAIL_BACKEND -> a backend whose settings were checked now (Django's backends
// check theirs at construction), so misconfiguration fails at start-up, not at the first send.
#include "txmail/config/settings.h"
#include "txmail/transport/backend.h"
#include "txmail/transport/console_backend.h"
#include "txmail/transport/dummy_backend.h"
#include "txmail/transport/file_backend.h"
#include "txmail/transport/memory_backend.h"

// Backends written elsewhere plug in here: each provides
//   Result<std::unique_ptr<Backend>> make_<name>_backend(const config::Settings&);
// in transport/<name>_backend.h, and is "not available" until that header exists.
#if __has_include("txmail/transport/smtp_backend.h")
#include "txmail/transport/smtp_backend.h"
#define TXMAIL_HAVE_SMTP_BACKEND 1
#endif
#if __has_include("txmail/transport/graph_backend.h")
#include "txmail/transport/graph_backend.h"
#define TXMAIL_HAVE_GRAPH_BACKEND 1
#endif

namespace txmail::transport {
namespace {

[[maybe_unused]] Error not_available(std::string_view name) {
    return Error::config("EMAIL_BACKEND",
                         "backend " + std::string(name) + " is not available in this build");
}

}  // namespace

Result<std::unique_ptr<Backend>> make_backend(const config::Settings& settings) {
    auto name = backend_name(settings.get_or("EMAIL_BACKEND", "file"));
    if (!name)
        return fail(name.error());

    if (*name == "file") {
        auto backend = FileBackend::create(settings.get_or("EMAIL_FILE_PATH", ""));
        if (!backend)
            return fail(backend.error());
        return std::move(*backend);
    }
    if (*name == "console")
        return std::make_unique<ConsoleBackend>();
    if (*name == "memory")
        return std::make_unique<MemoryBackend>();
    if (*name == "dummy")
        return std::make_unique<DummyBackend>();

    // --- smtp: transport/smtp_backend.h (issue 3) ---
    if (*name == "smtp") {
#ifdef TXMAIL_HAVE_SMTP_BACKEND
        return make_smtp_backend(settings);
#else
        return fail(not_available("smtp"));
#endif
    }
    // --- graph: transport/graph_backend.h ---
    if (*name == "graph") {
#ifdef TXMAIL_HAVE_GRAPH_BACKEND
        return make_graph_backend(settings);
#else
        return fail(not_available("graph"));
#endif
    }
    return fail(Error::internal("backend " + *name + " is named but not built"));
}

}  // namespace txmail::transport
