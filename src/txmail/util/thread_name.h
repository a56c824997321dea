// Names the calling thread, as `top -H`, `ps -L`, gdb and /proc/<pid>/task/<tid>/comm show it:
// txmail's threads do different jobs at different priorities (the HTTP handlers, the one SQLite
// writer and its syncer, the Stripe worker, the dispatcher's workers), and where the CPU goes is
// read per thread (docs/benchmarks.md). Linux keeps 15 bytes; a longer name is cut. A failure
// changes nothing else.
#pragma once

#include <string_view>

namespace txmail {

void name_this_thread(std::string_view name);

}  // namespace txmail
