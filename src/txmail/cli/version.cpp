#include "txmail/cli/version.h"

// Set for this file only by cli/module.cmake, so that a version bump recompiles one file.
#ifndef TXMAIL_VERSION
#error "TXMAIL_VERSION must be defined by src/txmail/cli/module.cmake"
#endif

namespace txmail::cli {

std::string_view version() {
    return TXMAIL_VERSION;
}

}  // namespace txmail::cli
