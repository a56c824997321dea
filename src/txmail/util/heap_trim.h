// How much freed memory glibc's malloc keeps at the top of each arena before it hands it back.
//
// Why: in `txmail serve` a request's buffers (a Stripe body, a rendered message) are allocated on
// an HTTP handler or the Stripe worker and freed on the SQLite writer thread, once committed. Each
// such free returns the chunk to its own thread's arena, and with glibc's default threshold
// (128 KiB) it then often trimmed that arena: madvise(MADV_DONTNEED) on the writer, a TLB
// shootdown of the other core, and page faults when the handler refilled the pages. A profile of
// a webhook burst put madvise and the page faults at ~9% of the process's CPU, nearly all of the
// madvise on the one writer thread every answer waits for. Kept up to 4 MiB per arena, the pages
// are reused instead: the writer's CPU per webhook fell by a fifth to a third, and the RSS under
// load did not move (docs/benchmarks.md, "The writer thread's CPU"). What a burst took goes back
// when the burst is over (the Stripe worker's malloc_trim).
#pragma once

namespace txmail {

void keep_freed_heap_for_reuse();

}  // namespace txmail
