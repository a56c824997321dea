# The SQLite outbox through real processes: kill -9 of a producer mid-stream, `txmail enqueue`,
# `txmail outbox ...`, `txmail migrate` (issue 6). The producer is the enqueue benchmark
# (bench/outbox_enqueue.cpp) in --print-ids mode.
txmail_python_test(outbox_store test_outbox_store.py TIMEOUT 300)
set_property(TEST outbox_store APPEND PROPERTY ENVIRONMENT
             "TXMAIL_OUTBOX_ENQUEUE_BENCH=$<TARGET_FILE:outbox_enqueue>")
