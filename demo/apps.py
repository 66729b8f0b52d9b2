from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data: `manage.py seed_demo` (no models of its own)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
