"""Outbound webhooks end to end: the real relay and Celery worker deliver to a real HTTP receiver."""

import time

import pytest

from primesync import events, tenancy
from primesync.models import OutboxEvent, ProcessedEvent
from primesync.webhooks.models import DeliveryStatus, WebhookDelivery
from primesync.webhooks.services import delivery_redeliver, endpoint_create, endpoint_rotate_secret
from primesync.webhooks.tasks import webhook_deliver, webhook_sweep
from tests.conftest import make_team
from tests.webhook_receiver import SLOW
from tests.workers import wait_until

FAN_OUT = "primesync.webhooks.fan_out"


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.WEBHOOK_RETRY_DELAYS = [0.2] * 7  # 8 attempts, as in production, a fifth of a second apart
    settings.WEBHOOK_RETRY_JITTER = 0.0


def _handled(ts, event) -> bool:
    with tenancy.use_team(ts.team):
        return ProcessedEvent.objects.filter(event_id=event.pk, handler=FAN_OUT).exists()


def subscribe(ts, url, types=(events.EMAIL_CLICKED,)):
    with tenancy.use_team(ts.team):
        return endpoint_create(team=ts.team, by=ts.manager, url=url, event_types=list(types))


def publish(ts, event_type=events.EMAIL_CLICKED, **payload) -> OutboxEvent:
    with tenancy.use_team(ts.team):
        return events.publish(event_type, team=ts.team, entity_type="lead", entity_id=7, payload=payload)


def settled(ts, **filters) -> WebhookDelivery:
    def done():
        with tenancy.use_team(ts.team):
            return WebhookDelivery.objects.filter(
                status__in=[DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED], **filters).first()

    return wait_until(done, timeout=20, message=f"a settled delivery {filters}")


def test_a_subscribed_event_is_delivered_once_and_signed(relay, celery_worker_thread, receiver):
    acme = make_team("acme")
    endpoint = subscribe(acme, receiver.url)
    event = publish(acme, link="https://initech.example/pricing")
    delivery = settled(acme, event_id=event.pk)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.response_excerpt == "answered 200"
    assert webhook_sweep() == 0  # nothing left to send
    assert len(receiver.requests) == 1
    received = receiver.requests[0]
    assert received.signed_with(endpoint.secret) and len(received.signatures) == 1
    assert not received.signed_with("whsec_someone-elses")
    assert abs(received.timestamp - received.at) < 5
    assert received.headers["PrimeSync-Event"] == "EMAIL_CLICKED"
    assert received.headers["PrimeSync-Delivery"] == str(delivery.pk)
    assert received.headers["Content-Type"] == "application/json"
    assert received.json == {
        "id": event.pk, "type": "EMAIL_CLICKED", "created_at": event.created_at.isoformat(),
        "team_id": acme.team.pk, "entity": {"type": "lead", "id": 7},
        "data": {"link": "https://initech.example/pricing"},
    }


def test_unsubscribed_types_and_other_teams_events_are_not_delivered(relay, celery_worker_thread, receiver):
    acme, globex = make_team("acme"), make_team("globex")
    subscribe(acme, receiver.url)
    others = [publish(globex), publish(acme, events.LEAD_STATUS_CHANGED)]
    marker = publish(acme)  # published last: the relay hands events on in order
    settled(acme, event_id=marker.pk)

    # the relay asked first and queued no fan-out run for them at all
    assert not _handled(globex, others[0]) and not _handled(acme, others[1])
    assert _handled(acme, marker)
    assert [r.json["id"] for r in receiver.requests] == [marker.pk]
    with tenancy.use_team(globex.team):
        assert not WebhookDelivery.objects.exists()
    with tenancy.use_team(acme.team):
        assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == [marker.pk]


def test_only_a_team_with_an_endpoint_for_the_type_wants_a_fan_out_run(db):
    acme = make_team("acme")
    fan_out = events.get_handler(FAN_OUT)
    assert not fan_out.wants(acme.team.pk, events.LEAD_CREATED)
    subscribe(acme, "https://hooks.example.com/crm", types=(events.LEAD_CREATED,))
    assert fan_out.wants(acme.team.pk, events.LEAD_CREATED)
    assert not fan_out.wants(acme.team.pk, events.DEAL_CREATED)
    assert not fan_out.wants(make_team("globex").team.pk, events.LEAD_CREATED)


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(relay, celery_worker_thread, receiver):
    acme = make_team("acme")
    subscribe(acme, receiver.url)
    receiver.answers = [500, 503, 200]
    event = publish(acme)
    delivery = settled(acme, event_id=event.pk)

    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 3, 200)
    assert delivery.last_error == "" and delivery.delivered_at is not None
    assert len({r.headers["PrimeSync-Delivery"] for r in receiver.requests}) == 1  # one delivery, three attempts
    gaps = [later.at - earlier.at for earlier, later in zip(receiver.requests, receiver.requests[1:], strict=False)]
    assert len(gaps) == 2 and all(gap >= 0.2 for gap in gaps), gaps


