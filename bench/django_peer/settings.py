"""Settings of the Django peer (bench/run-http.sh sets the PEER_* variables).

Deliberately minimal so that Django is measured at its best: no middleware (the original app had
sessions, auth, CSRF and messages on every request), no admin, no logging of requests. SQLite as
Django configures it by default (rollback journal switched to WAL by prepare.py, synchronous=FULL:
every commit waits for the disk, as txmail's outbox does). Mail goes through Django's SMTP backend
to the benchmark's smtp-sink, standing in for smtp.office365.com:587.
"""

import os

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
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = "Boritrader <noreply@boritrader.com>"
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
