"""Outbound webhooks: a team subscribes URLs to event types; deliveries are signed, retried and logged.

- ``models``: endpoints and their deliveries (tenant tables, under row-level security);
- ``signing``: the ``PrimeSync-Signature`` header (pure);
- ``guard``: which URLs may be called at all (scheme, and no private addresses outside DEBUG);
- ``services``: endpoint changes, fanning an event out to deliveries, one delivery attempt;
- ``handlers`` / ``tasks``: the outbox handler that creates deliveries, the Celery tasks that send them.

See docs/webhooks.md for what receivers see.
"""
