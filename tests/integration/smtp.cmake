# SMTP delivery over libcurl against real servers the tests start (issue 3): aiosmtpd with
# STARTTLS/implicit TLS and required AUTH, and postfix's smtp-sink. smtp_send_tool sends batches
# through one backend (connection reuse, XOAUTH2 with a test token source, failure kinds).
add_executable(smtp_send_tool ${CMAKE_CURRENT_SOURCE_DIR}/tools/smtp_send_tool.cpp)
target_link_libraries(smtp_send_tool PRIVATE txmail_transport nlohmann_json::nlohmann_json)

foreach(topic delivery auth tls failures reuse sink secrets)
    txmail_python_test(smtp_${topic} test_smtp_${topic}.py TIMEOUT 180)
    set_property(TEST smtp_${topic} APPEND PROPERTY ENVIRONMENT
                 "TXMAIL_SMTP_SEND_TOOL=$<TARGET_FILE:smtp_send_tool>")
endforeach()
