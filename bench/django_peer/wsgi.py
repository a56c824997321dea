"""gunicorn's entry point: gunicorn django_peer.wsgi:application (PYTHONPATH=bench)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_peer.settings")
application = get_wsgi_application()
