from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "enrichment"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from enrichment import demo, handlers  # noqa: F401 - register the demo seeder and event handlers
