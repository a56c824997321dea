# HTTP API benchmark (issue 7, item 8): bench/run-http.sh drives wrk (closed loop, throughput) and
# bench_http_rate (open loop at a fixed rate, latency at the rate the issue aims at).
add_executable(bench_http_rate ${CMAKE_CURRENT_SOURCE_DIR}/http_rate.cpp)
target_link_libraries(bench_http_rate PRIVATE Boost::headers)
