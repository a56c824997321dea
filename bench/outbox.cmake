# Outbox benchmarks (issue 6): durable enqueues per second, group commit against one transaction
# per enqueue. bench/run-outbox-enqueue.sh runs them; docs/benchmarks.md has the figures.
add_executable(outbox_enqueue ${CMAKE_CURRENT_SOURCE_DIR}/outbox_enqueue.cpp)
target_link_libraries(outbox_enqueue PRIVATE txmail_outbox)
# One lease with a backlog, for the two definitions of messages_due (bench/run-outbox-lease.sh).
add_executable(outbox_lease ${CMAKE_CURRENT_SOURCE_DIR}/outbox_lease.cpp)
target_link_libraries(outbox_lease PRIVATE txmail_outbox SQLite::SQLite3)
