# The outbox dispatcher with real processes (issue 6, item 9): `txmail dispatch` against
# postfix's smtp-sink and aiosmtpd; messages are queued by the outbox_fill tool (one transaction
# for thousands of messages).
add_executable(outbox_fill_tool ${CMAKE_CURRENT_SOURCE_DIR}/tools/outbox_fill.cpp)
target_link_libraries(outbox_fill_tool PRIVATE txmail_outbox)

txmail_python_test(dispatch_crash test_dispatch_crash.py TIMEOUT 120)
txmail_python_test(dispatch_failures test_dispatch_failures.py TIMEOUT 120)
foreach(test dispatch_crash dispatch_failures)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
                 "TXMAIL_OUTBOX_FILL=$<TARGET_FILE:outbox_fill_tool>")
endforeach()
