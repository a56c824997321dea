# `txmail doctor` (issue 4): each step against aiosmtpd replaying Exchange Online's replies, the
# identity platform and Graph stand-ins (support/exchange_replies.py, support/token_endpoint.py).
txmail_python_test(doctor test_doctor.py TIMEOUT 300)
