"""WSGI entry point: what ``safecity serve`` (gunicorn) loads."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
application = get_wsgi_application()
