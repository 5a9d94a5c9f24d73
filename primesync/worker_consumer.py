"""The Celery worker's consumer, kept alive when the broker connection drops with late-acked tasks in hand.

Celery 5.7 with Kombu's Redis transport stops the worker for good ("Unrecoverable error") when Redis goes
away while our acks_late handler tasks run: tests/faults/test_redis_outage.py caught it, and
tests/primesync/test_worker_consumer.py shows both ways it happens.

- Closing the lost connection puts the unacknowledged messages back through the connection's transport,
  which ``collect()`` has already taken away when the loss surfaced while waiting for work (BRPOP).
- A task that finishes after the loss is acknowledged on its old channel, closed with that connection.

Kombu reports both as an AttributeError, not as the connection error it tolerates there. Neither the
put-back nor the acknowledgement can work over a lost connection anyway, so this consumer skips them and
says so. Those messages stay where they are: one never acknowledged goes back to the queue once the
broker's visibility timeout passes (settings), as for a killed worker, and the handlers' claim makes a
second run a no-op; if Redis lost its data, the relay queues the runs still owed again (OUTBOX_RERUN_AFTER).
"""

from __future__ import annotations

import logging

from celery.worker.consumer import Consumer as CeleryConsumer

logger = logging.getLogger(__name__)


class Consumer(CeleryConsumer):
    def on_connection_error_after_connected(self, exc):
        qos = getattr(getattr(self.task_consumer, "channel", None), "qos", None)  # virtual transports (Redis)
        if qos is not None and hasattr(qos, "restore_at_shutdown"):
            qos.restore_at_shutdown = False
            logger.info("broker connection lost: %d unacknowledged task(s) wait for the visibility timeout",
                        len(getattr(qos, "_delivered", ())))
        super().on_connection_error_after_connected(exc)

    def call_soon_ack(self, p, *args, **kwargs):
        return super().call_soon_ack(_unless_channel_closed(p), *args, **kwargs)


def _unless_channel_closed(acknowledge):
    """``acknowledge``: a message's ack_log_error or reject_log_error, skipped once its channel is closed."""
    message = getattr(acknowledge, "__self__", None)
    channel = getattr(message, "channel", None)
    if channel is None:
        return acknowledge

    def unless_closed(*args, **kwargs):
        if getattr(channel, "closed", False):
            logger.warning("task message %s not acknowledged: its broker connection was lost; it goes back to the "
                           "queue after the visibility timeout", message.delivery_tag)
            return None
        return acknowledge(*args, **kwargs)

    return unless_closed
