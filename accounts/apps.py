from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_groups(sender, **kwargs) -> None:
    from accounts.admin_access import sync_role_groups

    sync_role_groups()


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """The database cache's table (throttle counts) comes with every `migrate`, so no
    deployment can forget `createcachetable`; nothing to do for a Redis cache."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from accounts import checks  # noqa: F401 (registers the system checks)

        # After every app's permissions exist (the last app to migrate is enough, but
        # refreshing per app is cheap and keeps the groups complete).
        post_migrate.connect(sync_groups, dispatch_uid="accounts.sync_role_groups")
        post_migrate.connect(
            create_cache_table, sender=self, dispatch_uid="accounts.create_cache_table"
        )
