// keep_freed_heap_for_reuse (util/heap_trim.h): memory freed at the top of an arena stays there
// for reuse (up to 4 MiB), where glibc's default hands anything above 128 KiB back at once.
#include "txmail/util/heap_trim.h"

#include <malloc.h>

#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

namespace txmail {
namespace {

// Allocates 2 MiB in chunks below the mmap threshold, from the main arena (this thread), frees
// them newest first so each joins the top chunk, and returns what stayed at the top.
std::size_t kept_after_freeing_two_mebibytes() {
    std::vector<void*> chunks;
    for (int i = 0; i < 64; ++i)
        chunks.push_back(std::malloc(32 << 10));
    for (auto chunk = chunks.rbegin(); chunk != chunks.rend(); ++chunk)
        std::free(*chunk);
    return mallinfo2().keepcost;
}

TEST(HeapTrim, FreedMemoryStaysAtTheTopOfTheArena) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer replaces glibc's malloc, whose arenas this test reads";
#endif
    ASSERT_EQ(mallopt(M_TRIM_THRESHOLD, 128 << 10), 1);  // glibc's default
    EXPECT_LT(kept_after_freeing_two_mebibytes(), std::size_t{256} << 10);

    keep_freed_heap_for_reuse();
    // Some of the 2 MiB came from free chunks below the top: most of it is at the top.
    EXPECT_GE(kept_after_freeing_two_mebibytes(), std::size_t{1} << 20);
}

}  // namespace
}  // namespace txmail
