# Outbox benchmarks (issue 6): durable enqueues per second, group commit against one transaction
# per enqueue. bench/run-outbox-enqueue.sh runs them; docs/benchmarks.md has the figures.
add_executable(outbox_enqueue ${CMAKE_CURRENT_SOURCE_DIR}/outbox_enqueue.cpp)
target_link_libraries(outbox_enqueue PRIVATE txmail_outbox)
