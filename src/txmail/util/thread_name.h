// Names a thread, as `top -H`, `ps -L`, gdb and /proc/<pid>/task/<tid>/comm show it:
// txmail's threads do different jobs at different priorities (the HTTP handlers, the one SQLite
// writer and its syncer, the Stripe worker, the dispatcher's workers), and where the CPU goes is
// read per thread (docs/benchmarks.md). Linux keeps 15 bytes; a longer name is cut. A failure
// changes nothing else.
#pragma once

#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace txmail {

void name_this_thread(std::string_view name);

// A thread that names itself `name`, then runs `body`: how txmail starts each of its threads, so
// that none is left unnamed.
template <class Body>
std::thread named_thread(std::string name, Body body) {
    return std::thread([name = std::move(name), body = std::move(body)]() mutable {
        name_this_thread(name);
        body();
    });
}

}  // namespace txmail
