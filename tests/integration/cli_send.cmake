# `txmail send` through the file, console and dummy backends, and `txmail config`, run as the real
# binary in a scratch working directory (its own var/ and .env).
txmail_python_test(cli_send test_cli_send.py TIMEOUT 120)
txmail_python_test(cli_config test_cli_config.py TIMEOUT 60)
