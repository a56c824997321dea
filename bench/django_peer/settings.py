"""Settings of the Django peer (bench/run-http.sh sets the PEER_* variables).

Deliberately minimal so that Django is measured at its best: no middleware (the original app had
sessions, auth, CSRF and messages on every request), no admin, no logging of requests. SQLite as
Django configures it by default (rollback journal switched to WAL by prepare.py, synchronous=FULL:
every commit waits for the disk, as txmail's outbox does). Mail goes through Django's SMTP backend
to the benchmark's smtp-sink, standing in for smtp.office365.com:587.

The original app sent through smtp.office365.com:587 with an app password, so every email paid
for STARTTLS and AUTH LOGIN on its new connection (connect, EHLO, STARTTLS, EHLO, AUTH, MAIL,
RCPT, DATA, QUIT); plain-text smtp-sink leaves both out and is a lower bound of that cost. So
run-http.sh starts a second gunicorn, django-send-tls, with the same views and these settings
from PEER_EMAIL_USE_TLS=true, PEER_EMAIL_HOST_USER and PEER_EMAIL_HOST_PASSWORD (a benchmark-only
value), pointed at bench/tls_smtp_sink.py, which requires STARTTLS and then AUTH LOGIN as
Exchange Online does. Unset, they default to plain text without AUTH, as before.
"""

import os


def env_flag(name):
    """A true/false setting from the environment (false when unset)."""
    value = os.environ.get(name, "false")
    if value.lower() not in ("true", "false", "1", "0"):
        raise ValueError(f"{name} must be true or false, not {value!r}")
    return value.lower() in ("true", "1")


SECRET_KEY = "benchmark-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django_peer"]
MIDDLEWARE = []
ROOT_URLCONF = "django_peer.urls"
USE_TZ = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("PEER_DATABASE", "/tmp/django_peer.sqlite3"),
        # Several gunicorn workers write to one file: wait for the lock rather than fail.
        "OPTIONS": {"timeout": 30},
    }
}
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.environ.get("PEER_TEMPLATE_DIR", "")],
    "OPTIONS": {"autoescape": True},
}]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("PEER_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("PEER_EMAIL_PORT", "25"))
# Django 3.2 calls smtplib's starttls() without an SSL context: the server's certificate is not
# verified (fine for the self-signed one tls_smtp_sink makes; it also saves the client the chain
# check, one more reason the figures are a lower bound of the original's).
EMAIL_USE_TLS = env_flag("PEER_EMAIL_USE_TLS")
EMAIL_HOST_USER = os.environ.get("PEER_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PEER_EMAIL_HOST_PASSWORD", "")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = "Boritrader <noreply@boritrader.com>"
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
