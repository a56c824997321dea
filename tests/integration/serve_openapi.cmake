# `txmail serve` /openapi.json end to end (issue 7 item 6): structure and route coverage.
txmail_python_test(serve_openapi test_serve_openapi.py TIMEOUT 120)
