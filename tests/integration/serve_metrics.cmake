# `txmail serve` /metrics end to end (issue 7 item 5): parsed with python3-prometheus-client.
txmail_python_test(serve_metrics test_serve_metrics.py TIMEOUT 120)
