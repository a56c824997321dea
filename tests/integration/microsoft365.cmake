# Microsoft 365 (issue 4): OAuth 2.0 client credentials, SMTP AUTH XOAUTH2 and the Graph backend,
# against stand-ins for the identity platform, Exchange Online SMTP and Graph (support/).
txmail_python_test(microsoft365_oauth test_microsoft365_oauth.py TIMEOUT 300)
txmail_python_test(graph_backend test_graph_backend.py TIMEOUT 300)
txmail_python_test(microsoft365_limits test_microsoft365_limits.py TIMEOUT 60)
