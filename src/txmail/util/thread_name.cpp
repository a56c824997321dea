#include "txmail/util/thread_name.h"

#include <pthread.h>

#include <string>

namespace txmail {

void name_this_thread(std::string_view name) {
    constexpr std::size_t linux_limit = 15;  // TASK_COMM_LEN less its terminating NUL
    const std::string kept(name.substr(0, linux_limit));
    (void)pthread_setname_np(pthread_self(), kept.c_str());
}

}  // namespace txmail
