from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        from frontend import language  # noqa: F401 - the sign-in signal's receiver
