from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_groups(sender, **kwargs) -> None:
    from accounts.admin_access import sync_role_groups

    sync_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # After every app's permissions exist (the last app to migrate is enough, but
        # refreshing per app is cheap and keeps the groups complete).
        post_migrate.connect(sync_groups, dispatch_uid="accounts.sync_role_groups")
