# Outbox end-to-end latency (issue 6, item 10): enqueue -> accepted by postfix's smtp-sink.
# bench/run-outbox-latency.sh runs it beside the direct-send floor and prints medians and ratios.
add_executable(outbox_latency_bench ${CMAKE_CURRENT_SOURCE_DIR}/outbox_latency.cpp)
target_link_libraries(outbox_latency_bench PRIVATE txmail_outbox txmail_transport)
