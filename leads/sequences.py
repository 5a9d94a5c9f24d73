"""Email sequences: enrolling leads, sending the due steps, tracking opens and clicks, stopping.

Sending is two-phase so that a crash never sends a step twice: the step is claimed and recorded
(``SentEmail``, unique per enrolment and step) and the enrolment advanced in one transaction;
the email goes out after that commits. A send that fails is retried by later sweeps (3 attempts).
"""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from leads.models import Enrollment, EnrollmentStatus, Lead, SentEmail, Sequence, SequenceStep
from primesync import events, tenancy

log = logging.getLogger("leads.sequences")

TOKEN_SALT = "primesync.email-tracking"  # noqa: S105 - a signing salt, not a secret
MAX_SEND_ATTEMPTS = 3
URL = re.compile(r"https?://[^\s<>\"')]+")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


# --- enrolling -----------------------------------------------------------------------------------


def sequence_enroll(*, team, by, sequence: Sequence, leads: list[Lead]) -> tuple[int, list[str]]:
    """Enroll leads; returns how many, and why the others were not (no email, unsubscribed, already in)."""
    if not sequence.active:
        return 0, ["the sequence is paused"]
    first = sequence.steps.order_by("order").first()
    if first is None:
        return 0, ["the sequence has no steps"]
    skipped: list[str] = []
    enrolled = 0
    with transaction.atomic():
        active = set(Enrollment.objects.filter(sequence=sequence, lead__in=leads, status=EnrollmentStatus.ACTIVE)
                     .values_list("lead_id", flat=True))
        for lead in leads:
            if not lead.email:
                skipped.append(f"{lead} has no email")
            elif lead.email_opt_out:
                skipped.append(f"{lead} unsubscribed")
            elif lead.pk in active:
                skipped.append(f"{lead} is already in it")
            else:
                Enrollment.objects.create(
                    team=team, sequence=sequence, lead=lead, enrolled_by=by, next_step=first.order,
                    next_send_at=timezone.now() + timedelta(hours=first.delay_hours),
                )
                enrolled += 1
    return enrolled, skipped


def enrollments_stop(*, lead_id: int, reason: str) -> int:
    with transaction.atomic():
        return Enrollment.objects.filter(lead_id=lead_id, status=EnrollmentStatus.ACTIVE).update(
            status=EnrollmentStatus.STOPPED, stopped_reason=reason[:100], next_send_at=None
        )


# --- sending -------------------------------------------------------------------------------------


def _token(payload: dict) -> str:
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def read_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=timedelta(days=365))
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) and {"t", "e"} <= set(data) else None


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _values(lead: Lead) -> dict[str, str]:
    sender = lead.owner.display_name if lead.owner_id else "The team"
    return {"first_name": lead.first_name or "there", "last_name": lead.last_name,
            "company": lead.company_name or "your company", "sender": sender}


def unsubscribe_url(sent: SentEmail) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/t/u/{_token({'t': sent.team_id, 'e': sent.pk})}/"


def render_email(sent: SentEmail, step: SequenceStep, lead: Lead) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one email, with tracked links, an open pixel and an unsubscribe link."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    ids = {"t": sent.team_id, "e": sent.pk}
    values = _values(lead)
    subject = _fill(step.subject, values)
    text = _fill(step.body, values)
    unsubscribe = unsubscribe_url(sent)

    body_html, pos = "", 0
    for match in URL.finditer(text):
        url = match.group(0)
        body_html += html.escape(text[pos:match.start()]).replace("\n", "<br>")
        body_html += f'<a href="{base}/t/c/{_token({**ids, "u": url})}/">{html.escape(url)}</a>'
        pos = match.end()
    body_html += html.escape(text[pos:]).replace("\n", "<br>")
    body_html += (f'<p style="font-size:12px;color:#888"><a href="{unsubscribe}">Unsubscribe</a></p>'
                  f'<img src="{base}/t/o/{_token(ids)}.gif" width="1" height="1" alt="">')
    plain = f"{text}\n\n--\nUnsubscribe: {unsubscribe}\n"
    return subject, plain, body_html


def _claim_due(team_id: int, now, limit: int) -> list[int]:
    """Record the next step of each due enrolment and advance it, in one transaction; return SentEmail ids."""
    claimed = []
    with transaction.atomic():
        due = list(
            Enrollment.objects.select_for_update(skip_locked=True)
            .filter(team_id=team_id, status=EnrollmentStatus.ACTIVE, next_send_at__lte=now)
            .select_related("lead", "sequence")[:limit]
        )
        for enrollment in due:
            steps = list(enrollment.sequence.steps.order_by("order"))
            step = next((s for s in steps if s.order == enrollment.next_step), None)
            lead = enrollment.lead
            if step is None or not enrollment.sequence.active or lead.email_opt_out or not lead.email:
                enrollment.status = EnrollmentStatus.STOPPED if step else EnrollmentStatus.COMPLETED
                enrollment.stopped_reason = "" if step is None else "not sendable"
                enrollment.next_send_at = None
                enrollment.save(update_fields=["status", "stopped_reason", "next_send_at"])
                continue
            sent, _ = SentEmail.objects.get_or_create(
                enrollment=enrollment, step=step,
                defaults={"team_id": team_id, "lead": lead, "to_email": lead.email, "subject": step.subject,
                          "created_at": now},
            )
            claimed.append(sent.pk)
            following = next((s for s in steps if s.order > step.order), None)
            if following is None:
                enrollment.status, enrollment.next_send_at = EnrollmentStatus.COMPLETED, None
            else:
                enrollment.next_step = following.order
                enrollment.next_send_at = now + timedelta(hours=following.delay_hours)
            enrollment.save(update_fields=["status", "next_step", "next_send_at"])
    return claimed


