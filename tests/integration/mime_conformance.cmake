# MIME conformance: messages with hard content rendered by txmail's MIME writer and parsed back by
# Python's standard email package (issue 2, item 7). The tool links only txmail_mail, so this test
# does not need the txmail binary.
add_executable(mime_render_tool ${CMAKE_CURRENT_SOURCE_DIR}/tools/render_message.cpp)
target_link_libraries(mime_render_tool PRIVATE txmail_mail nlohmann_json::nlohmann_json)

txmail_python_test(mime_conformance test_mime_conformance.py TIMEOUT 120)
set_property(TEST mime_conformance APPEND PROPERTY ENVIRONMENT
             "TXMAIL_RENDER_TOOL=$<TARGET_FILE:mime_render_tool>")
