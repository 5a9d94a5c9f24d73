"""Email sequences: enrol, send each step once, track opens and clicks, stop on reply or unsubscribe."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from leads import handlers, sequences
from leads.models import Enrollment, Lead, SentEmail, Sequence, SequenceStep
from leads.views_tracking import PIXEL
from primesync import events, tenancy
from primesync.models import OutboxEvent
from tests.factories import LeadFactory


@pytest.fixture
def welcome(acme):
    with tenancy.use_team(acme.team):
        sequence = Sequence.objects.create(team=acme.team, name="Welcome")
        SequenceStep.objects.create(team=acme.team, sequence=sequence, order=1, delay_hours=0,
                                    subject="Hi {first_name}", body="See https://example.com/demo?x=1 for {company}.")
        SequenceStep.objects.create(team=acme.team, sequence=sequence, order=2, delay_hours=48,
                                    subject="Following up", body="Any thoughts, {first_name}?")
    return sequence


def enroll(ts, sequence, *leads):
    with tenancy.use_team(ts.team):
        return sequences.sequence_enroll(team=ts.team, by=ts.rep, sequence=sequence, leads=list(leads))


def send(ts, now=None):
    return sequences.sequence_send_due(team_id=ts.team.pk, now=now)


def test_enrolling_skips_who_cannot_receive(acme, welcome):
    ok = LeadFactory(team=acme.team, email="ok@x.example")
    no_email = LeadFactory(team=acme.team, email="", phone="1")
    opted_out = LeadFactory(team=acme.team, email="out@x.example", email_opt_out=True)
    enrolled, skipped = enroll(acme, welcome, ok, no_email, opted_out)
    assert enrolled == 1 and len(skipped) == 2
    assert enroll(acme, welcome, ok) == (0, [f"{ok} is already in it"])


def test_each_step_goes_out_once_with_tracking_then_the_next_waits_its_delay(acme, welcome):
    lead = LeadFactory(team=acme.team, first_name="Jo", email="jo@initech.io", company_name="Initech", owner=acme.rep)
    enroll(acme, welcome, lead)
    assert send(acme) == 1
    assert send(acme) == 0  # nothing due twice
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject == "Hi Jo" and message.to == ["jo@initech.io"]
    assert "for Initech." in message.body and "Unsubscribe:" in message.body
    assert "/t/o/" in html and "/t/c/" in html and "https://example.com/demo?x=1" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with tenancy.use_team(acme.team):
        enrollment = Enrollment.objects.get(lead=lead)
    assert enrollment.next_step == 2 and enrollment.next_send_at > timezone.now() + timedelta(hours=47)
    assert send(acme, now=timezone.now() + timedelta(hours=49)) == 1
    with tenancy.use_team(acme.team):
        assert Enrollment.objects.get(lead=lead).status == "completed"
    assert [m.subject for m in mail.outbox] == ["Hi Jo", "Following up"]


def test_opens_are_counted_and_the_first_tells_the_owner(client, acme, welcome):
    lead = LeadFactory(team=acme.team, email="jo@initech.io", owner=acme.rep)
    enroll(acme, welcome, lead)
    send(acme)
    pixel = re.search(r"/t/o/([^\"]+)\.gif", mail.outbox[0].alternatives[0][0]).group(1)
    for _ in range(2):
        response = client.get(f"/t/o/{pixel}.gif")
        assert response.content == PIXEL and response["Content-Type"] == "image/gif"
    with tenancy.use_team(acme.team):
        sent = SentEmail.objects.get()
        [opened] = OutboxEvent.objects.filter(type=events.EMAIL_OPENED)
    assert sent.open_count == 2 and sent.opened_at is not None
    assert opened.payload["sequence"] == "Welcome" and opened.payload["step"] == 1


def test_a_forged_pixel_looks_the_same_and_records_nothing(client, acme):
    response = client.get("/t/o/not-a-token.gif")
    assert response.status_code == 200 and response.content == PIXEL


def test_a_tracked_link_redirects_only_where_we_signed(client, acme, welcome):
    lead = LeadFactory(team=acme.team, email="jo@initech.io")
    enroll(acme, welcome, lead)
    send(acme)
    link = re.search(r'/t/c/([^"/]+)/', mail.outbox[0].alternatives[0][0]).group(1)
    response = client.get(f"/t/c/{link}/")
    assert response.status_code == 302 and response["Location"] == "https://example.com/demo?x=1"
    assert client.get(f"/t/c/{link[:-3]}abc/").status_code == 404
    with tenancy.use_team(acme.team):
        assert SentEmail.objects.get().click_count == 1


def test_unsubscribing_stops_everything(client, acme, welcome):
    lead = LeadFactory(team=acme.team, email="jo@initech.io")
    enroll(acme, welcome, lead)
    send(acme)
    token = re.search(r"/t/u/([^/]+)/", mail.outbox[0].body).group(1)
    assert b"Unsubscribe?" in client.get(f"/t/u/{token}/").content
    with tenancy.use_team(acme.team):
        assert not Lead.objects.get(pk=lead.pk).email_opt_out  # a GET (a link preview) changes nothing
    assert client.post(f"/t/u/{token}/").status_code == 200
    with tenancy.use_team(acme.team):
        assert Lead.objects.get(pk=lead.pk).email_opt_out
        assert Enrollment.objects.get(lead=lead).stopped_reason == "unsubscribed"
    assert client.post("/t/u/forged/").status_code == 404


def test_a_reply_stops_the_sequence(acme, welcome):
    lead = LeadFactory(team=acme.team, email="jo@initech.io")
    enroll(acme, welcome, lead)
    with tenancy.use_team(acme.team):
        event = events.publish(events.ACTIVITY_LOGGED, team=acme.team, entity_type="activity", entity_id=1,
                               payload={"lead_id": lead.pk, "kind": "email", "direction": "in"})
        handlers.stop_sequences_on_reply(event)
        assert Enrollment.objects.get(lead=lead).status == "stopped"


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_a_failed_send_is_recorded_and_retried(acme, welcome):
    lead = LeadFactory(team=acme.team, email="jo@initech.io")
    enroll(acme, welcome, lead)
    with override_settings(EMAIL_BACKEND="tests.leads.test_sequences.FailingBackend"):
        assert send(acme) == 0
    with tenancy.use_team(acme.team):
        sent = SentEmail.objects.get()
    assert (sent.status, sent.attempts) == ("failed", 1) and "smtp down" in sent.error
    assert send(acme, now=timezone.now() + timedelta(minutes=10)) == 1
    with tenancy.use_team(acme.team):
        assert SentEmail.objects.get().status == "sent"
    assert len(mail.outbox) == 1


def test_managers_write_sequences_and_reps_enroll(client, acme):
    client.force_login(acme.rep)
    assert client.get("/sequences/new/").status_code == 403
    client.force_login(acme.manager)
    data = {"name": "Nurture", "active": "on", "steps-TOTAL_FORMS": 1, "steps-INITIAL_FORMS": 0,
            "steps-0-order": 1, "steps-0-delay_hours": 0, "steps-0-subject": "Hello", "steps-0-body": "Hi {first_name}"}
    assert client.post("/sequences/new/", data).status_code == 302
    with tenancy.use_team(acme.team):
        sequence = Sequence.objects.get(name="Nurture")
        assert sequence.steps.count() == 1
    client.force_login(acme.rep)
    lead = LeadFactory(team=acme.team, owner=acme.rep, email="jo@x.example")
    client.post(f"/leads/{lead.pk}/enroll/", {"sequence": sequence.pk})
    with tenancy.use_team(acme.team):
        assert Enrollment.objects.filter(lead=lead, status="active").exists()
    assert b"Nurture" in client.get("/sequences/").content
