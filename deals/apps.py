from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from deals import demo  # noqa: F401 - registers the demo seeder
