// Runs fn(begin, end) over [0, count) in contiguous slices, one per core, on short-lived threads;
// inline when the work is too small to be worth a thread (fewer than 2 * min_slice items).
// fn must be safe to call concurrently on disjoint slices. An exception in fn is a bug and ends
// the process (it escapes a std::thread).
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace txmail {

template <class Fn>
void parallel_for(std::size_t count, std::size_t min_slice, Fn fn) {
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t slices =
        std::clamp<std::size_t>(count / std::max<std::size_t>(min_slice, 1), 1, cores);
    if (slices == 1) {
        fn(std::size_t{0}, count);
        return;
    }
    const std::size_t per_slice = (count + slices - 1) / slices;
    std::vector<std::jthread> threads;
    for (std::size_t begin = per_slice; begin < count; begin += per_slice)
        threads.emplace_back(
            [&fn, begin, end = std::min(count, begin + per_slice)] { fn(begin, end); });
    fn(std::size_t{0}, std::min(count, per_slice));
}

}  // namespace txmail
