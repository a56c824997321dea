#include "txmail/util/heap_trim.h"

#include <malloc.h>

namespace txmail {

void keep_freed_heap_for_reuse() {
    constexpr int kept_per_arena = 4 << 20;
    (void)mallopt(M_TRIM_THRESHOLD, kept_per_arena);
}

}  // namespace txmail
