"""ASGI entry point: refuses to serve without SECRET_KEY unless DEBUG is on."""

import os

from django.core.asgi import get_asgi_application

from config.entry import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
require_secret_key()