def test_a_timeout_counts_as_a_failure_and_is_retried(relay, celery_worker_thread, receiver, settings):
    settings.WEBHOOK_READ_TIMEOUT = 0.3
    acme = make_team("acme")
    subscribe(acme, receiver.url)
    receiver.answers = [SLOW]
    event = publish(acme)
    delivery = settled(acme, event_id=event.pk)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("succeeded", 2, 200)
    assert len(receiver.requests) == 2


def test_after_the_last_attempt_it_is_failed_and_recorded_and_can_be_redelivered(relay, celery_worker_thread,
                                                                                   receiver, settings):
    settings.WEBHOOK_RETRY_DELAYS = [0.1, 0.1]  # three attempts
    acme = make_team("acme")
    subscribe(acme, receiver.url)
    receiver.answers = [500] * 3
    event = publish(acme)
    failed = settled(acme, event_id=event.pk)

    assert (failed.status, failed.attempts, failed.last_status_code, failed.last_error) == \
        ("failed", 3, 500, "HTTP 500")
    assert failed.next_attempt_at is None and len(receiver.requests) == 3
    assert webhook_sweep() == 0  # failed stays failed
    with tenancy.use_team(acme.team):
        again = delivery_redeliver(delivery=WebhookDelivery.objects.select_related("endpoint").get(pk=failed.pk))
    redelivered = settled(acme, pk=again.pk)
    assert (redelivered.status, redelivered.attempts, redelivered.redelivery_of_id) == ("succeeded", 1, failed.pk)
    assert receiver.requests[-1].json == receiver.requests[0].json
    assert receiver.requests[-1].headers["PrimeSync-Delivery"] == str(again.pk)


def test_a_rotated_secret_signs_alongside_the_new_one_during_the_grace_period_only(relay, celery_worker_thread,
                                                                                   receiver, settings):
    settings.WEBHOOK_SECRET_GRACE_SECONDS = 1.5
    acme = make_team("acme")
    endpoint = subscribe(acme, receiver.url)
    old = endpoint.secret
    with tenancy.use_team(acme.team):
        new = endpoint_rotate_secret(endpoint=endpoint)
    assert new != old and new.startswith("whsec_")

    settled(acme, event_id=publish(acme).pk)
    during = receiver.requests[-1]
    assert len(during.signatures) == 2 and during.signed_with(new) and during.signed_with(old)

    with tenancy.use_team(acme.team):
        expires = type(endpoint).objects.get(pk=endpoint.pk).previous_secret_expires_at
    wait_until(lambda: time.time() > expires.timestamp(), timeout=5, message="the grace period to end")
    settled(acme, event_id=publish(acme).pk)
    after = receiver.requests[-1]
    assert len(after.signatures) == 1 and after.signed_with(new) and not after.signed_with(old)


def test_the_sweep_sends_a_delivery_whose_task_was_lost_and_a_second_task_sends_nothing(committed, celery_worker_thread,
                                                                                         receiver):
    acme = make_team("acme")
    endpoint = subscribe(acme, receiver.url)
    with tenancy.use_team(acme.team):  # as if the broker had been down when it was created
        lost = WebhookDelivery.objects.create(team=acme.team, endpoint=endpoint, event_id=1,
                                              event_type="EMAIL_CLICKED", payload={"id": 1},
                                              next_attempt_at=endpoint.created_at)
    assert webhook_sweep() == 1
    assert settled(acme, pk=lost.pk).status == "succeeded"
    assert webhook_deliver(acme.team.pk, lost.pk) == "not due"  # a duplicate task, run here
    assert len(receiver.requests) == 1


def test_a_disabled_endpoint_gets_nothing_new(relay, celery_worker_thread, receiver):
    acme = make_team("acme")
    endpoint = subscribe(acme, receiver.url)
    with tenancy.use_team(acme.team):
        type(endpoint).objects.filter(pk=endpoint.pk).update(active=False)
    live = subscribe(acme, receiver.url)  # a second endpoint, active: the fan-out runs
    event = publish(acme)
    settled(acme, event_id=event.pk)
    with tenancy.use_team(acme.team):
        assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [live.pk]
    assert [r.json["id"] for r in receiver.requests] == [event.pk]
