# Rendering benchmark (issue 2, item 8): txmail's MIME writer on a typical ~8 KB text + HTML
# message. bench/run-render.sh runs it beside Django's EmailMultiAlternatives on the same content
# (render_message.json) and prints both medians and the ratio; docs/benchmarks.md has the figures.
add_executable(bench_render ${CMAKE_CURRENT_SOURCE_DIR}/render_message.cpp)
target_link_libraries(bench_render PRIVATE txmail_mail nlohmann_json::nlohmann_json
                      benchmark::benchmark)
target_compile_definitions(bench_render PRIVATE
                           TXMAIL_RENDER_SPEC="${CMAKE_CURRENT_SOURCE_DIR}/render_message.json")
