"""WSGI entry point for the production server (`hechtwijzer serve` uses it)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hechtwijzer.settings")
application = get_wsgi_application()
