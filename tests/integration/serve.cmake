# `txmail serve` end to end (issue 7): the HTTP API and the dispatcher against aiosmtpd.
txmail_python_test(serve test_serve.py TIMEOUT 300)
