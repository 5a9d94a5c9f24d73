"""PrimeSync CRM: project core (settings, tenancy, audit, events, embedded services)."""

from primesync.celery import app as celery_app

__all__ = ["celery_app"]
