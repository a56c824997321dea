# Fan-out (issue 7): 10,000 watchers of a ticker queued in one transaction (docs/benchmarks.md).
add_executable(fanout_bench ${CMAKE_CURRENT_SOURCE_DIR}/fanout.cpp)
target_link_libraries(fanout_bench PRIVATE txmail_service)
