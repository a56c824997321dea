# Notifications (issue 5): `txmail render` / `txmail notify` with the real binary; messages read
# back by Python's email parser, HTML checked by support/html_checks.py.
txmail_python_test(notify_render test_notify_render.py TIMEOUT 180)
