from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from leads import demo, handlers  # noqa: F401 - register the demo seeder and event handlers
        from leads.imports import handlers as import_handlers  # noqa: F401 - and the import's (and its tasks)
