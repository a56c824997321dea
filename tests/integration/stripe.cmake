# `txmail serve`'s Stripe webhook receiver end to end (issue 7): events signed with python3-stripe,
# emails received by aiosmtpd.
txmail_python_test(serve_stripe test_serve_stripe.py TIMEOUT 300)
