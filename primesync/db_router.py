"""Schema changes go through the owner role; everything else through the app role."""


class OwnerMigratesRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "owner"
