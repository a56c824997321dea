# SMTP throughput (issue 3): txmail's libcurl backend against postfix's smtp-sink, run side by side
# with postfix's smtp-source and Django's SMTP backend by bench/run-smtp.sh.
add_executable(smtp_throughput ${CMAKE_CURRENT_SOURCE_DIR}/smtp_throughput.cpp)
target_link_libraries(smtp_throughput PRIVATE txmail_transport Threads::Threads)
