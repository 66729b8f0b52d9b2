"""WSGI entry point: refuses to serve without SECRET_KEY unless DEBUG is on."""

import os

from django.core.wsgi import get_wsgi_application

from config.entry import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
require_secret_key()