def _deliver(sent_id: int) -> bool:
    sent = SentEmail.objects.select_related("step", "lead__owner").get(pk=sent_id)
    subject, plain, body_html = render_email(sent, sent.step, sent.lead)
    message = EmailMultiAlternatives(subject=subject, body=plain, to=[sent.to_email],
                                     from_email=settings.DEFAULT_FROM_EMAIL,
                                     headers={"X-PrimeSync-Email": str(sent.pk),
                                              "List-Unsubscribe": f"<{unsubscribe_url(sent)}>",
                                              "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    message.attach_alternative(body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any SMTP failure: recorded, retried by the next sweep
        SentEmail.objects.filter(pk=sent.pk).update(status="failed", attempts=sent.attempts + 1,
                                                    error=f"{type(exc).__name__}: {exc}"[:300])
        log.warning("sending %s failed: %s", sent.pk, exc)
        return False
    SentEmail.objects.filter(pk=sent.pk).update(status="sent", attempts=sent.attempts + 1, sent_at=timezone.now(),
                                                subject=subject[:300], error="")
    return True


def sequence_send_due(*, team_id: int, now=None, limit: int = 200) -> int:
    """Send every step that is due (and retry failed sends); returns how many went out."""
    now = now or timezone.now()
    with tenancy.use_team(team_id):
        claimed = _claim_due(team_id, now, limit)
        # earlier sends that failed, or whose sender died between claim and send (still "sending" after 5 min)
        retry = list(SentEmail.objects.filter(
            team_id=team_id, attempts__lt=MAX_SEND_ATTEMPTS, status__in=["failed", "sending"],
            created_at__lt=now - timedelta(minutes=5),
        ).exclude(pk__in=claimed).values_list("pk", flat=True)[:limit])
    sent = 0
    for sent_id in [*claimed, *retry]:
        with tenancy.use_team(team_id):
            sent += _deliver(sent_id)
    return sent


# --- what recipients do --------------------------------------------------------------------------


def email_opened(token: str) -> bool:
    """The pixel was loaded: count it; the first open tells the owner (EMAIL_OPENED)."""
    data = read_token(token)
    if data is None:
        return False
    with tenancy.use_team(data["t"]):
        sent = SentEmail.objects.select_related("step__sequence").filter(pk=data["e"]).first()
        if sent is None:
            return False
        first = SentEmail.objects.filter(pk=sent.pk, opened_at__isnull=True).update(opened_at=timezone.now())
        SentEmail.objects.filter(pk=sent.pk).update(open_count=sent.open_count + 1)
        if first:
            events.publish(events.EMAIL_OPENED, team=data["t"], entity_type="lead", entity_id=sent.lead_id,
                           payload={"sent_email_id": sent.pk, "sequence": sent.step.sequence.name,
                                    "step": sent.step.order, "subject": sent.subject})
    return True


def email_clicked(token: str) -> str | None:
    """A tracked link was followed: count it and return where to send the reader (only a URL we signed)."""
    data = read_token(token)
    if data is None or not isinstance(data.get("u"), str) or not URL.fullmatch(data["u"]):
        return None
    with tenancy.use_team(data["t"]):
        sent = SentEmail.objects.filter(pk=data["e"]).first()
        if sent is None:
            return None
        if sent.clicked_at is None:
            events.publish(events.EMAIL_CLICKED, team=data["t"], entity_type="lead", entity_id=sent.lead_id,
                           payload={"sent_email_id": sent.pk, "url": data["u"]})
        SentEmail.objects.filter(pk=sent.pk).update(clicked_at=sent.clicked_at or timezone.now(),
                                                    click_count=sent.click_count + 1)
    return data["u"]


def unsubscribe(token: str) -> bool:
    data = read_token(token)
    if data is None:
        return False
    with tenancy.use_team(data["t"]):
        sent = SentEmail.objects.filter(pk=data["e"]).first()
        if sent is None:
            return False
        Lead.objects.filter(pk=sent.lead_id).update(email_opt_out=True)
        enrollments_stop(lead_id=sent.lead_id, reason="unsubscribed")
    return True
