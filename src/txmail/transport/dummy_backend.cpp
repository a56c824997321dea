#include "txmail/transport/dummy_backend.h"

namespace txmail::transport {

Result<std::string> DummyBackend::deliver(const mail::RenderedMessage&) {
    return std::string("dropped by the dummy backend");
}

}  // namespace txmail::transport
