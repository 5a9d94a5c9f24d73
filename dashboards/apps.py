from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dashboards import demo, handlers, live  # noqa: F401 - register the demo seeder, handlers, renderers
