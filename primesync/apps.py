from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrimeSyncConfig(AppConfig):
    name = "primesync"
    verbose_name = "PrimeSync"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_secure_tables, sender=self)
        from primesync.webhooks import handlers  # noqa: F401 - register the webhook fan-out with the outbox


def _secure_tables(sender, using, **kwargs) -> None:
    """After every migrate (run as the owner): RLS on tenant tables, REVOKEs on append-only ones."""
    from django.db import connections

    from primesync.db_setup import sync_table_security

    sync_table_security(connections[using])
